"""Session lifetime and two-factor enforcement."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from yorisoi.core.middleware import client_ip

from . import services
from .session_state import (
    ENROL,
    SESSION_LAST_SEEN,
    SESSION_STARTED,
    VERIFY,
    two_factor_step,
    url_with_next,
)

# How often a session notes that it is still in use (session row and session list entry).
TOUCH_SECONDS = 60
# Paths that never need a signed-in, verified session.
ALWAYS_OPEN_PREFIXES = ("/healthz", "/static/", "/i18n/", "/favicon.ico")


def _return_path(request: HttpRequest) -> str:
    """Where to come back to after signing in again. For an htmx request that is the page the
    user was on (HX-Current-URL), not the fragment it asked for."""
    if request.headers.get("HX-Request"):
        return _same_site_path(request, request.headers.get("HX-Current-URL", ""))
    if request.method != "GET":
        # Re-sending a form after signing in again would surprise; go back to its page instead.
        return _same_site_path(request, request.headers.get("Referer", ""))
    return request.get_full_path()


def _same_site_path(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse(settings.LOGIN_REDIRECT_URL)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionLifetimeMiddleware:
    """Ends a session after idle minutes or after its absolute lifetime, whichever comes first.

    It also keeps the session list (UserSession) current, at most once a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._check(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = time.time()
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        idle_limit = settings.YORISOI_IDLE_TIMEOUT_MINUTES * 60
        absolute_limit = settings.YORISOI_SESSION_MAX_HOURS * 3600
        reason = None
        if last_seen is not None and now - last_seen > idle_limit:
            reason = _("%(minutes)s分以上操作がなかったため、安全のためにログアウトしました。") % {
                "minutes": settings.YORISOI_IDLE_TIMEOUT_MINUTES
            }
        elif started is not None and now - started > absolute_limit:
            reason = _(
                "ログインから%(hours)s時間が経ったため、安全のためにログアウトしました。"
            ) % {"hours": settings.YORISOI_SESSION_MAX_HOURS}
        if reason:
            return_to = _return_path(request)
            logout(request)
            messages.info(request, reason + _("お手数ですが、もう一度ログインしてください。"))
            return _redirect(request, url_with_next(settings.LOGIN_URL, return_to))
        if started is None:
            session[SESSION_STARTED] = now
        # Writing on every request would make each page a session write; a minute is enough.
        if last_seen is None or now - last_seen > TOUCH_SECONDS:
            session[SESSION_LAST_SEEN] = now
            if session.session_key:
                services.user_session_touch(
                    user=request.user,
                    session_key=session.session_key,
                    ip_address=client_ip(request),
                )
        return None


class TwoFactorRequiredMiddleware:
    """Sends a signed-in session that still owes a second factor to the right page.

    Anyone with an enrolled authenticator enters a code after the password. When
    YORISOI_REQUIRE_2FA is on, admin, manager and worker without one are sent to set it up.
    Until then only the pages of that step (and sign-out) open.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: dict[str, tuple[str, ...]] | None = None

    def open_paths(self) -> dict[str, tuple[str, ...]]:
        if self._open_paths is None:
            common = (reverse("accounts:login"), reverse("accounts:logout"))
            self._open_paths = {
                VERIFY: (*common, reverse("accounts:otp")),
                ENROL: (
                    *common,
                    reverse("accounts:two_factor"),
                    reverse("accounts:recovery_codes"),
                    reverse("accounts:reauth"),
                ),
            }
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALWAYS_OPEN_PREFIXES)
        ):
            step = two_factor_step(request)
            if step is not None and request.path not in self.open_paths()[step]:
                target = "accounts:otp" if step == VERIFY else "accounts:two_factor"
                return _redirect(request, url_with_next(target, _return_path(request)))
        return self.get_response(request)
