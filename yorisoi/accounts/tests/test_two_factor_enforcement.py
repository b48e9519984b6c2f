"""2FA is required for admin, manager and worker only when YORISOI_REQUIRE_2FA is on."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from .factories import code_for, sign_in, totp_device

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
TWO_FACTOR = reverse("accounts:two_factor")
OTP = reverse("accounts:otp")


@pytest.fixture
def require_2fa(settings):
    settings.YORISOI_REQUIRE_2FA = True


@pytest.mark.parametrize("who", ["admin_user", "manager1", "worker1"])
def test_roles_with_case_content_must_enrol_when_required(client, require_2fa, who, request):
    user = request.getfixturevalue(who)
    response = sign_in(client, user.username, next_url="/accounts/security/")
    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next=%2Faccounts%2Fsecurity%2F"
    # Every other page sends them back to the set-up.
    blocked = client.get(HOME)
    assert blocked.status_code == 302
    assert blocked.url.startswith(TWO_FACTOR)
    page = client.get(response.url).content.decode()
    assert "二要素認証の設定が必要です" in page


@pytest.mark.parametrize("who", ["peer1", "partner1", "analyst1"])
def test_other_roles_are_not_forced(client, require_2fa, who, request):
    user = request.getfixturevalue(who)
    response = sign_in(client, user.username)
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


@pytest.mark.parametrize("who", ["admin_user", "manager1", "worker1"])
def test_nothing_is_forced_when_not_configured(client, settings, who, request):
    settings.YORISOI_REQUIRE_2FA = False
    user = request.getfixturevalue(who)
    response = sign_in(client, user.username)
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


def test_enrolling_then_continues_to_where_they_were_going(client, require_2fa, worker1):
    sign_in(client, "worker1", next_url="/accounts/security/")
    client.get(f"{TWO_FACTOR}?next=/accounts/security/")
    device = TOTPDevice.objects.get(user=worker1)
    response = client.post(TWO_FACTOR, {"code": code_for(device), "next": "/accounts/security/"})
    codes_page = client.get(response.url)
    assert codes_page.status_code == 200
    assert 'href="/accounts/security/"' in codes_page.content.decode()
    assert client.get("/accounts/security/").status_code == 200
    assert client.get(HOME).status_code == 200


def test_enrolled_worker_is_asked_for_a_code_when_required(client, require_2fa, worker1):
    device = totp_device(worker1)
    response = sign_in(client, "worker1")
    assert response.url.startswith(OTP)
    client.post(OTP, {"code": code_for(device)})
    assert client.get(HOME).status_code == 200


def test_enrolled_user_is_asked_for_a_code_even_when_not_required(client, peer1):
    totp_device(peer1)
    response = sign_in(client, "peer1")
    assert response.url.startswith(OTP)


def test_htmx_request_pending_two_factor_gets_hx_redirect(client, require_2fa, worker1):
    sign_in(client, "worker1")
    response = client.get(
        "/accounts/security/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"},
    )
    assert response["HX-Redirect"] == f"{TWO_FACTOR}?next=%2F"


def test_admin_site_also_waits_for_the_second_factor(client, require_2fa, admin_user):
    sign_in(client, "admin")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(TWO_FACTOR)
