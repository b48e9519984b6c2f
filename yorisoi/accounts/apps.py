from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yorisoi.accounts"
    label = "accounts"
    verbose_name = _("アカウント")

    def ready(self) -> None:
        from . import providers

        providers.register()
