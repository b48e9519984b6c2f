"""The security page lists the user's own sessions; each can be ended, or all others."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from yorisoi.accounts.models import UserSession
from yorisoi.audit.models import Action, AuditEvent

from .factories import sign_in

pytestmark = pytest.mark.django_db

SECURITY = reverse("accounts:security")
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def browser(user_agent: str, ip: str = "192.0.2.10") -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)


@pytest.fixture
def two_browsers(worker1):
    pc, phone = browser(CHROME_WINDOWS), browser(SAFARI_IPHONE, ip="198.51.100.7")
    sign_in(pc, "worker1")
    sign_in(phone, "worker1")
    return pc, phone


def test_sessions_are_listed_with_this_one_marked(two_browsers, worker1):
    pc, _phone = two_browsers
    html = pc.get(SECURITY).content.decode()
    assert "Chrome (Windows)" in html
    assert "Safari (iPhone)" in html
    assert "198.51.100.7" in html
    assert html.count("この端末</span>") == 1
    assert html.count("この端末をログアウトさせる") == 1  # not offered for this one


def test_session_rows_record_ip_and_browser(two_browsers, worker1):
    rows = {s.ip_address: s for s in UserSession.objects.filter(user=worker1)}
    assert rows["192.0.2.10"].user_agent == CHROME_WINDOWS
    assert rows["198.51.100.7"].browser_label == "Safari (iPhone)"


def test_ending_another_session_signs_that_browser_out(two_browsers, worker1):
    pc, phone = two_browsers
    phone_key = phone.cookies[settings.SESSION_COOKIE_NAME].value
    target = UserSession.objects.get(session_key=phone_key)
    response = pc.post(reverse("accounts:session_end", args=[target.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not UserSession.objects.filter(pk=target.pk).exists()
    assert phone.get(reverse("core:home")).status_code == 302  # back to the login page
    assert pc.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, object_type="accounts.usersession", object_id=str(target.pk)
    ).exists()


def test_ending_by_htmx_removes_the_row(two_browsers):
    pc, phone = two_browsers
    target = UserSession.objects.get(session_key=phone.cookies[settings.SESSION_COOKIE_NAME].value)
    response = pc.post(
        reverse("accounts:session_end", args=[target.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert not UserSession.objects.filter(pk=target.pk).exists()


def test_end_all_other_sessions(worker1):
    browsers = [browser(CHROME_WINDOWS) for _ in range(3)]
    for b in browsers:
        sign_in(b, "worker1")
    response = browsers[0].post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert "ほかの端末（2台）をログアウトさせました" in browsers[0].get(SECURITY).content.decode()
    assert UserSession.objects.filter(user=worker1).count() == 1
    assert browsers[0].get(reverse("core:home")).status_code == 200
    for b in browsers[1:]:
        assert b.get(reverse("core:home")).status_code == 302


def test_a_stranger_cannot_end_someone_elses_session(two_browsers, worker2, worker1b):
    _pc, phone = two_browsers
    target = UserSession.objects.get(session_key=phone.cookies[settings.SESSION_COOKIE_NAME].value)
    for other in (worker2, worker1b):  # another center, and a colleague
        stranger = Client()
        stranger.force_login(other)
        response = stranger.post(reverse("accounts:session_end", args=[target.pk]))
        assert response.status_code == 404
    assert UserSession.objects.filter(pk=target.pk).exists()
    assert phone.get(reverse("core:home")).status_code == 200


def test_someone_elses_sessions_are_not_listed(two_browsers, worker1b):
    other = browser(CHROME_WINDOWS, ip="203.0.113.99")
    sign_in(other, "worker1b")
    html = other.get(SECURITY).content.decode()
    assert "Safari (iPhone)" not in html
    assert "198.51.100.7" not in html


def test_ending_this_session_is_a_logout(two_browsers):
    pc, _phone = two_browsers
    mine = UserSession.objects.get(session_key=pc.cookies[settings.SESSION_COOKIE_NAME].value)
    response = pc.post(reverse("accounts:session_end", args=[mine.pk]))
    assert response.url == reverse("accounts:login")
    assert pc.get(reverse("core:home")).status_code == 302


def test_security_page_query_count_does_not_grow_with_sessions(worker1, django_assert_num_queries):
    browsers = [browser(CHROME_WINDOWS) for _ in range(2)]
    for b in browsers:
        sign_in(b, "worker1")
    browsers[0].get(SECURITY)
    with django_assert_num_queries(6):
        browsers[0].get(SECURITY)
    for _ in range(5):
        sign_in(browser(SAFARI_IPHONE), "worker1")
    with django_assert_num_queries(6):
        html = browsers[0].get(SECURITY).content.decode()
    assert html.count("この端末をログアウトさせる") == 6


def test_expired_sessions_are_not_listed(worker1, settings):
    pc = browser(CHROME_WINDOWS)
    sign_in(pc, "worker1")
    from datetime import timedelta

    from django.utils import timezone

    UserSession.objects.create(user=worker1, session_key="x" * 32, user_agent=SAFARI_IPHONE)
    UserSession.objects.filter(session_key="x" * 32).update(
        last_seen_at=timezone.now() - timedelta(minutes=settings.YORISOI_IDLE_TIMEOUT_MINUTES + 5)
    )
    assert "Safari (iPhone)" not in pc.get(SECURITY).content.decode()
