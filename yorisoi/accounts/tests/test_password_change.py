"""Changing the password: re-authenticated, Django's validators, other sessions end."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from yorisoi.accounts.models import UserSession
from yorisoi.audit.models import Action, AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_change")
NEW = "a-much-better-passphrase-2026"


@pytest.fixture
def signed_in(client, worker1):
    sign_in(client, "worker1")
    return client


def test_validators_refuse_weak_passwords(signed_in, worker1):
    response = signed_in.post(URL, {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    worker1.refresh_from_db()
    assert not worker1.check_password("12345")


def test_mismatch_is_explained(signed_in):
    response = signed_in.post(URL, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "2つの欄のパスワードが一致しません" in response.content.decode()


def test_change_keeps_this_session_and_ends_the_others(signed_in, worker1):
    other = Client()
    sign_in(other, "worker1")
    old_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    response = signed_in.post(URL, {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    worker1.refresh_from_db()
    assert worker1.check_password(NEW)

    new_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != old_key
    assert list(UserSession.objects.filter(user=worker1).values_list("session_key", flat=True)) == [
        new_key
    ]
    page = signed_in.get(reverse("accounts:security"))
    assert page.status_code == 200
    assert "パスワードを変更しました" in page.content.decode()
    assert other.get(reverse("core:home")).status_code == 302

    event = AuditEvent.objects.filter(action=Action.SECURITY, actor=worker1).last()
    assert event.changes["password"] == ["[redacted]", "[redacted]"]
    assert NEW not in str(event.content())
