"""Setting up TOTP: QR code as inline SVG, secret for manual entry, confirm, recovery codes."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yorisoi.audit.models import Action, AuditEvent

from .factories import code_for, sign_in, wrong_code_for

pytestmark = pytest.mark.django_db

TWO_FACTOR = reverse("accounts:two_factor")


@pytest.fixture
def signed_in(client, peer1):
    sign_in(client, "peer1")  # a password login counts as a fresh re-authentication
    return client


def test_setup_page_shows_qr_svg_and_secret(signed_in, peer1):
    response = signed_in.get(TWO_FACTOR)
    html = response.content.decode()
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=peer1)
    assert device.confirmed is False
    assert "<svg" in html and 'class="qr-code"' in html
    assert "<title>" in html
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert len(secret.replace(" ", "")) == 32
    # Reloading keeps the same secret (the app may already hold it).
    again = signed_in.get(TWO_FACTOR).content.decode()
    assert secret in again
    assert TOTPDevice.objects.filter(user=peer1).count() == 1


def test_confirming_with_a_code_enables_it_and_shows_ten_codes_once(signed_in, peer1):
    signed_in.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=peer1)
    response = signed_in.post(TWO_FACTOR, {"code": code_for(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed

    page = signed_in.get(response.url).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=peer1).values_list("token", flat=True))
    assert {c.replace("-", "") for c in shown} == stored
    # Shown once only.
    again = signed_in.get(reverse("accounts:recovery_codes")).content.decode()
    assert shown[0] not in again
    assert "一度だけ表示します" in again

    event = AuditEvent.objects.filter(action=Action.SECURITY).last()
    assert event.actor == peer1
    assert event.changes["two_factor"] == [False, True]


def test_wrong_code_is_refused_clearly(signed_in, peer1):
    signed_in.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=peer1)
    response = signed_in.post(TWO_FACTOR, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "確認コードが正しくありません" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1


def test_status_page_after_enrolment_offers_regenerate_and_remove(signed_in, peer1):
    signed_in.get(TWO_FACTOR)
    signed_in.post(TWO_FACTOR, {"code": code_for(TOTPDevice.objects.get(user=peer1))})
    html = signed_in.get(TWO_FACTOR).content.decode()
    assert "設定済み" in html
    assert "残り10個" in html
    assert reverse("accounts:recovery_codes_regenerate") in html
    assert reverse("accounts:two_factor_remove") in html


def test_regenerating_recovery_codes_replaces_the_old_ones(signed_in, peer1):
    signed_in.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=peer1)
    signed_in.post(TWO_FACTOR, {"code": code_for(device)})
    old = set(StaticToken.objects.values_list("token", flat=True))

    response = signed_in.post(reverse("accounts:recovery_codes_regenerate"))
    assert response.status_code == 302
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not (old & new)
    page = signed_in.get(response.url).content.decode()
    assert page.count("<li><code>") == 10
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, changes__recovery_codes=[10, 10]
    ).exists()


def test_removing_two_factor_deletes_devices(signed_in, peer1):
    signed_in.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=peer1)
    signed_in.post(TWO_FACTOR, {"code": code_for(device)})
    response = signed_in.post(reverse("accounts:two_factor_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=peer1).exists()
    assert not StaticToken.objects.filter(device__user=peer1).exists()
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, changes__two_factor=[True, False]
    ).exists()
    # Nothing left to verify: pages open as before.
    assert signed_in.get(reverse("core:home")).status_code == 200


def test_device_enrolled_elsewhere_must_be_verified_before_changes(client, peer1):
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    sign_in(client, "peer1")  # no device yet at sign-in
    device = Device.objects.create(user=peer1, name="authenticator", confirmed=True)
    response = client.post(reverse("accounts:two_factor_remove"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:otp"))
    assert Device.objects.filter(pk=device.pk).exists()
