"""Security notices: an email to a member of staff when their sign-in security changes.

Sent (to staff with an address) when the password changes, two-factor sign-in is turned on or
off, recovery codes are made anew or one is used, and when someone signs in from a browser that
has not signed in to this account before. If it was not them, the mail says what to do. Staff
without an address get nothing; the audit log has every one of these events either way.
"""

from __future__ import annotations

import hmac
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from yorisoi.core.mail import staff_email_enqueue
from yorisoi.core.middleware import client_ip, current_request

from .models import User
from .useragent import describe

TEMPLATE = "accounts/email/security_notice"


class SecurityEvent(StrEnum):
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    RECOVERY_CODES_NEW = "recovery_codes_new"
    RECOVERY_CODE_USED = "recovery_code_used"
    NEW_BROWSER_SIGN_IN = "new_browser_sign_in"


# Browsers that have signed in to an account before: a cookie of keyed hashes of the accounts'
# ids (nothing readable, nothing that can be forged without SECRET_KEY), one per account that
# signed in here, the most recent few kept, as on a center's shared computer.
KNOWN_BROWSER_COOKIE = "yorisoi_known"
KNOWN_BROWSER_MAX = 20
KNOWN_BROWSER_DAYS = 400


def security_notice_enqueue(
    *, user: User, event: SecurityEvent, request: HttpRequest | None = None
) -> object | None:
    """Queue the notice for `event` (called inside the service's transaction)."""
    info = current_request.get()
    ip = client_ip(request) if request is not None else (info.ip_address if info else None)
    browser = describe(request.META.get("HTTP_USER_AGENT", "")) if request is not None else ""
    context = {
        "event": SecurityEvent(event).value,
        # Preformatted: the queued task stores JSON, and the time reads the same in both languages.
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "ip_address": ip or "",
        "browser": browser,
    }
    return staff_email_enqueue(user=user, template=TEMPLATE, context=context)


def _browser_mark(user: User) -> str:
    return salted_hmac("yorisoi.accounts.known-browser", str(user.pk)).hexdigest()[:20]


def _known_marks(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE, "")
    return [m for m in value.split(".") if m][-KNOWN_BROWSER_MAX:]


def sign_in_notice(*, request: HttpRequest, user: User, response: HttpResponse) -> None:
    """After a password sign-in: a notice if this browser is new to the account, and the
    browser remembered for next time."""
    mark = _browser_mark(user)
    marks = _known_marks(request)
    if not any(hmac.compare_digest(mark, m) for m in marks):
        security_notice_enqueue(user=user, event=SecurityEvent.NEW_BROWSER_SIGN_IN, request=request)
    marks = [m for m in marks if m != mark] + [mark]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        ".".join(marks[-KNOWN_BROWSER_MAX:]),
        max_age=KNOWN_BROWSER_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
