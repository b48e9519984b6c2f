from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _nav(request) -> list:
    from django.urls import reverse

    from . import selectors

    if not selectors.can_view_audit_log(request.user):
        return []
    return [(_("監査ログ"), reverse("audit:center_log"), 90)]


class AuditConfig(AppConfig):
    name = "yorisoi.audit"
    label = "audit"
    verbose_name = _("監査ログ")

    def ready(self) -> None:
        from yorisoi.core.crypto import key_rotated
        from yorisoi.core.registry import nav_providers

        from .receivers import record_key_rotation

        if _nav not in nav_providers:
            nav_providers.append(_nav)
        key_rotated.connect(record_key_rotation, dispatch_uid="audit.record_key_rotation")
