"""Every page of the access matrix, opened in Chromium by a role that may see it, runs under the
Content-Security-Policy without a single violation (the `page` fixture fails on any)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from yorisoi.tests.test_access_matrix import (  # noqa: F401 - world is a fixture
    MATRIX,
    POST_ONLY,
    ROLES,
    _reverse,
    world,
)

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _seeded_vocabulary(transactional_db):
    """A browser test's database is emptied between tests, data migrations' rows included;
    the matrix's world needs the seeded assessment vocabulary back."""
    seed = importlib.import_module("yorisoi.assessments.migrations.0002_seed_vocabulary").seed
    seed(apps, None)


# Files, not pages: the browser would download them.
DOWNLOADS = {"reports:export"}


def _pages_by_role() -> dict[str, list[str]]:
    """Each GET page under the first role that opens it (200), so every page is seen once."""
    by_role: dict[str, list[str]] = {}
    for name, (default, overrides) in sorted(MATRIX.items()):
        if name in POST_ONLY or name in DOWNLOADS:
            continue
        role = next(
            (r for r in ROLES[1:] if overrides.get(r, default) == 200),
            "anonymous" if overrides.get("anonymous") == 200 else None,
        )
        if role is not None:
            by_role.setdefault(role, []).append(name)
    return by_role


def test_every_page_a_role_may_open_has_no_csp_violation(page, sign_in, world):  # noqa: F811
    users, kwargs = world
    seen = 0
    for role, names in _pages_by_role().items():
        page.context.clear_cookies()
        if role != "anonymous":
            sign_in(users[role])
        for name in names:
            url = _reverse(name, kwargs)
            response = page.goto(url)
            assert response.status == 200, (role, name, url, response.status)
            seen += 1
    assert seen > 60  # the walk covered the project, not an empty list
    # The page fixture fails the test at teardown if anything was blocked on any of them.


def test_the_admin_site_has_no_csp_violation(page, sign_in, settings, admin_user, worker1, center1):
    from yorisoi.core.mail import email_enqueue

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = email_enqueue(
        to="x@example.org", language="ja", template="accounts/email/security_notice", context={}
    )
    sign_in(admin_user)
    for url in (
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{worker1.pk}/change/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/center/{center1.pk}/change/",
        "/admin/django_tasks_database/dbtaskresult/",  # failed mail is looked for here
        f"/admin/django_tasks_database/dbtaskresult/{queued.id}/change/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
