"""django-axes: five failures for one username from one address lock it for the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from yorisoi.audit.models import Action, AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db


def fail(client, username="worker1", times=1):
    response = None
    for _ in range(times):
        response = sign_in(client, username, password="not-the-password")
    return response


def test_lockout_after_the_configured_number_of_failures(client, worker1):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    response = fail(client, times=limit - 1)
    assert response.status_code == 200  # still the login form with its message

    response = fail(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "ログインが一時的に制限されています" in html
    assert "15分ほど待ってから" in html

    # Even the right password is refused while locked out.
    response = sign_in(client, "worker1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == limit + 1


def test_lockout_message_states_the_configured_minutes(client, worker1, settings):
    settings.AXES_COOLOFF_TIME = 45 / 60
    response = fail(client, times=settings.AXES_FAILURE_LIMIT)
    assert response.status_code == 429
    assert "45分ほど待ってから" in response.content.decode()


def test_lockout_is_per_username(client, worker1, worker1b):
    fail(client, times=settings.AXES_FAILURE_LIMIT)
    response = sign_in(client, "worker1b")
    assert response.status_code == 302


def test_login_works_again_after_the_cool_off(client, worker1):
    fail(client, times=settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "worker1").status_code == 429

    # Let the cool-off pass: move the recorded attempts back in time.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, "worker1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker1.pk)


def test_still_locked_just_before_the_cool_off_ends(client, worker1):
    fail(client, times=settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert sign_in(client, "worker1").status_code == 429
