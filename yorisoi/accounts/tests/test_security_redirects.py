"""No `next` (or Referer / HX-Current-URL) sends a signed-in worker to another site."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from yorisoi.accounts.session_state import SESSION_LAST_SEEN
from yorisoi.conftest import TEST_PASSWORD

from .factories import LOGIN_URL, code_for, sign_in, totp_device

pytestmark = pytest.mark.django_db

EVIL = [
    "https://evil.example/",
    "//evil.example/path",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def _assert_stays(response) -> None:
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/"), location
        assert not location.startswith("//"), location
        assert "evil.example" not in location.split("?", 1)[0], location
    body = response.content.decode()
    assert 'href="https://evil.example' not in body
    assert 'href="//evil.example' not in body
    assert 'href="javascript:' not in body


@pytest.mark.parametrize("evil", EVIL)
def test_login(client, worker1, evil):
    _assert_stays(sign_in(client, "worker1", next_url=evil))
    # Already signed in: the login page redirects at once.
    _assert_stays(client.get(LOGIN_URL, {"next": evil}))


@pytest.mark.parametrize("evil", EVIL)
def test_reauth(client, worker1, evil):
    client.force_login(worker1)
    _assert_stays(client.get(reverse("accounts:reauth"), {"next": evil}))
    _assert_stays(
        client.post(reverse("accounts:reauth"), {"password": TEST_PASSWORD, "next": evil})
    )


@pytest.mark.parametrize("evil", EVIL)
def test_otp_without_a_device(client, worker1, evil):
    client.force_login(worker1)
    _assert_stays(client.get(reverse("accounts:otp"), {"next": evil}))


@pytest.mark.parametrize("evil", EVIL[:4])
def test_otp_with_a_device(client, worker1, evil):
    device = totp_device(worker1)
    sign_in(client, "worker1")
    _assert_stays(client.get(reverse("accounts:otp"), {"next": evil}))
    _assert_stays(client.post(reverse("accounts:otp"), {"code": code_for(device), "next": evil}))


@pytest.mark.parametrize("evil", EVIL)
def test_recovery_codes_continue_link(client, worker1, evil):
    client.force_login(worker1)
    _assert_stays(client.get(reverse("accounts:recovery_codes"), {"next": evil}))


@pytest.mark.parametrize("evil", EVIL)
def test_language_switch(client, worker1, evil):
    client.force_login(worker1)
    _assert_stays(client.post(reverse("set_language"), {"language": "en", "next": evil}))
    _assert_stays(
        client.post(reverse("set_language"), {"language": "ja"}, headers={"Referer": evil.strip()})
    )


@pytest.mark.parametrize("evil", EVIL[:4])
def test_admin_login(client, admin_user, evil):
    _assert_stays(client.get("/admin/login/", {"next": evil}))
    client.force_login(admin_user)
    _assert_stays(client.get("/admin/login/", {"next": evil}))


@pytest.mark.parametrize("evil", EVIL[:4])
def test_expired_session_return_path_ignores_foreign_referer(client, worker1, evil):
    client.force_login(worker1)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 24 * 3600
    session.save()
    response = client.post(reverse("accounts:sessions_end_others"), headers={"Referer": evil})
    _assert_stays(response)
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("evil", EVIL[:4])
def test_expired_htmx_session_ignores_foreign_current_url(client, worker1, evil):
    client.force_login(worker1)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 24 * 3600
    session.save()
    response = client.get(
        reverse("people:search"), headers={"HX-Request": "true", "HX-Current-URL": evil}
    )
    assert "evil.example" not in response.get("HX-Redirect", "")
