from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "yorisoi.audit"
    label = "audit"
    verbose_name = _("監査ログ")

    def ready(self) -> None:
        from . import providers

        providers.register()
