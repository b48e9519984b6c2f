from __future__ import annotations

import contextvars
import logging
import re
import uuid
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip_address: str | None
    path: str


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "yorisoi_current_request", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives every request an id that audit events carry, so one action's rows can be grouped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sent = request.headers.get("X-Request-ID", "")
        # A proxy's id (letters, digits, - _ . :) is kept so its logs and ours line up; anything
        # else would put a client's text into the audit log and our response headers.
        request.request_id = sent if REQUEST_ID_PATTERN.fullmatch(sent) else uuid.uuid4().hex
        token = current_request.set(
            RequestInfo(request.request_id, client_ip(request), request.path[:300])
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class DatabaseUnavailableMiddleware:
    """A database outage shows a calm page with status 503 instead of a traceback.

    It sits high in the stack because sessions and authentication already need the database;
    the page it renders uses no request context, so it cannot touch the database itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self._unavailable(exception)
        return None

    def _unavailable(self, exc):
        logger.error("database unavailable: %s", exc)
        html = render_to_string("core/unavailable.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})


class EncryptionKeyErrorMiddleware:
    """A missing or wrong encryption key shows a calm page (status 500), never a traceback.

    Nothing on the page depends on the request or the database; the exception's text (which
    names key ids, never keys) goes to the log for the administrator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .crypto import EncryptionKeyError

        if not isinstance(exception, EncryptionKeyError):
            return None
        logger.error(
            "encryption key error on %s (request %s): %s",
            request.path,
            getattr(request, "request_id", "-"),
            exception,
        )
        html = render_to_string("core/encryption_key_error.html")
        return HttpResponse(html, status=500)


class PrivatePagesMiddleware:
    """Nothing served to a signed-in user is kept by the browser cache or a proxy.

    Staff share computers at a center: after signing out, the back button or the cache must not
    bring back a person's page. A response that already says how to cache it keeps its header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
        return response
