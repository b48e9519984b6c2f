"""Signing in gives the browser a new session id (no session fixation)."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from yorisoi.accounts.models import UserSession

from .factories import sign_in

pytestmark = pytest.mark.django_db


def test_login_rotates_the_session_id(client, worker1):
    session = client.session
    session["probe"] = "before login"
    session.save()
    old_key = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == old_key

    response = sign_in(client, "worker1")

    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert Session.objects.filter(session_key=new_key).exists()
    # The new id is the one the session list knows.
    assert UserSession.objects.get(user=worker1).session_key == new_key


def test_signing_in_as_someone_else_starts_a_fresh_session(client, worker1, worker1b):
    sign_in(client, "worker1")
    first_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    sign_in(client, "worker1b")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != first_key
    assert client.session["_auth_user_id"] == str(worker1b.pk)
