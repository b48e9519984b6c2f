"""What assessments add to other apps' pages: the plan editor's side panel (and which assessment
informed a plan), timeline entries, case badges and the worker's home."""

from __future__ import annotations

from datetime import date

from django.test import RequestFactory

from yorisoi.assessments import providers
from yorisoi.cases.models import Case, PlanVersion

from .factories import OUTING_NARROW, SAFE, assess, k6


def test_the_plan_editor_shows_the_latest_assessment_and_records_it(client, worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(3)}, on=date(2025, 4, 1))
    latest = assess(worker1, case_c1, {"k6": k6(11), "outing": OUTING_NARROW}).assessment
    client.force_login(worker1)
    page = client.get(f"/cases/{case_c1.pk}/plans/new/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "最新のアセスメント" in html
    assert "11点（0〜24点）" in html and "狭義のひきこもりの状態" in html
    assert f'name="informed_by_assessment_id" value="{latest.pk}" form="plan-form"' in html
    response = client.post(
        f"/cases/{case_c1.pk}/plans/new/",
        {
            "voice": "person",
            "goals": "週に一度、図書館に行く",
            "based_on": "0",
            "informed_by_assessment_id": str(latest.pk),
        },
    )
    assert response.status_code == 302
    assert PlanVersion.objects.get(case=case_c1).informed_by_assessment_id == latest.pk


def test_the_plan_panel_without_assessments(client, worker1, case_c1):
    client.force_login(worker1)
    html = client.get(f"/cases/{case_c1.pk}/plans/new/").content.decode()
    assert "完了したアセスメントはまだありません。" in html
    assert 'name="informed_by_assessment_id" value=' not in html.split("plan-form")[-1]


def test_timeline_has_each_completed_assessment_and_risk_report(worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(5)}, on=date(2025, 6, 1))
    assess(worker1, case_c1, {"safety": {**SAFE, "self_harm_thoughts": "recent"}})
    assess(worker1, case_c1, {"k6": k6(7)}, complete=False)
    entries = providers.timeline(worker1, Case.objects.get(pk=case_c1.pk))
    kinds = sorted(e.kind for e in entries)
    assert kinds == ["assessment", "assessment", "risk"]
    back_dated = next(e for e in entries if e.kind == "assessment" and e.when.year == 2025)
    assert back_dated.when.date() == date(2025, 6, 1)


def test_timeline_shows_nothing_to_a_stranger(worker2, worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(5)})
    assert providers.timeline(worker2, case_c1) == []


def test_k6_of_thirteen_or_more_is_a_badge_on_the_case(worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(14)})
    assert providers.case_flags(worker1, case_c1) == [("K6 13点以上（14点）", "badge--warning")]
    assess(worker1, case_c1, {"k6": k6(6)})
    assert providers.case_flags(worker1, case_c1) == []


def test_a_worker_finds_their_drafts_on_the_home_page(client, worker1, worker1b, case_c1):
    draft = assess(worker1, case_c1, {"k6": {"tense": 1}}, complete=False).assessment
    client.force_login(worker1)
    html = client.get("/").content.decode()
    assert "入力途中のアセスメント" in html
    assert f"/assessments/{draft.pk}/edit/" in html
    client.force_login(worker1b)
    assert "入力途中のアセスメント" not in client.get("/").content.decode()


def test_the_nav_entry_is_for_managers_only(manager1, worker1):
    request = RequestFactory().get("/")
    request.user = manager1
    assert providers.nav(request) == [("尺度の設定", "/assessments/definitions/", 70)]
    request.user = worker1
    assert providers.nav(request) == []


def test_the_case_page_includes_the_assessment_section(client, worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(14), "outing": OUTING_NARROW})
    client.force_login(worker1)
    response = client.get(f"/cases/{case_c1.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="h-case-assessments"' in html
    assert "最新のアセスメント" in html
    assert "K6 13点以上（14点）" in html
    assert f"/assessments/case/{case_c1.pk}/new/" in html
