"""Sudo mode: password and 2FA changes need the password entered in the last five minutes."""

import time

import pytest
from django.urls import reverse

from yorisoi.accounts.session_state import SESSION_REAUTH_AT
from yorisoi.audit.models import Action, AuditEvent
from yorisoi.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

REAUTH = reverse("accounts:reauth")


@pytest.mark.parametrize(
    "url", [reverse("accounts:password_change"), reverse("accounts:two_factor")]
)
def test_pages_ask_for_the_password_first(client, worker1, url):
    client.force_login(worker1)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{REAUTH}?next={url.replace('/', '%2F')}"


@pytest.mark.parametrize(
    ("url", "back"),
    [
        (reverse("accounts:recovery_codes_regenerate"), reverse("accounts:two_factor")),
        (reverse("accounts:two_factor_remove"), reverse("accounts:two_factor")),
    ],
)
def test_actions_ask_for_the_password_first(client, worker1, url, back):
    client.force_login(worker1)
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == f"{REAUTH}?next={back.replace('/', '%2F')}"


def test_right_password_continues_to_next(client, worker1):
    client.force_login(worker1)
    next_url = reverse("accounts:password_change")
    page = client.get(f"{REAUTH}?next={next_url}")
    assert "もう一度パスワードを入力してください" in page.content.decode()
    response = client.post(REAUTH, {"password": TEST_PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response.url == next_url
    assert client.get(next_url).status_code == 200


def test_wrong_password_is_refused_and_counted(client, worker1):
    client.force_login(worker1)
    response = client.post(REAUTH, {"password": "nope", "next": "/"})
    assert response.status_code == 200
    assert "パスワードが正しくありません" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, actor_label="worker1").exists()
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_re_authentication_expires_after_five_minutes(client, worker1):
    client.force_login(worker1)
    client.post(REAUTH, {"password": TEST_PASSWORD, "next": "/"})
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    session = client.session
    session[SESSION_REAUTH_AT] = time.time() - 5 * 60 - 1
    session.save()
    assert client.get(url).status_code == 302


def test_next_elsewhere_is_ignored(client, worker1):
    client.force_login(worker1)
    response = client.post(REAUTH, {"password": TEST_PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("accounts:security")
