"""Two workers editing the same contact or case: the second save is refused, showing what
changed, with the second worker's input kept."""

from __future__ import annotations

from django.utils import timezone

from yorisoi.cases.models import CaseChange, Contact


def _edit_data(client, case, contact):
    page = client.get(f"/cases/{case.pk}/contacts/{contact.pk}/edit/")
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["workers"] = [w.pk for w in contact.workers.all()]
    data["occurred_at"] = timezone.localtime(contact.occurred_at).strftime("%Y-%m-%dT%H:%M")
    data["consulter_member"] = contact.consulter_member_id or ""
    return data


def test_second_contact_save_is_refused_showing_the_change(client, manager1, worker1, case_c1):
    contact = case_c1.contacts.get()
    client.force_login(worker1)
    mine = _edit_data(client, case_c1, contact)
    client.force_login(manager1)
    theirs = _edit_data(client, case_c1, contact)
    theirs["summary"] = "センター長が直した件名"
    assert (
        client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", theirs).status_code == 302
    )

    client.force_login(worker1)
    mine["summary"] = "私の件名"
    mine["note"] = "私が書き足した記録"
    response = client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "ほかの職員が同じ記録を保存しています" in body
    assert "センター長が直した件名" in body  # what is stored now
    assert "私の件名" in body  # the user's input, kept
    contact.refresh_from_db()
    assert contact.summary == "センター長が直した件名" and contact.note == ""
    # The re-shown form carries the new version: saving again is a deliberate overwrite.
    form = response.context["form"]
    assert form["version"].value() == str(contact.version)
    assert form["note"].value() == "私が書き足した記録"
    again = {**mine, "version": str(contact.version)}
    assert client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", again).status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "私の件名" and contact.version == 3


def test_stale_status_change_is_refused(client, manager1, worker1, case_c1):
    version = case_c1.version
    client.force_login(manager1)
    client.post(f"/cases/{case_c1.pk}/status/", {"status": "assessment", "version": version})
    client.force_login(worker1)
    response = client.post(
        f"/cases/{case_c1.pk}/status/",
        {"status": "closed", "closure_reason": "no_contact", "version": version},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "ほかの職員が同じ記録を保存しています" in body and "アセスメント" in body
    case_c1.refresh_from_db()
    assert case_c1.status == "assessment"
    assert CaseChange.objects.filter(case=case_c1, new_value="closed").count() == 0


def test_stale_risk_save_is_refused(client, manager1, worker1, case_c1):
    version = case_c1.version
    client.force_login(manager1)
    client.post(f"/cases/{case_c1.pk}/risk/", {"risk_violence": "on", "version": version})
    client.force_login(worker1)
    response = client.post(f"/cases/{case_c1.pk}/risk/", {"risk_abuse": "on", "version": version})
    assert response.status_code == 200
    assert "家庭内の暴力" in response.content.decode()
    case_c1.refresh_from_db()
    assert case_c1.risk_violence and not case_c1.risk_abuse


def test_stale_assignment_is_refused(client, manager1, worker1, worker1b, case_c1):
    version = case_c1.version
    client.force_login(manager1)
    client.post(f"/cases/{case_c1.pk}/phase/", {"phase": "individual", "version": version})
    response = client.post(
        f"/cases/{case_c1.pk}/assign/", {"primary_worker": worker1b.pk, "version": version}
    )
    assert response.status_code == 200
    case_c1.refresh_from_db()
    assert case_c1.primary_worker == worker1
    assert Contact.objects.count() == 1


def test_stale_change_of_who_was_present_names_them(client, manager1, worker1, worker1b, case_c1):
    contact = case_c1.contacts.get()
    client.force_login(worker1)
    mine = _edit_data(client, case_c1, contact)
    client.force_login(manager1)
    theirs = _edit_data(client, case_c1, contact)
    theirs["workers"] = [worker1.pk, worker1b.pk]
    client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", theirs)
    client.force_login(worker1)
    mine["workers"] = [worker1.pk, manager1.pk]
    response = client.post(f"/cases/{case_c1.pk}/contacts/{contact.pk}/edit/", mine)
    rows = {row["label"]: row for row in response.context["stale_changes"]}
    assert rows["対応者"]["theirs"] == "worker1、worker1b"
    assert rows["対応者"]["yours"] == "manager1、worker1"
