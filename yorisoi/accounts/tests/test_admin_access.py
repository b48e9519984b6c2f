"""The Django admin: only active users holding the admin role; sign-in on our own page."""

import pytest
from django.test import Client
from django.urls import reverse

from yorisoi.accounts.models import Center, Membership, Role, User
from yorisoi.audit.models import Action, AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_admin_login_url_redirects_to_our_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response.url)
    assert login.status_code == 302
    assert login.url == f"{reverse('accounts:login')}?next=%2Fadmin%2F"


def test_signing_in_through_our_page_reaches_the_admin(client, admin_user):
    response = sign_in(client, "admin", next_url="/admin/")
    assert response.url == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "/admin/accounts/user/" in page.content.decode()
    assert "/admin/accounts/center/" in page.content.decode()


@pytest.mark.parametrize("who", ["manager1", "worker1", "peer1", "partner1", "analyst1"])
def test_other_roles_are_denied(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "管理画面は利用できません" in response.content.decode()
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


def test_staff_flag_alone_is_not_enough(client, worker1):
    worker1.is_staff = True
    worker1.save()
    client.force_login(worker1)
    assert client.get("/admin/", follow=True).status_code == 403


def test_inactive_admin_role_is_denied(client, admin_user):
    Membership.objects.filter(user=admin_user).update(is_active=False)
    client.force_login(admin_user)
    assert client.get("/admin/", follow=True).status_code == 403


def test_admin_can_edit_centers(client, admin_user, center1):
    client.force_login(admin_user)
    url = reverse("admin:accounts_center_change", args=[center1.pk])
    response = client.post(
        url,
        {
            "name": center1.name,
            "short_name": "北部",
            "ward": "北区",
            "address": "",
            "phone": "011-000-0000",
            "no_contact_alert_days": 45,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    center1.refresh_from_db()
    assert center1.no_contact_alert_days == 45


def user_form(user, memberships):
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "last_name": "",
        "first_name": "",
        "email": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, (center, role) in enumerate(memberships):
        data[f"memberships-{i}-center"] = str(center.pk) if center else ""
        data[f"memberships-{i}-role"] = role
        data[f"memberships-{i}-is_active"] = "on"
    return data


def test_membership_validation_shows_in_the_admin(client, admin_user):
    target = User.objects.create_user(username="newworker", display_name="新任")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[target.pk])
    response = client.post(url, user_form(target, [(None, Role.WORKER)]))
    assert response.status_code == 200
    assert "この役割にはセンターの指定が必要です。" in response.content.decode()
    assert not Membership.objects.filter(user=target).exists()


def test_staff_flag_follows_the_admin_role_and_roles_are_audited(client, admin_user, center1):
    target = User.objects.create_user(username="newadmin", display_name="新しい管理者")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[target.pk])

    response = client.post(url, user_form(target, [(None, Role.ADMIN)]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_staff
    event = AuditEvent.objects.filter(action=Action.SECURITY, object_id=str(target.pk)).last()
    assert event.actor == admin_user
    assert event.changes["roles"] == [[], ["admin@*"]]

    # Now the new admin can use the admin site; a worker role instead takes it away.
    new_admin = Client()
    new_admin.force_login(target)
    assert new_admin.get("/admin/").status_code == 200

    Membership.objects.filter(user=target).delete()
    client.post(url, user_form(target, [(center1, Role.WORKER)]))
    target.refresh_from_db()
    assert not target.is_staff
    assert new_admin.get("/admin/", follow=True).status_code == 403


def test_admin_role_does_not_open_other_apps_admin_screens(admin_user):
    assert admin_user.has_perm("accounts.change_user")
    assert admin_user.has_perm("axes.delete_accessattempt")
    assert not admin_user.has_perm("people.view_person")
    assert not admin_user.has_module_perms("cases")


def test_center_created_in_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_center_add"),
        {
            "name": "新しいセンター",
            "short_name": "",
            "ward": "東区",
            "address": "",
            "phone": "",
            "no_contact_alert_days": 30,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Center.objects.filter(name="新しいセンター").exists()


def test_admin_password_change_link_uses_ours(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
