"""The agency registry: managers keep it, workers read it, anyone else finds nothing."""

from __future__ import annotations

from yorisoi.agencies.models import Agency
from yorisoi.audit.models import Action, AuditEvent

from .factories import make_agency

FORM = {
    "name": "地域若者サポートステーション ひかり",
    "kind": "youth_station",
    "liaison_channel": "email",
    "referral_needs": "見学の希望日を2つ添えてください。",
    "liaison_agreed_on": "2025-04-15",
    "is_active": "on",
}


def test_a_manager_registers_an_agency(client, manager1):
    client.force_login(manager1)
    assert client.get("/agencies/new/").status_code == 200
    response = client.post("/agencies/new/", FORM)
    agency = Agency.objects.get()
    assert response["Location"] == f"/agencies/{agency.pk}/"
    assert agency.liaison_channel == "email"
    assert AuditEvent.objects.filter(
        object_type="agencies.agency", object_id=str(agency.pk), action=Action.CREATE
    ).exists()
    html = client.get(f"/agencies/{agency.pk}/").content.decode()
    assert "見学の希望日を2つ添えてください。" in html


def test_a_manager_edits_and_a_stale_edit_is_refused(client, manager1, manager2):
    agency = make_agency("ハローワーク北", phone="000-1111")
    client.force_login(manager1)
    form = {**FORM, "name": "ハローワーク北", "version": agency.version, "phone": "000-2222"}
    assert client.post(f"/agencies/{agency.pk}/edit/", form).status_code == 302
    client.force_login(manager2)
    stale = {**form, "phone": "000-3333"}  # opened before manager1 saved
    response = client.post(f"/agencies/{agency.pk}/edit/", stale)
    assert response.status_code == 200
    assert "ほかの職員がこの記録を保存しました" in response.content.decode()
    agency.refresh_from_db()
    assert agency.phone == "000-2222" and agency.version == 2


def test_a_duplicate_name_is_refused(client, manager1):
    make_agency(FORM["name"])
    client.force_login(manager1)
    response = client.post("/agencies/new/", FORM)
    assert response.status_code == 200
    assert Agency.objects.count() == 1


def test_workers_read_but_do_not_edit(client, worker1):
    agency = make_agency()
    client.force_login(worker1)
    assert client.get("/agencies/").status_code == 200
    assert client.get(f"/agencies/{agency.pk}/").status_code == 200
    assert client.get("/agencies/new/").status_code == 403
    assert client.get(f"/agencies/{agency.pk}/edit/").status_code == 403


def test_others_find_no_registry(client, partner1, peer1, analyst1, admin_user):
    agency = make_agency()
    for user in (partner1, peer1, analyst1, admin_user):
        client.force_login(user)
        for url in ("/agencies/", "/agencies/new/", f"/agencies/{agency.pk}/"):
            assert client.get(url).status_code == 404, (user, url)


def test_inactive_agencies_are_hidden_by_default(client, worker1):
    make_agency("休止中の機関", is_active=False)
    make_agency("連携中の機関")
    client.force_login(worker1)
    html = client.get("/agencies/").content.decode()
    assert "連携中の機関" in html and "休止中の機関" not in html
    assert "休止中の機関" in client.get("/agencies/?all=1").content.decode()


def test_admins_keep_agencies_in_the_django_admin(client, admin_user, partner1):
    agency = make_agency()
    client.force_login(admin_user)
    assert client.get("/admin/agencies/agency/").status_code == 200
    assert client.get(f"/admin/agencies/agency/{agency.pk}/change/").status_code == 200
    # Referrals hold personal data and are never in the admin.
    assert client.get("/admin/agencies/referral/").status_code == 404
