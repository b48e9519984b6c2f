from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yorisoi.cases"
    label = "cases"
    verbose_name = _("ケース")

    def ready(self) -> None:
        from yorisoi.core.registry import demo_loaders

        from .demo import load_demo_cases

        demo_loaders.append((20, load_demo_cases))

        from yorisoi.core.registry import home_providers, nav_providers

        from .views import nav_items as case_nav_items
        from .views_caseload import home_section, nav_items

        nav_providers.append(case_nav_items)
        home_providers.append(home_section)
        nav_providers.append(nav_items)
