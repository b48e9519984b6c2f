"""Every state-changing endpoint needs POST with a CSRF token; no GET changes anything.

The URLs come from the URL resolver, so an endpoint added later is covered without a new row.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from yorisoi.tests.test_access_matrix import _url_names, served_url_names, world  # noqa: F401

# Models whose rows a GET must leave alone. Audit events (views are recorded), sessions and the
# session list (touched once a minute) are expected to change, and so are the built-in
# instrument definitions, which the first read stores once (configuration, not a user's data).
WATCHED_APPS = ("people", "cases", "agencies", "assessments", "reports", "accounts")
IGNORED_MODELS = {"accounts.usersession", "assessments.instrumentdefinition"}
CSRF_PAGE = "もう一度お試しください"


def _url(name: str, kwargs: dict) -> str:
    pattern = dict(_url_names())[name]
    wanted = {}
    for key, converter in pattern.pattern.converters.items():
        if key in kwargs:
            wanted[key] = kwargs[key]
        else:
            wanted[key] = "x" if converter.regex == "[^/]+" else 1
    return reverse(name, kwargs=wanted)


def _state() -> dict[str, set]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in WATCHED_APPS or label in IGNORED_MODELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._default_manager.values_list(*fields)
        state[label] = {repr(row) for row in rows}
    return state


@pytest.mark.parametrize("role", ["manager1", "worker1", "admin"])
def test_post_without_csrf_token_is_refused_everywhere(world, role):  # noqa: F811
    users, kwargs = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[role])
    before = _state()
    accepted = []
    for name in served_url_names():
        url = _url(name, kwargs)
        response = client.post(url, {"reason": "x" * 20})
        # Refused by the CSRF check itself (its own page), not by the view after running.
        refused = response.status_code == 403 and CSRF_PAGE in response.content.decode()
        if not refused:
            accepted.append((name, response.status_code))
    assert accepted == []
    assert _state() == before


@pytest.mark.parametrize("role", ["manager1", "worker1", "admin"])
def test_no_get_changes_state(client, world, role):  # noqa: F811
    users, kwargs = world
    client.force_login(users[role])
    before = _state()
    changed_by = []
    for name in served_url_names():
        if name == "accounts:logout":
            continue
        client.get(_url(name, kwargs))
        after = _state()
        if after != before:
            changed_by.append(name)
            before = after
    assert changed_by == []


def test_logout_by_get_only_asks(client, world):  # noqa: F811
    users, _kwargs = world
    client.force_login(users["worker1"])
    client.get(reverse("accounts:logout"))
    assert client.get(reverse("accounts:security")).status_code == 200
