from django.conf import settings

from .registry import nav_providers


def yorisoi(request):
    nav = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        for provider in nav_providers:
            nav.extend(provider(request))
        nav.sort(key=lambda item: item[2])
    return {
        "YORISOI_DEMO": settings.YORISOI_DEMO,
        "YORISOI_REQUIRE_2FA": settings.YORISOI_REQUIRE_2FA,
        "nav_items": nav,
    }
