"""docs/architecture.md keeps the order numbers of every app's contributions in one table; the
main-menu and demo-loader rows are checked against what the apps register, so the table cannot
drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from yorisoi.core import registry

TABLE_ROW = re.compile(r"^\| `(\w+)` \| (\d+) \| (\w+) \| (.+?) \|$", re.M)


def _documented(name: str) -> set[tuple[int, str]]:
    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text()
    return {(int(order), app) for reg, order, app, _what in TABLE_ROW.findall(text) if reg == name}


def _app(func) -> str:
    return func.__module__.split(".")[1]


def test_the_table_is_found():
    assert len(_documented("nav_providers")) >= 8
    assert len(_documented("home_providers")) >= 5


def test_demo_loader_orders_are_the_documented_ones():
    registered = {(order, _app(loader)) for order, loader in registry.demo_loaders}
    assert registered == _documented("demo_loaders")


@pytest.mark.django_db
def test_main_menu_orders_are_the_documented_ones(
    admin_user, manager1, worker1, peer1, partner1, analyst1
):
    from yorisoi.agencies.models import Agency, AgencyStaff

    AgencyStaff.objects.create(user=partner1, agency=Agency.objects.create(name="x"))
    registered = set()
    for user in (admin_user, manager1, worker1, peer1, partner1, analyst1):
        request = RequestFactory().get("/")
        request.user = user
        for provider in registry.nav_providers:
            registered |= {(order, _app(provider)) for _label, _url, order in provider(request)}
    assert registered == _documented("nav_providers")
