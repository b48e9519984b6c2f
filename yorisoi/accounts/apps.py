from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yorisoi.accounts"
    label = "accounts"
    verbose_name = _("アカウント")

    def ready(self) -> None:
        from yorisoi.core.registry import demo_loaders

        from . import signals  # noqa: F401
        from .demo import load_demo_accounts

        demo_loaders.append((10, load_demo_accounts))
