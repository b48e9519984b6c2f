"""After the password, a user with an authenticator enters a TOTP code or a recovery code."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from yorisoi.audit.models import Action, AuditEvent

from .factories import code_for, recovery_codes, sign_in, totp_device, wrong_code_for

pytestmark = pytest.mark.django_db

OTP = reverse("accounts:otp")
HOME = reverse("core:home")


@pytest.fixture
def enrolled(peer1):
    device = totp_device(peer1)
    recovery_codes(peer1)
    return device


def test_password_login_leads_to_the_code_page_keeping_next(client, enrolled):
    response = sign_in(client, "peer1", next_url="/accounts/security/")
    assert response.status_code == 302
    assert response.url == f"{OTP}?next=%2Faccounts%2Fsecurity%2F"
    # Other pages wait until the code is entered.
    blocked = client.get(HOME)
    assert blocked.status_code == 302
    assert blocked.url.startswith(OTP)


def test_right_totp_code_continues_to_next(client, enrolled):
    sign_in(client, "peer1", next_url="/accounts/security/")
    response = client.post(OTP, {"code": code_for(enrolled), "next": "/accounts/security/"})
    assert response.status_code == 302
    assert response.url == "/accounts/security/"
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action=Action.LOGIN, reason="two_factor").exists()


def test_code_with_spaces_and_full_width_digits_is_accepted(client, enrolled):
    sign_in(client, "peer1")
    code = code_for(enrolled)
    typed = " ".join([code[:3], code[3:]]).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    response = client.post(OTP, {"code": typed})
    assert response.status_code == 302
    assert response.url == HOME


def test_wrong_code_gives_a_clear_message_and_is_audited(client, enrolled, peer1):
    sign_in(client, "peer1")
    response = client.post(OTP, {"code": wrong_code_for(enrolled)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "確認コードが正しくありません" in html
    assert 'aria-invalid="true"' in html
    assert AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, actor=peer1, reason="two_factor"
    ).exists()
    assert client.get(HOME).status_code == 302


def test_repeated_failures_are_throttled_even_for_the_right_code(client, enrolled):
    sign_in(client, "peer1")
    enrolled.throttling_failure_count = 5
    enrolled.throttling_failure_timestamp = timezone.now()
    enrolled.save()
    response = client.post(OTP, {"code": code_for(enrolled)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "入力を一時的に止めています" in html
    assert "秒ほど待ってから" in html
    assert client.get(HOME).status_code == 302


def test_throttle_passes_with_time(client, enrolled):
    sign_in(client, "peer1")
    enrolled.throttling_failure_count = 5
    enrolled.throttling_failure_timestamp = timezone.now() - timedelta(seconds=17)
    enrolled.save()
    response = client.post(OTP, {"code": code_for(enrolled)})
    assert response.status_code == 302


def test_recovery_code_works_once(client, enrolled, peer1):
    sign_in(client, "peer1")
    response = client.post(OTP, {"code": "ABCD-EFGH"})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(token="abcdefgh").exists()
    assert StaticToken.objects.filter(device__user=peer1).count() == 1
    assert "残り1個" in client.get(HOME).content.decode()
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, reason="recovery_code_used", changes__recovery_codes=[2, 1]
    ).exists()

    client.post(reverse("accounts:logout"))
    sign_in(client, "peer1")
    response = client.post(OTP, {"code": "abcdefgh"})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()


def test_someone_elses_recovery_code_does_not_work(client, enrolled, worker1):
    totp_device(worker1)
    sign_in(client, "worker1")
    response = client.post(OTP, {"code": "abcdefgh"})
    assert response.status_code == 200
    assert StaticToken.objects.filter(token="abcdefgh").exists()


def test_code_page_is_skipped_without_a_device(client, peer1):
    response = sign_in(client, "peer1")
    assert response.url == HOME
    assert client.get(OTP).status_code == 302
