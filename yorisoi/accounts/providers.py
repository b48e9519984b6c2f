"""What the accounts app registers: its demo loader and its sign-in signal receivers."""

from __future__ import annotations

from yorisoi.core import registry

DEMO_ORDER = 10


def register() -> None:
    from . import signals  # noqa: F401 - connects the sign-in receivers
    from .demo import load_demo_accounts

    if all(loader is not load_demo_accounts for _order, loader in registry.demo_loaders):
        registry.demo_loaders.append((DEMO_ORDER, load_demo_accounts))
