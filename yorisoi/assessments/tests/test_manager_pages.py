"""Managers add definition files (validated first), choose the loneliness answer scale, and
curate the interests/aptitudes/wishes vocabulary."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from yorisoi.assessments.models import InstrumentDefinition, InstrumentSetting, VocabularyTerm
from yorisoi.audit.models import AuditEvent

from .factories import SAFE, assess, post_data

GOOD = """\
id: daily_life
version: 1
labels: {ja: 生活のようす, en: Daily life}
items:
  - id: meals
    type: single_choice
    required: true
    labels: {ja: 食事, en: Meals}
    options:
      - {value: regular, labels: {ja: 規則的, en: Regular}, score: 0}
      - {value: irregular, labels: {ja: 不規則, en: Irregular}, score: 2}
scoring:
  items: [meals]
  range: [0, 2]
"""
BAD = GOOD.replace("type: single_choice", "type: dropdown").replace(
    "labels: {ja: 食事, en: Meals}", "labels: {ja: 食事}"
)


def upload(client, text, name="def.yaml", **extra):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), "application/x-yaml")}
    data.update(extra)
    return client.post("/assessments/definitions/", data)


def test_a_valid_file_is_accepted_and_offered_in_new_assessments(
    client, manager1, worker1, center1, case_c1, case_c2, worker2
):
    client.force_login(manager1)
    response = upload(client, GOOD, center=str(center1.pk))
    assert response.status_code == 302
    row = InstrumentDefinition.objects.get(instrument_id="daily_life")
    assert (row.center, row.version, row.text, row.uploaded_by) == (center1, 1, GOOD, manager1)
    assert AuditEvent.objects.filter(
        object_type="assessments.instrumentdefinition", action="create", actor=manager1
    ).exists()
    assert "生活のようす" in client.get("/assessments/definitions/").content.decode()

    client.force_login(worker1)
    assert "生活のようす" in client.get(f"/assessments/case/{case_c1.pk}/new/").content.decode()
    client.post(
        f"/assessments/case/{case_c1.pk}/new/",
        post_data({"daily_life": {"meals": "irregular"}, "safety": SAFE}, action="complete"),
    )
    response = case_c1.assessments.get().responses.get(instrument_id="daily_life")
    assert (response.definition_id, response.total) == (row.pk, 2)
    # Another center does not get it.
    client.force_login(worker2)
    assert "生活のようす" not in client.get(f"/assessments/case/{case_c2.pk}/new/").content.decode()


def test_a_bad_file_is_refused_naming_each_line(client, manager1, center1):
    client.force_login(manager1)
    response = upload(client, BAD, center=str(center1.pk))
    assert response.status_code == 400
    html = response.content.decode()
    assert "定義ファイルに問題があるため、受け付けませんでした。" in html
    assert "6行目" in html and "dropdown" in html
    assert "8行目" in html and "en の表示名がありません" in html
    assert not InstrumentDefinition.objects.filter(center=center1).exists()


def test_files_that_are_not_text_or_too_big_are_refused(client, manager1, center1):
    client.force_login(manager1)
    data = {
        "file": SimpleUploadedFile("x.yaml", "id: テスト".encode("shift_jis")),
        "center": center1.pk,
    }
    html = client.post("/assessments/definitions/", data).content.decode()
    assert "UTF-8" in html
    big = "# " + "x" * (300 * 1024)
    html = upload(client, big, center=str(center1.pk)).content.decode()
    assert "ファイルが大きすぎます" in html
    assert InstrumentDefinition.objects.filter(center=center1).count() == 0


def test_a_manager_cannot_upload_for_another_center(client, manager2, center1):
    client.force_login(manager2)
    response = upload(client, GOOD, center=str(center1.pk))
    assert response.status_code == 400  # center1 is not among the choices
    assert not InstrumentDefinition.objects.filter(center=center1).exists()


def test_an_uploaded_definition_can_be_retired(client, manager1, center1, worker1, case_c1):
    client.force_login(manager1)
    upload(client, GOOD, center=str(center1.pk))
    row = InstrumentDefinition.objects.get(instrument_id="daily_life")
    client.post(f"/assessments/definitions/{row.pk}/active/", {"active": "0"})
    row.refresh_from_db()
    assert row.is_active is False
    client.force_login(worker1)
    form = client.get(f"/assessments/case/{case_c1.pk}/new/").content.decode()
    assert 'name="daily_life__meals"' not in form


def test_the_definition_page_shows_items_and_source(client, manager1):
    client.force_login(manager1)
    listing = client.get("/assessments/definitions/").content.decode()
    k6_id = InstrumentDefinition.objects.get(instrument_id="k6", center=None).pk
    assert f"/assessments/definitions/{k6_id}/" in listing
    html = client.get(f"/assessments/definitions/{k6_id}/").content.decode()
    assert "13点以上（強い心理的苦痛）" in html and "医療機関との連携を検討してください。" in html
    assert "id: k6" in html


def test_the_center_chooses_the_three_point_loneliness_scale(
    client, manager1, worker1, center1, case_c1
):
    old = assess(
        worker1, case_c1, {"loneliness": {"no_companions": 4, "left_out": 4, "cut_off": 4}}
    ).assessment
    client.force_login(manager1)
    page = client.get("/assessments/settings/").content.decode()
    assert "いまの設定での合計点の範囲：3〜12点" in page
    response = client.post(
        "/assessments/settings/",
        {"center": center1.pk, "instrument_id": "loneliness", "loneliness-variant": "three_point"},
    )
    assert response.status_code == 302
    assert InstrumentSetting.objects.get(center=center1).variant == "three_point"
    assert "いまの設定での合計点の範囲：3〜9点" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(object_type="assessments.instrumentsetting").exists()

    client.force_login(worker1)
    form = client.get(f"/assessments/case/{case_c1.pk}/new/").content.decode()
    assert "回答の段階：3段階（1〜3点）" in form
    assert 'name="loneliness__cut_off" value="4"' not in form
    client.post(
        f"/assessments/case/{case_c1.pk}/new/",
        post_data(
            {"loneliness": {"no_companions": 3, "left_out": 3, "cut_off": 3}, "safety": SAFE},
            action="complete",
        ),
    )
    new = case_c1.assessments.exclude(pk=old.pk).get().responses.get(instrument_id="loneliness")
    assert (new.variant, new.total, new.result["range"]) == ("three_point", 9, [3, 9])
    kept = old.responses.get()
    assert (kept.variant, kept.total, kept.result["range"]) == ("four_point", 12, [3, 12])


def test_a_value_outside_the_chosen_scale_is_refused(client, manager1, worker1, center1, case_c1):
    client.force_login(manager1)
    client.post(
        "/assessments/settings/",
        {"center": center1.pk, "instrument_id": "loneliness", "loneliness-variant": "three_point"},
    )
    client.force_login(worker1)
    response = client.post(
        f"/assessments/case/{case_c1.pk}/new/",
        post_data(
            {"loneliness": {"no_companions": 4, "left_out": 3, "cut_off": 3}, "safety": SAFE},
            action="complete",
        ),
    )
    assert response.status_code == 400
    assert case_c1.assessments.count() == 0


def test_managers_curate_the_vocabulary(client, manager1, worker1, case_c1):
    client.force_login(manager1)
    response = client.post(
        "/assessments/vocabulary/",
        {
            "vocabulary": "interests",
            "code": "pottery",
            "label_ja": "陶芸",
            "label_en": "Pottery",
            "order": "5",
        },
    )
    assert response.status_code == 302
    term = VocabularyTerm.objects.get(code="pottery")
    duplicate = client.post(
        "/assessments/vocabulary/",
        {
            "vocabulary": "interests",
            "code": "pottery",
            "label_ja": "陶芸2",
            "label_en": "P",
            "order": "5",
        },
    )
    assert "このコードはすでに使われています" in duplicate.content.decode()

    client.force_login(worker1)
    assert 'value="pottery"' in client.get(f"/assessments/case/{case_c1.pk}/new/").content.decode()
    assess(worker1, case_c1, {"interests": {"interests": {"tags": ["pottery"], "free": []}}})

    client.force_login(manager1)
    client.post(
        f"/assessments/vocabulary/{term.pk}/",
        {"label_ja": "陶芸・焼き物", "label_en": "Pottery", "order": "5"},  # unticked: retired
    )
    term.refresh_from_db()
    assert (term.label_ja, term.is_active) == ("陶芸・焼き物", False)
    assert AuditEvent.objects.filter(
        object_type="assessments.vocabularyterm", action="update"
    ).exists()

    client.force_login(worker1)
    assert (
        'value="pottery"' not in client.get(f"/assessments/case/{case_c1.pk}/new/").content.decode()
    )
    # An answer given with the term keeps showing it, with the curated label.
    detail = client.get(case_c1.assessments.get().get_absolute_url()).content.decode()
    assert "陶芸・焼き物" in detail


def test_codes_must_be_simple_identifiers(client, manager1):
    client.force_login(manager1)
    response = client.post(
        "/assessments/vocabulary/",
        {
            "vocabulary": "wishes",
            "code": "Bad-Code",
            "label_ja": "x",
            "label_en": "x",
            "order": "1",
        },
    )
    assert response.status_code == 400
    assert "英小文字で始め" in response.content.decode()
