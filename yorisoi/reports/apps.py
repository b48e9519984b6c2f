from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "yorisoi.reports"
    label = "reports"
    verbose_name = _("統計・報告")

    def ready(self) -> None:
        from yorisoi.core.registry import demo_loaders, nav_providers

        from .demo import load_demo_targets
        from .views import nav_items

        nav_providers.append(nav_items)
        demo_loaders.append((40, load_demo_targets))
