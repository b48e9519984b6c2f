from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "yorisoi.agencies"
    label = "agencies"
    verbose_name = _("関係機関・連携")

    def ready(self) -> None:
        from . import providers

        providers.register()
