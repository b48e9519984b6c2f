from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "yorisoi.people"
    label = "people"
    verbose_name = _("本人・世帯")

    def ready(self) -> None:
        from . import providers

        providers.register()
