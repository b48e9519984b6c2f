"""What the reports app adds to other pages, registered in one place (see core/registry.py)."""

from __future__ import annotations

from yorisoi.core import registry

DEMO_ORDER = 40


def register() -> None:
    from .demo import load_demo_targets
    from .views import nav_items

    if nav_items not in registry.nav_providers:
        registry.nav_providers.append(nav_items)
    if all(loader is not load_demo_targets for _order, loader in registry.demo_loaders):
        registry.demo_loaders.append((DEMO_ORDER, load_demo_targets))
