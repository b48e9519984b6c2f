"""Idle timeout and absolute session lifetime, with the message on the login page."""

import time

import pytest
from django.urls import reverse

from yorisoi.accounts.models import UserSession
from yorisoi.accounts.session_state import SESSION_LAST_SEEN, SESSION_STARTED

from .factories import LOGIN_URL, sign_in

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def shift(client, key, seconds_ago):
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


def test_active_session_stays_signed_in(client, worker1):
    sign_in(client, "worker1")
    shift(client, SESSION_LAST_SEEN, 29 * 60)
    assert client.get(HOME).status_code == 200


def test_idle_session_is_signed_out_with_a_message(client, worker1):
    sign_in(client, "worker1")
    shift(client, SESSION_LAST_SEEN, 31 * 60)
    response = client.get("/accounts/security/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=%2Faccounts%2Fsecurity%2F"
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=worker1).exists()
    page = client.get(response.url).content.decode()
    assert "30分以上操作がなかったため" in page
    assert "もう一度ログインしてください" in page


def test_idle_minutes_are_configurable(client, worker1, settings):
    settings.YORISOI_IDLE_TIMEOUT_MINUTES = 5
    sign_in(client, "worker1")
    shift(client, SESSION_LAST_SEEN, 6 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert "5分以上操作がなかったため" in client.get(response.url).content.decode()


def test_session_ends_after_its_absolute_lifetime_even_when_active(client, worker1):
    sign_in(client, "worker1")
    shift(client, SESSION_STARTED, 12 * 3600 + 60)
    shift(client, SESSION_LAST_SEEN, 10)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    page = client.get(response.url).content.decode()
    assert "ログインから12時間が経ったため" in page


def test_session_within_its_lifetime_continues(client, worker1):
    sign_in(client, "worker1")
    shift(client, SESSION_STARTED, 11 * 3600)
    assert client.get(HOME).status_code == 200


def test_htmx_request_gets_hx_redirect_to_login(client, worker1):
    sign_in(client, "worker1")
    shift(client, SESSION_LAST_SEEN, 31 * 60)
    response = client.get(
        "/accounts/security/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/cases/?q=1"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN_URL}?next=%2Fcases%2F%3Fq%3D1"
    assert "_auth_user_id" not in client.session


def test_activity_is_noted_at_most_once_a_minute(client, worker1):
    sign_in(client, "worker1")
    user_session = UserSession.objects.get(user=worker1)
    first_seen = user_session.last_seen_at
    client.get(HOME)
    user_session.refresh_from_db()
    assert user_session.last_seen_at == first_seen  # within the minute: no write

    shift(client, SESSION_LAST_SEEN, 120)
    client.get(HOME)
    user_session.refresh_from_db()
    assert user_session.last_seen_at > first_seen
