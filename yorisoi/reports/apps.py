from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yorisoi.reports"
    label = "reports"
    verbose_name = _("統計・報告")

    def ready(self) -> None:
        from . import providers

        providers.register()
