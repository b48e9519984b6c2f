from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yorisoi.cases"
    label = "cases"
    verbose_name = _("ケース")

    def ready(self) -> None:
        from . import providers

        providers.register()
