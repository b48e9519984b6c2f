"""Session lifetime and two-factor enforcement."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_STARTED = "yorisoi_started"
SESSION_LAST_SEEN = "yorisoi_last_seen"
# Requests that may pass without a verified second factor (the sign-in flow itself).
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/healthz", "/static/", "/i18n/")


class SessionLifetimeMiddleware:
    """Ends a session after idle minutes or after its absolute lifetime, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle_limit = settings.YORISOI_IDLE_TIMEOUT_MINUTES * 60
            absolute_limit = settings.YORISOI_SESSION_MAX_HOURS * 3600
            if now - last_seen > idle_limit or now - started > absolute_limit:
                reason = (
                    _("一定時間操作がなかったため、安全のためログアウトしました。")
                    if now - last_seen > idle_limit
                    else _("ログインから時間が経ったため、安全のためログアウトしました。")
                )
                logout(request)
                messages.info(request, reason + " " + _("もう一度ログインしてください。"))
                login_url = reverse(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    from django.http import HttpResponse

                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = f"{login_url}?next={request.path}"
                    return response
                return redirect(f"{login_url}?next={request.get_full_path()}")
            request.session[SESSION_STARTED] = started
            # Writing on every request would make each page a session write; a minute is enough.
            if now - last_seen > 60 or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """When YORISOI_REQUIRE_2FA is on, staff holding case content must verify a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.YORISOI_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.requires_2fa
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
        return self.get_response(request)
