"""Reading two-factor state: devices, the secret shown at enrolment, recovery-code counts."""

from __future__ import annotations

import unicodedata
from base64 import b32encode

import segno
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def user_has_device(user) -> bool:
    """A confirmed authenticator app. Recovery codes alone do not count as enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__name=RECOVERY_DEVICE_NAME, device__confirmed=True
    ).count()


def base32_secret(device: TOTPDevice) -> str:
    """The secret for manual entry, in groups of four so it can be typed without losing place."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> str:
    """The otpauth:// URL as an inline SVG QR code (no external request, no image file)."""
    qr = segno.make(device.config_url, error="m")
    # No width/height but a viewBox, so CSS can size it without clipping.
    return qr.svg_inline(border=4, title=title, svgclass="qr-code", lineclass=None, omitsize=True)


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


def normalise_code(value: str) -> str:
    """Codes as people type them: spaces, hyphens, full-width digits and capitals are fine."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in value if ch.isalnum()).lower()
