from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "yorisoi.assessments"
    label = "assessments"
    verbose_name = _("アセスメント")

    def ready(self) -> None:
        from . import providers

        providers.register()
