"""A response keeps the definition it was answered on: revising a definition never changes an
old score, and a draft finishes on the version it was started on."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured

from yorisoi.assessments import catalog, scoring, services
from yorisoi.assessments.models import InstrumentDefinition, InstrumentResponse

from .factories import assess

MOOD_V1 = """\
id: mood
version: 1
labels: {ja: 気分（第1版）, en: Mood (v1)}
items:
  - {id: calm, type: scale, min: 0, max: 3, labels: {ja: 落ち着き, en: Calm}}
  - {id: worry, type: scale, min: 0, max: 3, labels: {ja: 心配, en: Worry}}
scoring:
  range: [0, 6]
  bands:
    - {code: low, min: 0, max: 2, labels: {ja: 低い, en: Low}}
    - {code: high, min: 3, max: 6, labels: {ja: 高い, en: High}}
"""
# Version 2 reverses `calm`, moves the band boundary and renames the instrument.
MOOD_V2 = (
    MOOD_V1.replace("version: 1", "version: 2")
    .replace("気分（第1版）", "気分（第2版）")
    .replace("Mood (v1)", "Mood (v2)")
    .replace("  range: [0, 6]", "  reverse: [calm]\n  range: [0, 6]")
    .replace("max: 2, labels: {ja: 低い", "max: 4, labels: {ja: 低い")
    .replace("{code: high, min: 3", "{code: high, min: 5")
)
ANSWERS = {"mood": {"calm": 3, "worry": 1}}


def upload(user, center, text):
    return services.definition_upload(user=user, center=center, filename="mood.yaml", text=text)


def test_old_scores_do_not_change_when_the_definition_is_revised(
    client, manager1, worker1, center1, case_c1
):
    upload(manager1, center1, MOOD_V1)
    old = assess(worker1, case_c1, ANSWERS).assessment
    old_response = old.responses.get()
    assert (old_response.total, old_response.band) == (4, "high")
    stored_result = old_response.result

    upload(manager1, center1, MOOD_V2)
    new = assess(worker1, case_c1, ANSWERS).assessment
    new_response = new.responses.get()
    # On v2, calm=3 counts 0: total 1, band low.
    assert (new_response.definition_version, new_response.total, new_response.band) == (2, 1, "low")

    old_response = InstrumentResponse.objects.get(pk=old_response.pk)
    assert old_response.definition_version == 1
    assert old_response.definition.version == 1
    assert old_response.result == stored_result
    assert (old_response.total, old_response.band) == (4, "high")
    # Scoring the stored snapshot again gives the same answer, whatever the current file says.
    again = scoring.evaluate(old_response.snapshot, old_response.answers, complete=True)
    assert again == stored_result
    assert (
        old_response.definition_hash
        == InstrumentDefinition.objects.get(center=center1, instrument_id="mood", version=1).sha256
    )

    client.force_login(worker1)
    html = client.get(old.get_absolute_url()).content.decode()
    assert "気分（第1版）" in html and "合計 4点" in html
    html = client.get(new.get_absolute_url()).content.decode()
    assert "気分（第2版）" in html and "合計 1点" in html
    assert "前回は定義の第1版、今回は第2版で回答しています。" in html


def test_a_draft_finishes_on_the_version_it_was_started_on(manager1, worker1, center1, case_c1):
    upload(manager1, center1, MOOD_V1)
    draft = assess(worker1, case_c1, {"mood": {"calm": 3}}, complete=False).assessment
    upload(manager1, center1, MOOD_V2)
    done = assess(worker1, case_c1, ANSWERS, assessment=draft).assessment
    response = done.responses.get()
    assert response.definition_version == 1
    assert (response.total, response.band) == (4, "high")


def test_a_center_can_replace_a_builtin_instrument_for_itself(
    manager1, worker1, worker2, center1, center2, case_c1, case_c2
):
    text = (
        catalog.builtin_files()[[f.instrument_id for f in catalog.builtin_files()].index("k6")]
        .text.replace("version: 1", "version: 7")
        .replace("心理的苦痛（K6）", "K6（正式な質問文）")
    )
    upload(manager1, center1, text)
    at_center1 = {r.instrument_id: r for r in catalog.current_definitions(center1.pk)}
    at_center2 = {r.instrument_id: r for r in catalog.current_definitions(center2.pk)}
    assert (at_center1["k6"].version, at_center1["k6"].center_id) == (7, center1.pk)
    assert (at_center2["k6"].version, at_center2["k6"].center_id) == (1, None)


def test_a_builtin_file_changed_without_a_new_version_is_refused(db, monkeypatch):
    files = catalog.builtin_files()
    catalog.builtin_rows()  # rows for the shipped texts
    changed = [
        dataclasses.replace(f, text=f.text + "\n# edited\n", sha256="0" * 64)
        if f.instrument_id == "k6"
        else f
        for f in files
    ]
    monkeypatch.setattr(catalog, "builtin_files", lambda: tuple(changed))
    with pytest.raises(ImproperlyConfigured, match=r"k6\.yaml changed but still says version 1"):
        catalog.builtin_rows()


def test_the_same_version_cannot_be_uploaded_twice(manager1, center1):
    from yorisoi.assessments.definitions import DefinitionError

    upload(manager1, center1, MOOD_V1)
    with pytest.raises(DefinitionError) as error:
        upload(manager1, center1, MOOD_V1.replace("気分（第1版）", "気分（改）"))
    assert error.value.problems[0].line == 2
    assert InstrumentDefinition.objects.filter(center=center1, instrument_id="mood").count() == 1
