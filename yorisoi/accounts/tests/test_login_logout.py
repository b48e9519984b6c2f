"""Signing in and out: Japanese pages, safe `next`, audit rows for success and failure."""

import pytest
from django.urls import reverse

from yorisoi.accounts.models import UserSession
from yorisoi.audit.models import Action, AuditEvent
from yorisoi.conftest import TEST_PASSWORD

from .factories import LOGIN_URL, sign_in

pytestmark = pytest.mark.django_db


def test_login_page_is_japanese_with_labelled_fields(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "ユーザー名" in html and "パスワード" in html
    assert 'autocomplete="current-password"' in html


def test_login_page_in_english_when_switched(client):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN_URL})
    html = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en">' in html
    assert '<button type="submit" class="button">Sign in</button>' in html
    assert "Username" in html and "Password" in html
    assert "ログイン" not in html.split("<main", 1)[1]


def test_successful_login_goes_to_next_and_is_audited(client, worker1):
    response = sign_in(client, "worker1", next_url="/accounts/security/")
    assert response.status_code == 302
    assert response.url == "/accounts/security/"
    event = AuditEvent.objects.filter(action=Action.LOGIN).get()
    assert event.actor == worker1
    assert UserSession.objects.filter(user=worker1).count() == 1


@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"]
)
def test_next_pointing_elsewhere_is_ignored(client, worker1, evil):
    response = sign_in(client, "worker1", next_url=evil)
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_failed_login_shows_message_and_audits_only_the_username(client, worker1):
    response = sign_in(client, "worker1", password="wrong-password-123")
    assert response.status_code == 200
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_label == "worker1"
    assert event.changes == {}
    assert event.reason == ""
    assert "wrong-password" not in str(event.content())


def test_inactive_user_cannot_sign_in(client, worker1):
    worker1.is_active = False
    worker1.save()
    response = sign_in(client, "worker1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_by_post_ends_session_and_is_audited(client, worker1):
    sign_in(client, "worker1")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOGOUT, actor=worker1).exists()
    assert not UserSession.objects.filter(user=worker1).exists()
    page = client.get(LOGIN_URL).content.decode()
    assert "ログアウトしました" in page
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_by_get_only_asks(client, worker1):
    client.force_login(worker1)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert "ログアウトしますか" in response.content.decode()
    assert "_auth_user_id" in client.session


def test_signed_in_user_visiting_login_goes_home(client, worker1):
    client.force_login(worker1)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_password_is_stored_with_argon2_outside_tests():
    from django.conf import settings

    from yorisoi import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_PASSWORD_VALIDATORS  # Django's validators are on
    assert TEST_PASSWORD


@pytest.mark.parametrize(
    "name",
    [
        "accounts:recovery_codes_regenerate",
        "accounts:two_factor_remove",
        "accounts:sessions_end_others",
    ],
)
def test_signed_out_visitors_of_actions_are_sent_to_login(client, name):
    response = client.post(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
