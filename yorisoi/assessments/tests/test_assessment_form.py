"""A worker assesses a person in the browser: drafts, completion, errors that say what to do,
no duplicates on a double submit, stale drafts refused, nothing saved half-way."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from yorisoi.assessments.models import Assessment, InstrumentResponse
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as case_services

from .factories import K6_TOTAL_8, OUTING_NARROW, SAFE, k6, post_data


def new_url(case):
    return f"/assessments/case/{case.pk}/new/"


def test_the_form_offers_every_builtin_instrument(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.get(new_url(case_c1))
    html = response.content.decode()
    assert response.status_code == 200
    for title in (
        "安全の確認",
        "外出状況と期間",
        "心理的苦痛（K6）",
        "孤独感（3項目）",
        "心理的・生物学的・社会的要因",
        "興味・適性・希望",
        "家族の状況",
    ):
        assert title in html
    # Labelled inputs, a legend per radio group, 必須 marked, hidden token for double submits.
    assert '<label for="id_outing__duration__years">' in html
    assert "<legend>ふだんどのくらい外出しますか" in html
    assert 'name="submission_token"' in html
    # Drafts may be half-filled, so the browser must not insist on every 必須 field.
    assert not re.search(r'<input[^>]*name="k6__tense"[^>]*required', html)
    assert re.search(r'<input[^>]*name="assessed_on"', html)
    assert "K6 は" not in html  # nothing scored on an empty form


def test_a_draft_is_saved_half_filled_and_never_scores(client, worker1, case_c1):
    client.force_login(worker1)
    partial = {"tense": 4, "hopeless": 4, "restless": 4}
    response = client.post(
        new_url(case_c1), post_data({"k6": partial}, action="draft", submission_token="d1")
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == assessment.get_absolute_url()
    assert assessment.status == Assessment.Status.DRAFT
    k6_response = assessment.responses.get()
    assert k6_response.answers == partial
    assert k6_response.total is None and k6_response.band == ""
    assert k6_response.result == {"complete": False, "risks": []}

    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "下書きのため、得点や区分はまだ出していません。" in html
    assert "合計 " not in html and "点（範囲" not in html
    listing = client.get(f"/assessments/case/{case_c1.pk}/").content.decode()
    assert "入力途中（下書き）" in listing
    assert "完了したアセスメントはまだありません。" in listing
    assert "<svg" not in listing


def test_a_draft_is_finished_later(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(
        new_url(case_c1),
        post_data({"k6": {"tense": 2, "hopeless": 2}}, action="draft", submission_token="d1"),
    )
    assessment = Assessment.objects.get()
    edit = client.get(f"/assessments/{assessment.pk}/edit/")
    html = edit.content.decode()
    assert 'name="k6__tense" value="2"' in html and "checked" in html
    assert f'name="version" value="{assessment.version}"' in html

    response = client.post(
        f"/assessments/{assessment.pk}/edit/",
        post_data(
            {"k6": K6_TOTAL_8, "outing": OUTING_NARROW, "safety": SAFE},
            action="complete",
            submission_token="d2",
            version=str(assessment.version),
        ),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.COMPLETE
    assert assessment.completed_at is not None
    totals = dict(assessment.responses.values_list("instrument_id", "total"))
    assert totals == {"outing": None, "k6": 8, "safety": None}
    assert assessment.responses.get(instrument_id="outing").classification == "narrow"
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "合計 8点（範囲 0〜24点）" in html
    assert "狭義のひきこもりの状態" in html and "理由：" in html


def test_completing_needs_every_required_item_and_saves_nothing_otherwise(client, worker1, case_c1):
    client.force_login(worker1)
    answers = dict(K6_TOTAL_8)
    del answers["worthless"]
    response = client.post(
        new_url(case_c1),
        post_data({"k6": answers, "safety": SAFE}, action="complete", submission_token="c1"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "完了するには、この項目に答えてください。" in html
    assert 'aria-invalid="true"' in html
    assert Assessment.objects.count() == 0 and InstrumentResponse.objects.count() == 0
    # What was entered is kept in the form.
    assert 'name="k6__tense" value="2"' in html


def test_completing_an_empty_form_says_what_to_do(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(new_url(case_c1), post_data({}, action="complete"))
    assert response.status_code == 400
    assert "完了するには、少なくとも1つの尺度に回答してください。" in response.content.decode()
    response = client.post(new_url(case_c1), post_data({}, action="draft"))
    assert response.status_code == 400
    assert "保存する内容がありません" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_a_double_submit_creates_one_assessment(client, worker1, case_c1):
    client.force_login(worker1)
    data = post_data({"k6": K6_TOTAL_8, "safety": SAFE}, action="complete", submission_token="same")
    first = client.post(new_url(case_c1), data)
    second = client.post(new_url(case_c1), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Assessment.objects.count() == 1


def test_a_stale_draft_save_is_refused_showing_what_changed(client, worker1, manager1, case_c1):
    client.force_login(worker1)
    client.post(
        new_url(case_c1), post_data({"k6": {"tense": 1}}, action="draft", submission_token="s0")
    )
    assessment = Assessment.objects.get()
    opened_version = assessment.version
    # The manager saves the same draft first.
    client.force_login(manager1)
    client.post(
        f"/assessments/{assessment.pk}/edit/",
        post_data(
            {"k6": {"tense": 3}}, action="draft", submission_token="s1", version=str(opened_version)
        ),
    )
    client.force_login(worker1)
    response = client.post(
        f"/assessments/{assessment.pk}/edit/",
        post_data(
            {"k6": {"tense": 2}}, action="draft", submission_token="s2", version=str(opened_version)
        ),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "ほかの職員が同じ記録を保存しています" in html
    assert "心理的苦痛（K6） / 神経が張りつめている感じ" in html
    assert "3（しばしば）" in html and "2（ときどき）" in html
    assert assessment.responses.get().answers == {"tense": 3}
    # The form now carries the current version, so saving again is a deliberate choice.
    assert f'name="version" value="{opened_version + 1}"' in html


def test_exclusive_option_cannot_be_combined(client, worker1, case_c1):
    client.force_login(worker1)
    outing = {
        **OUTING_NARROW,
        "began_because": {"tags": ["none_of_these", "pregnancy"], "free": []},
    }
    response = client.post(new_url(case_c1), post_data({"outing": outing}, action="complete"))
    assert response.status_code == 400
    assert (
        "「上のいずれでもない（ほかの病気やきっかけを含む）」は、ほかの選択肢と同時には選べません。"
        in (response.content.decode())
    )


def test_bad_dates_and_durations_are_refused_with_clear_messages(client, worker1, case_c1):
    client.force_login(worker1)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = post_data({"k6": K6_TOTAL_8}, action="complete", assessed_on=tomorrow)
    response = client.post(new_url(case_c1), data)
    assert "実施日が未来の日付になっています。" in response.content.decode()
    data = post_data({"outing": OUTING_NARROW}, action="complete")
    data["outing__duration__months"] = "14"
    data["outing__last_regular_outing"] = tomorrow
    html = client.post(new_url(case_c1), data).content.decode()
    assert "12か月以上は「年」に繰り上げて入力してください。" in html
    assert "未来の日付は入力できません。" in html
    assert Assessment.objects.count() == 0


def test_durations_and_free_tags_are_stored_for_matching(client, worker1, case_c1):
    client.force_login(worker1)
    data = post_data(
        {
            "outing": OUTING_NARROW,
            "interests": {"interests": {"tags": ["games", "music"], "free": []}},
            "safety": SAFE,
        },
        action="complete",
    )
    data["interests__interests__free"] = "ボードゲーム、猫, 猫"
    data["outing__duration__years"] = "1"
    data["outing__duration__months"] = "2"
    assert client.post(new_url(case_c1), data).status_code == 302
    assessment = Assessment.objects.get()
    outing = assessment.responses.get(instrument_id="outing")
    assert outing.answers["duration"] == 14
    interests = assessment.responses.get(instrument_id="interests")
    assert interests.tags == {
        "interests": {"tags": ["games", "music"], "free": ["ボードゲーム", "猫"]}
    }
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "ゲーム、音楽、ボードゲーム、猫" in html
    assert "1年2か月" in html


def test_a_completed_assessment_cannot_be_edited(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(new_url(case_c1), post_data({"k6": K6_TOTAL_8, "safety": SAFE}, action="complete"))
    assessment = Assessment.objects.get()
    response = client.get(f"/assessments/{assessment.pk}/edit/", follow=True)
    assert "完了したアセスメントは変更できません。" in response.content.decode()
    client.post(
        f"/assessments/{assessment.pk}/edit/",
        post_data({"k6": k6(20)}, action="complete", version=str(assessment.version)),
    )
    assert assessment.responses.get(instrument_id="k6").total == 8


def test_a_closed_case_takes_no_new_assessment(client, worker1, case_c1):
    case_services.case_change_status(
        user=worker1, case=case_c1, status="closed", closure_reason="moved"
    )
    client.force_login(worker1)
    response = client.get(new_url(case_c1), follow=True)
    assert "終結したケースにはアセスメントを記録できません。" in response.content.decode()
    client.post(new_url(case_c1), post_data({"k6": K6_TOTAL_8, "safety": SAFE}, action="complete"))
    assert Assessment.objects.count() == 0


def test_writes_and_reads_are_audited_without_the_answers(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(
        new_url(case_c1),
        post_data({"k6": K6_TOTAL_8, "safety": SAFE}, action="complete", note="本人は眠れていない"),
    )
    assessment = Assessment.objects.get()
    client.get(assessment.get_absolute_url())
    events = AuditEvent.objects.filter(
        object_type="assessments.assessment", object_id=str(assessment.pk)
    )
    actions = list(events.values_list("action", flat=True))
    assert actions == ["create", "view"]
    created = events.get(action="create")
    assert created.actor == worker1
    assert created.changes["answers"] == ["[redacted]", "[redacted]"]
    assert created.changes["instruments"] == [None, ["k6", "safety"]]
    assert "眠れていない" not in str(created.changes)
