"""What the audit app adds to other pages and signals, registered in one place."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yorisoi.core import registry
from yorisoi.core.crypto import key_rotated

NAV_ORDER = 90


def nav(request) -> list:
    from . import selectors

    if not selectors.can_view_audit_log(request.user):
        return []
    return [(_("監査ログ"), reverse("audit:center_log"), NAV_ORDER)]


def register() -> None:
    from .receivers import record_key_rotation

    if nav not in registry.nav_providers:
        registry.nav_providers.append(nav)
    key_rotated.connect(record_key_rotation, dispatch_uid="audit.record_key_rotation")
