import logging
import sys

from django.contrib.auth.decorators import login_not_required, login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache

from .registry import collect_sections, home_providers

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = collect_sections(home_providers, request)
    return render(request, "core/home.html", {"sections": sections})


@login_not_required  # load balancers and monitoring ask without signing in
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: a database that is down gets the calm 503 page, anything else the 500 page.

    Django calls this while the exception is being handled, so sys.exc_info() names it.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", exc)
        html = render_to_string("core/unavailable.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})
    return defaults.server_error(request, template_name)
