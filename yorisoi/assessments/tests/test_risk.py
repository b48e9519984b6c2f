"""Answers that signal danger raise the case's risk flags at once (drafts too), show the worker
what to do now, put the case before the manager until acknowledged, and every step is audited."""

from __future__ import annotations

from yorisoi.assessments.models import Assessment, RiskEscalation
from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case

from .factories import SAFE, assess, k6, post_data

SELF_HARM = {"self_harm_thoughts": "recent", "violence_at_home": "none"}
VIOLENCE = {"self_harm_thoughts": "none", "violence_at_home": "recent"}


def test_a_self_harm_answer_in_a_draft_escalates_at_once(client, worker1, case_c1):
    version = case_c1.version
    client.force_login(worker1)
    response = client.post(
        f"/assessments/case/{case_c1.pk}/new/",
        post_data({"safety": {"self_harm_thoughts": "recent"}}, action="draft"),
    )
    assessment = Assessment.objects.get()
    assert assessment.is_draft
    case = Case.objects.get(pk=case_c1.pk)
    assert case.risk_self_harm is True
    assert case.risk_violence is False
    assert case.risk_escalated_at is not None and case.risk_acknowledged_at is None
    assert case.version == version + 1
    escalation = RiskEscalation.objects.get()
    assert escalation.flags == ["self_harm"]
    assert [r["id"] for r in escalation.rules] == ["self_harm_recent"]

    # The worker sees a short checklist of what to do now.
    html = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in html
    assert "安全にかかわる回答がありました" in html
    assert "今日、本人が安全に過ごせるかを本人または家族と確かめる" in html
    assert "センター長・管理者へ知らせました。確認を待っています。" in html

    # Audited: the case's flags (old -> new) and the report itself.
    case_event = AuditEvent.objects.get(
        object_type="cases.case", object_id=str(case.pk), action="update"
    )
    assert case_event.changes["risk_self_harm"] == [False, True]
    assert case_event.reason == "アセスメントの回答によるリスクの報告"
    report = AuditEvent.objects.get(object_type="assessments.riskescalation", action="create")
    assert report.changes["rules"] == [None, ["safety:self_harm_recent"]]
    assert report.center_id == case.center_id


def test_saving_the_same_answers_again_does_not_report_twice(worker1, case_c1):
    draft = assess(worker1, case_c1, {"safety": SELF_HARM}, complete=False).assessment
    assess(worker1, case_c1, {"safety": SELF_HARM}, complete=False, assessment=draft)
    assess(worker1, case_c1, {"safety": SELF_HARM}, complete=True, assessment=draft)
    assert RiskEscalation.objects.count() == 1


def test_violence_in_the_home_raises_the_violence_flag(worker1, case_c1):
    assess(worker1, case_c1, {"safety": VIOLENCE})
    case = Case.objects.get(pk=case_c1.pk)
    assert (case.risk_violence, case.risk_self_harm) == (True, False)


def test_past_answers_do_not_escalate(worker1, case_c1):
    assess(worker1, case_c1, {"safety": {"self_harm_thoughts": "past", "violence_at_home": "past"}})
    assert RiskEscalation.objects.count() == 0
    assert Case.objects.get(pk=case_c1.pk).risk_escalated_at is None


def test_severe_distress_escalates_only_when_complete_and_at_thirteen(worker1, case_c1):
    assess(worker1, case_c1, {"k6": k6(12)})
    assert RiskEscalation.objects.count() == 0
    partial = dict(k6(20))
    del partial["worthless"]
    assess(worker1, case_c1, {"k6": partial}, complete=False)
    assert RiskEscalation.objects.count() == 0  # a draft never scores
    assess(worker1, case_c1, {"k6": k6(13)})
    escalation = RiskEscalation.objects.get()
    assert escalation.flags == []
    assert escalation.rules[0]["id"] == "severe_distress"
    case = Case.objects.get(pk=case_c1.pk)
    assert case.risk_escalated_at is not None
    assert not any([case.risk_self_harm, case.risk_violence, case.risk_abuse])


def test_the_manager_sees_it_first_and_acknowledges_it(client, worker1, manager1, case_c1):
    assess(worker1, case_c1, {"safety": SELF_HARM})
    client.force_login(manager1)
    home = client.get("/").content.decode()
    assert "確認を待っているリスクの報告" in home
    assert case_c1.person.display_name in home
    # The risk report comes before the rest of the manager's home.
    assert home.index("確認を待っているリスクの報告") < home.index(
        "<h2", home.index("h-home-risk-ack") + 40
    )

    url = f"/assessments/risk/{case_c1.pk}/acknowledge/"
    page = client.get(url).content.decode()
    assert "最近の希死念慮・自傷の考え" in page
    assert "緊急時の連絡先（救急・警察・夜間の相談窓口）を家族と共有する" in page

    response = client.post(url, {"note": "担当と今日電話する", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    case = Case.objects.get(pk=case_c1.pk)
    assert case.risk_acknowledged_by == manager1
    assert case.risk_acknowledged_at >= case.risk_escalated_at
    assert case.risk_self_harm is True  # acknowledging does not lower the flag
    escalation = RiskEscalation.objects.get()
    assert escalation.acknowledged_by == manager1
    assert escalation.acknowledge_note == "担当と今日電話する"
    assert "確認を待っているリスクの報告" not in client.get("/").content.decode()

    case_ack = AuditEvent.objects.filter(
        object_type="cases.case", object_id=str(case.pk), actor=manager1
    ).get(action="update")
    assert case_ack.changes["risk_acknowledged_by_id"] == [None, manager1.pk]
    report_ack = AuditEvent.objects.get(object_type="assessments.riskescalation", action="update")
    assert report_ack.changes["acknowledge_note"] == ["[redacted]", "[redacted]"]
    assert "電話" not in str(report_ack.changes)


def test_the_case_is_at_the_top_of_the_manager_view_until_acknowledged(
    client, worker1, manager1, case_c1
):
    assess(worker1, case_c1, {"safety": SELF_HARM})
    client.force_login(manager1)
    manage = client.get("/cases/manage/")
    assert manage.status_code == 200
    html = manage.content.decode()
    escalated = html[html.index('id="h-escalated"') :]
    assert case_c1.person.display_name in escalated[: escalated.index("</section>")]
    client.post(f"/assessments/risk/{case_c1.pk}/acknowledge/", {})
    html = client.get("/cases/manage/").content.decode()
    escalated = html[html.index('id="h-escalated"') :]
    assert case_c1.person.display_name not in escalated[: escalated.index("</section>")]


def test_only_a_manager_of_the_center_may_acknowledge(client, worker1, worker1b, manager2, case_c1):
    assess(worker1, case_c1, {"safety": SELF_HARM})
    url = f"/assessments/risk/{case_c1.pk}/acknowledge/"
    for user, status in ((worker1, 403), (worker1b, 403), (manager2, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {}).status_code == status
    case = Case.objects.get(pk=case_c1.pk)
    assert case.risk_acknowledged_at is None
    assert RiskEscalation.objects.get().acknowledged_at is None


def test_a_new_danger_after_acknowledgement_escalates_again(client, worker1, manager1, case_c1):
    assess(worker1, case_c1, {"safety": SELF_HARM})
    client.force_login(manager1)
    client.post(f"/assessments/risk/{case_c1.pk}/acknowledge/", {})
    assess(worker1, case_c1, {"safety": VIOLENCE})
    case = Case.objects.get(pk=case_c1.pk)
    assert case.risk_acknowledged_at is None
    assert (case.risk_self_harm, case.risk_violence) == (True, True)
    page = client.get(f"/assessments/risk/{case_c1.pk}/acknowledge/").content.decode()
    assert "最近の家庭内の暴力" in page
    assert "最近の希死念慮・自傷の考え" not in page  # already acknowledged


def test_an_acknowledgement_on_the_case_page_also_covers_earlier_reports(
    client, worker1, manager1, case_c1
):
    assess(worker1, case_c1, {"safety": SELF_HARM})
    case_services.case_acknowledge_risk(user=manager1, case=Case.objects.get(pk=case_c1.pk))
    assess(worker1, case_c1, {"safety": VIOLENCE})
    client.force_login(manager1)
    page = client.get(f"/assessments/risk/{case_c1.pk}/acknowledge/").content.decode()
    assert "最近の家庭内の暴力" in page
    assert "最近の希死念慮・自傷の考え" not in page


def test_nothing_to_acknowledge_is_said_plainly(client, manager1, case_c1):
    client.force_login(manager1)
    html = client.get(f"/assessments/risk/{case_c1.pk}/acknowledge/").content.decode()
    assert "確認を待っているリスクの報告はありません。" in html
    client.post(f"/assessments/risk/{case_c1.pk}/acknowledge/", {})
    assert Case.objects.get(pk=case_c1.pk).risk_acknowledged_at is None
    assert not AuditEvent.objects.filter(object_type="cases.case", action="update").exists()


def test_the_case_page_shows_the_report_and_the_checklist(client, worker1, case_c1):
    assess(worker1, case_c1, {"safety": SELF_HARM, "k6": k6(3)})
    client.force_login(worker1)
    html = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert "アセスメントで安全にかかわる回答があり" in html
    assert "今日、本人が安全に過ごせるかを本人または家族と確かめる" in html
    assert "報告を確認する" not in html  # workers do not acknowledge


def test_safe_answers_raise_nothing(worker1, case_c1):
    assess(worker1, case_c1, {"safety": SAFE, "k6": k6(4)})
    assert RiskEscalation.objects.count() == 0
