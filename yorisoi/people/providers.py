"""What the people app adds to other pages, registered in one place (see core/registry.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yorisoi.core import registry

NAV_ORDER = 30


def nav(request) -> list:
    from . import policy

    if not policy.can_read_persons(request.user):
        return []
    return [(_("本人検索"), reverse("people:search"), NAV_ORDER)]


def register() -> None:
    if nav not in registry.nav_providers:
        registry.nav_providers.append(nav)
