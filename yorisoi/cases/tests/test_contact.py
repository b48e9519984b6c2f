"""Recording and correcting contacts on a case, through HTTP."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services
from yorisoi.cases.models import Contact


def _form(**overrides):
    when = timezone.localtime() - timedelta(minutes=10)
    data = {
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "40",
        "method": "home_visit",
        "consulter": "self",
        "summary": "訪問。ドア越しに話した",
        "note": "返事が二度あった。",
        "next_contact_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "submission_token": "c-token",
    }
    data.update(overrides)
    return data


def test_worker_records_a_home_visit(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(f"/cases/{case_c1.pk}/contacts/new/", _form())
    assert response.status_code == 302 and response["Location"] == f"/cases/{case_c1.pk}/"
    contact = Contact.objects.filter(case=case_c1).order_by("-pk").first()
    assert contact.method == "home_visit" and not contact.is_intake
    assert list(contact.workers.all()) == [worker1]
    case_c1.refresh_from_db()
    assert case_c1.next_contact_on == timezone.localdate() + timedelta(days=14)
    assert case_c1.last_contact_at == contact.occurred_at
    assert AuditEvent.objects.filter(
        object_type="cases.contact", object_id=str(contact.pk)
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "訪問。ドア越しに話した" in page and "返事が二度あった。" in page


def test_manager_records_with_colleagues_present(client, manager1, worker1, worker1b, case_c1):
    client.force_login(manager1)
    response = client.post(
        f"/cases/{case_c1.pk}/contacts/new/", _form(workers=[worker1.pk, worker1b.pk])
    )
    assert response.status_code == 302
    contact = Contact.objects.order_by("-pk").first()
    assert set(contact.workers.all()) == {worker1, worker1b}


def test_staff_of_another_center_cannot_be_named_present(client, worker1, worker2, case_c1):
    client.force_login(worker1)
    response = client.post(f"/cases/{case_c1.pk}/contacts/new/", _form(workers=[worker2.pk]))
    assert response.status_code == 200 and "workers" in response.context["form"].errors


def test_double_submit_creates_one_contact(client, worker1, case_c1):
    client.force_login(worker1)
    client.post(f"/cases/{case_c1.pk}/contacts/new/", _form())
    client.post(f"/cases/{case_c1.pk}/contacts/new/", _form())
    assert Contact.objects.filter(case=case_c1).count() == 2  # intake + one


def test_contact_for_a_closed_case_refused(client, worker1, case_c1):
    services.case_change_status(user=worker1, case=case_c1, status="closed", closure_reason="moved")
    client.force_login(worker1)
    page = client.get(f"/cases/{case_c1.pk}/contacts/new/").content.decode()
    assert "このケースは終結しています" in page
    response = client.post(f"/cases/{case_c1.pk}/contacts/new/", _form())
    assert response.status_code == 200
    assert "このケースは終結しています" in response.content.decode()
    assert Contact.objects.filter(case=case_c1).count() == 1


def test_next_contact_before_the_contact_refused(client, worker1, case_c1):
    client.force_login(worker1)
    earlier = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(f"/cases/{case_c1.pk}/contacts/new/", _form(next_contact_on=earlier))
    assert response.status_code == 200
    assert "next_contact_on" in response.context["form"].errors
    assert "次回対応予定日が、この対応の日付より前" in response.content.decode()
    assert Contact.objects.filter(case=case_c1).count() == 1


def test_contact_in_the_future_refused(client, worker1, case_c1):
    client.force_login(worker1)
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/cases/{case_c1.pk}/contacts/new/", _form(occurred_at=later))
    assert response.status_code == 200 and "occurred_at" in response.context["form"].errors


def test_consulter_member_must_be_of_the_household(client, worker1, worker2, case_c1, case_c2):
    other_member = case_c2.contacts.get().consulter_member
    client.force_login(worker1)
    response = client.post(
        f"/cases/{case_c1.pk}/contacts/new/",
        _form(consulter="family", consulter_member=other_member.pk),
    )
    assert response.status_code == 200
    assert "consulter_member" in response.context["form"].errors


def test_an_older_contact_does_not_undo_the_newer_plan(worker1, case_c1):
    services.contact_record(
        user=worker1,
        case=case_c1,
        method="phone",
        consulter="family",
        next_contact_on=timezone.localdate() + timedelta(days=10),
    )
    services.contact_record(
        user=worker1,
        case=case_c1,
        method="visit",
        consulter="self",
        occurred_at=timezone.now() - timedelta(days=20),
        next_contact_on=timezone.localdate() - timedelta(days=13),
    )
    case_c1.refresh_from_db()
    assert case_c1.next_contact_on == timezone.localdate() + timedelta(days=10)


def test_worker_corrects_a_contact(client, worker1, case_c1):
    contact = case_c1.contacts.get()
    client.force_login(worker1)
    page = client.get(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["workers"] = [w.pk for w in contact.workers.all()]
    data["occurred_at"] = timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M")
    data["summary"] = "母より電話（修正）"
    data["consulter_member"] = contact.consulter_member_id
    response = client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", data)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "母より電話（修正）" and contact.version == 2


def test_contact_of_another_case_is_not_found_under_this_case(
    client, worker1, case_c1, worker2, case_c2
):
    other = case_c2.contacts.get()
    client.force_login(worker1)
    assert client.get(f"/cases/{case_c1.pk}/contacts/{other.pk}/edit/").status_code == 404
