"""What the cases app adds to other pages, registered in one place (see core/registry.py).

The providers themselves live beside the views they share code with."""

from __future__ import annotations

from yorisoi.core import registry

DEMO_ORDER = 20


def register() -> None:
    from .demo import load_demo_cases
    from .views import nav_items as case_nav_items
    from .views_caseload import home_section, nav_items

    for providers, provider in (
        (registry.nav_providers, case_nav_items),
        (registry.home_providers, home_section),
        (registry.nav_providers, nav_items),
    ):
        if provider not in providers:
            providers.append(provider)
    if all(loader is not load_demo_cases for _order, loader in registry.demo_loaders):
        registry.demo_loaders.append((DEMO_ORDER, load_demo_cases))
