"""Security notices: staff with an email address get a mail, in their language, when their
password or two-factor settings change, a recovery code is used, or a browser new to the account
signs in. Staff without an address get none."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from yorisoi.accounts.notices import KNOWN_BROWSER_COOKIE
from yorisoi.audit.models import Action, AuditEvent

from .factories import code_for, recovery_codes, sign_in, totp_device

pytestmark = pytest.mark.django_db

NEW = "a-much-better-passphrase-2026"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def worker(worker1):
    worker1.email = "worker1@example.org"
    worker1.save()
    return worker1


def _subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


def test_a_sign_in_from_a_new_browser_sends_a_notice_with_time_address_and_browser(client, worker):
    response = client.post(
        reverse("accounts:login"),
        {"username": "worker1", "password": "correct-horse-battery-staple"},
        headers={"user-agent": FIREFOX},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["worker1@example.org"]
    assert message.subject == "【寄り添い】新しいブラウザからログインがありました"
    assert "worker1 様" in message.body
    assert "IPアドレス: 198.51.100.7" in message.body
    assert "ブラウザ: Firefox (Windows)" in message.body
    assert "心当たりがない場合は、すぐにセンターのシステム管理者に連絡" in message.body
    assert "http://127.0.0.1:8000/accounts/security/" in message.body
    assert "&amp;" not in message.body and "&#x27;" not in message.body


def test_the_same_browser_signing_in_again_sends_nothing(client, worker):
    sign_in(client, "worker1")
    client.post(reverse("accounts:logout"))
    sign_in(client, "worker1")
    assert len(mail.outbox) == 1
    assert client.cookies[KNOWN_BROWSER_COOKIE]["httponly"]


def test_a_browser_known_to_a_colleague_is_still_new_to_this_account(client, worker, worker1b):
    worker1b.email = "worker1b@example.org"
    worker1b.save()
    sign_in(client, "worker1b")  # a shared computer at the center
    client.post(reverse("accounts:logout"))
    sign_in(client, "worker1")
    assert [m.to for m in mail.outbox] == [["worker1b@example.org"], ["worker1@example.org"]]


def test_a_forged_marker_does_not_hide_a_new_browser(client, worker):
    client.cookies[KNOWN_BROWSER_COOKIE] = "0123456789abcdef0123"
    sign_in(client, "worker1")
    assert len(mail.outbox) == 1


def test_a_failed_sign_in_sends_nothing(client, worker):
    sign_in(client, "worker1", password="wrong-password")
    assert mail.outbox == []


def test_staff_without_an_address_get_no_mail_but_the_audit_log_has_it(client, worker1b):
    sign_in(client, "worker1b")
    client.post(reverse("accounts:password_change"), {"new_password1": NEW, "new_password2": NEW})
    assert mail.outbox == []
    assert AuditEvent.objects.filter(actor=worker1b, action=Action.SECURITY).exists()


def test_a_password_change_sends_a_notice(client, worker):
    sign_in(client, "worker1")
    mail.outbox.clear()
    response = client.post(
        reverse("accounts:password_change"), {"new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert _subjects() == ["【寄り添い】パスワードが変更されました"]
    assert "ほかの端末はログアウトされています。" in mail.outbox[0].body
    assert NEW not in mail.outbox[0].body


def test_a_refused_password_change_sends_nothing(client, worker):
    sign_in(client, "worker1")
    mail.outbox.clear()
    client.post(reverse("accounts:password_change"), {"new_password1": "1", "new_password2": "1"})
    assert mail.outbox == []


def test_two_factor_on_new_codes_and_off_each_send_a_notice(client, worker):
    sign_in(client, "worker1")
    mail.outbox.clear()
    two_factor = reverse("accounts:two_factor")
    client.get(two_factor)
    device = worker.totpdevice_set.get()
    client.post(two_factor, {"code": code_for(device)})
    client.post(reverse("accounts:recovery_codes_regenerate"))
    client.post(reverse("accounts:two_factor_remove"))
    assert _subjects() == [
        "【寄り添い】二要素認証が設定されました",
        "【寄り添い】リカバリーコードが作り直されました",
        "【寄り添い】二要素認証が解除されました",
    ]


def test_signing_in_with_a_recovery_code_sends_a_notice(client, worker):
    totp_device(worker)
    recovery_codes(worker)
    sign_in(client, "worker1")
    mail.outbox.clear()
    client.post(reverse("accounts:otp"), {"code": "abcd-efgh"})
    assert _subjects() == ["【寄り添い】リカバリーコードを使ってログインがありました"]


def test_the_notice_is_in_english_after_the_user_switched_to_english(client, worker):
    sign_in(client, "worker1")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.language == "en"
    mail.outbox.clear()

    other = Client()  # a new browser, while the first one still shows English
    sign_in(other, "worker1")
    [message] = mail.outbox
    assert message.subject == "[Yorisoi] Sign-in from a new browser"
    assert "Dear worker1," in message.body
    assert "日時" not in message.body


def test_the_language_switch_before_sign_in_changes_no_account(client, worker):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    worker.refresh_from_db()
    assert worker.language == ""


def test_a_session_still_owing_its_second_factor_changes_no_account(client, worker):
    totp_device(worker)
    sign_in(client, "worker1")  # password only: the code page is next
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == ""
