"""Status, phase, workers and risk of a case: each change dated, kept as history, audited."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import CaseChange


def _post(client, case, page, **data):
    data.setdefault("version", str(case.version))
    return client.post(f"/cases/{case.pk}/{page}/", data)


def test_status_moves_along_and_keeps_history(client, worker1, case_c1):
    client.force_login(worker1)
    assert _post(client, case_c1, "status", status="assessment").status_code == 302
    case_c1.refresh_from_db()
    assert (
        _post(client, case_c1, "status", status="planning", reason="面談を重ねた").status_code
        == 302
    )
    case_c1.refresh_from_db()
    assert case_c1.status == "planning"
    history = list(
        CaseChange.objects.filter(case=case_c1, field="status").values_list(
            "old_value", "new_value"
        )
    )
    assert history == [("", "intake"), ("intake", "assessment"), ("assessment", "planning")]
    page = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert "アセスメント → プラン" in page and "面談を重ねた" in page
    assert (
        AuditEvent.objects.filter(
            object_type="cases.case", object_id=str(case_c1.pk), action="update"
        ).count()
        == 2
    )


def test_closing_needs_a_reason(client, worker1, case_c1):
    client.force_login(worker1)
    response = _post(client, case_c1, "status", status="closed")
    assert response.status_code == 200
    assert "closure_reason" in response.context["form"].errors
    case_c1.refresh_from_db()
    assert case_c1.status == "intake"


def test_closing_dates_the_case_and_reopening_needs_a_reason(client, worker1, case_c1):
    client.force_login(worker1)
    _post(client, case_c1, "status", status="closed", closure_reason="goal_reached")
    case_c1.refresh_from_db()
    assert case_c1.status == "closed" and case_c1.closed_on == timezone.localdate()
    assert case_c1.next_contact_on is None
    response = _post(client, case_c1, "status", status="support")
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = _post(client, case_c1, "status", status="planning", reason="再相談")
    assert response.status_code == 200 and "status" in response.context["form"].errors
    response = _post(client, case_c1, "status", status="support", reason="母から再相談")
    assert response.status_code == 302
    case_c1.refresh_from_db()
    assert case_c1.status == "support" and case_c1.closed_on is None
    assert case_c1.closure_reason == ""


def test_status_change_cannot_be_dated_in_the_future_or_before_opening(client, worker1, case_c1):
    client.force_login(worker1)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _post(client, case_c1, "status", status="assessment", on=tomorrow)
    assert response.status_code == 200 and "on" in response.context["form"].errors
    before = (case_c1.opened_on - timedelta(days=1)).isoformat()
    response = _post(client, case_c1, "status", status="assessment", on=before)
    assert response.status_code == 200 and "on" in response.context["form"].errors


def test_phase_history(client, worker1, case_c1):
    client.force_login(worker1)
    assert _post(client, case_c1, "phase", phase="individual").status_code == 302
    case_c1.refresh_from_db()
    assert _post(client, case_c1, "phase", phase="group", reason="居場所に参加").status_code == 302
    case_c1.refresh_from_db()
    assert _post(client, case_c1, "phase", phase="individual").status_code == 302
    rows = list(
        CaseChange.objects.filter(case=case_c1, field="phase").values_list("old_value", "new_value")
    )
    assert rows == [
        ("encounter", "individual"),
        ("individual", "group"),
        ("group", "individual"),
    ]
    page = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert "個人支援 → 集団・居場所" in page


def test_manager_assigns_a_colleague_who_then_may_write(client, manager1, worker1b, case_c1):
    client.force_login(manager1)
    response = _post(client, case_c1, "assign", primary_worker=worker1b.pk, reason="異動のため")
    assert response.status_code == 302
    case_c1.refresh_from_db()
    assert case_c1.primary_worker == worker1b and case_c1.primary_assigned_at is not None
    change = CaseChange.objects.filter(case=case_c1, field="primary_worker").last()
    assert change.new_value == str(worker1b.pk) and change.reason == "異動のため"
    client.force_login(worker1b)
    assert client.get(f"/cases/{case_c1.pk}/contacts/new/").status_code == 200


def test_secondary_workers_set_by_manager(client, manager1, worker1, worker1b, case_c1):
    client.force_login(manager1)
    response = _post(
        client, case_c1, "assign", primary_worker=worker1.pk, secondary_workers=[worker1b.pk]
    )
    assert response.status_code == 302
    assert list(case_c1.secondary_workers.all()) == [worker1b]


def test_primary_worker_must_be_of_the_center(client, manager1, worker2, case_c1):
    client.force_login(manager1)
    response = _post(client, case_c1, "assign", primary_worker=worker2.pk)
    assert response.status_code == 200
    assert "primary_worker" in response.context["form"].errors
    case_c1.refresh_from_db()
    assert case_c1.primary_worker.username == "worker1"


def test_risk_flags_stand_out_until_a_manager_acknowledges(client, worker1, manager1, case_c1):
    client.force_login(worker1)
    response = _post(client, case_c1, "risk", risk_self_harm="on", risk_note="「消えたい」と話した")
    assert response.status_code == 302
    case_c1.refresh_from_db()
    assert case_c1.risk_self_harm and case_c1.risk_escalated_at
    page = client.get(f"/cases/{case_c1.pk}/").content.decode()
    assert 'badge badge--risk">自傷・希死念慮' in page and "管理者の確認待ち" in page
    assert "「消えたい」と話した" in page
    list_page = client.get("/cases/").content.decode()
    assert 'badge badge--risk">自傷・希死念慮' in list_page
    # The risk note is not in the audit log in plain text.
    assert not AuditEvent.objects.filter(changes__icontains="消えたい").exists()
    assert client.post(f"/cases/{case_c1.pk}/risk/acknowledge/").status_code == 403
    client.force_login(manager1)
    assert client.post(f"/cases/{case_c1.pk}/risk/acknowledge/").status_code == 302
    case_c1.refresh_from_db()
    assert case_c1.risk_acknowledged_by == manager1
    assert "管理者の確認待ち" not in client.get(f"/cases/{case_c1.pk}/").content.decode()
