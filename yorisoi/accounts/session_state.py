"""What the sign-in flow keeps in the session, and the small decisions made from it.

Everything here reads the session only (no queries on an ordinary page), so the middleware
costs nothing per request; the values are set at login and when 2FA is enrolled or removed.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_STARTED = "yorisoi_started"
SESSION_LAST_SEEN = "yorisoi_last_seen"
SESSION_REAUTH_AT = "yorisoi_reauth_at"
SESSION_HAS_DEVICE = "yorisoi_2fa_device"
SESSION_NEW_RECOVERY_CODES = "yorisoi_new_recovery_codes"

# What a signed-in session still has to do before it may use the app.
VERIFY = "verify"  # enter a code from the enrolled device
ENROL = "enrol"  # two-factor is required for the role and nothing is enrolled yet


def reauth_minutes() -> int:
    return getattr(settings, "YORISOI_REAUTH_MINUTES", 5)


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[SESSION_REAUTH_AT] = time.time()


def reauth_is_fresh(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_REAUTH_AT)
    return at is not None and time.time() - at <= reauth_minutes() * 60


def has_device(request: HttpRequest) -> bool:
    """Whether the signed-in user has a confirmed second factor (cached in the session)."""
    flag = request.session.get(SESSION_HAS_DEVICE)
    if flag is None:
        from .twofactor import user_has_device

        flag = user_has_device(request.user)
        request.session[SESSION_HAS_DEVICE] = flag
    return flag


def set_has_device(request: HttpRequest, value: bool) -> None:
    request.session[SESSION_HAS_DEVICE] = value


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def two_factor_step(request: HttpRequest) -> str | None:
    """VERIFY, ENROL or None (nothing to do) for the signed-in user of this request.

    Anyone who has enrolled a device is asked for a code at every sign-in, whatever their role.
    Enrolment itself is required only for roles holding case content, and only when
    YORISOI_REQUIRE_2FA is on.
    """
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return None
    if has_device(request):
        return VERIFY
    if settings.YORISOI_REQUIRE_2FA and user.requires_2fa:
        return ENROL
    return None


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` parameter if it points into this site, otherwise `default` (the home page)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def url_with_next(viewname: str, next_url: str) -> str:
    url = reverse(viewname)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
