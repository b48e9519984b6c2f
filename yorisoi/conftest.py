"""Shared fixtures: two centers and one user per role, as the demo has them."""

from __future__ import annotations

import pytest

from yorisoi.accounts.models import Center, Membership, Role, User
from yorisoi.core.crypto import generate_key
from yorisoi.core.tests.browser import (  # noqa: F401 - fixtures
    axe_check,
    browser,
    csp_violations,
    page,
    sign_in,
)

TEST_PASSWORD = "correct-horse-battery-staple"
TEST_KEY = generate_key()


@pytest.fixture(autouse=True)
def _encryption_key(settings):
    settings.YORISOI_ENCRYPTION_KEY = TEST_KEY
    settings.YORISOI_REQUIRE_2FA = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run inside enqueue(), so a test sees their effect (and the mail outbox)
    at once; a test of the worker itself sets the database backend back."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_user(username: str, *roles: tuple[Center | None, str], **extra) -> User:
    user = User.objects.create_user(
        username=username, password=TEST_PASSWORD, display_name=username, **extra
    )
    for center, role in roles:
        Membership.objects.create(user=user, center=center, role=role)
    return user


@pytest.fixture
def center1(db) -> Center:
    return Center.objects.create(name="テスト北部センター", short_name="北部", ward="北区")


@pytest.fixture
def center2(db) -> Center:
    return Center.objects.create(name="テスト南部センター", short_name="南部", ward="南区")


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", (None, Role.ADMIN), is_staff=True)


@pytest.fixture
def manager1(center1) -> User:
    return make_user("manager1", (center1, Role.MANAGER))


@pytest.fixture
def worker1(center1) -> User:
    return make_user("worker1", (center1, Role.WORKER))


@pytest.fixture
def worker1b(center1) -> User:
    return make_user("worker1b", (center1, Role.WORKER))


@pytest.fixture
def manager2(center2) -> User:
    return make_user("manager2", (center2, Role.MANAGER))


@pytest.fixture
def worker2(center2) -> User:
    return make_user("worker2", (center2, Role.WORKER))


@pytest.fixture
def peer1(center1) -> User:
    return make_user("peer1", (center1, Role.PEER))


@pytest.fixture
def partner1(db) -> User:
    return make_user("partner1", (None, Role.PARTNER))


@pytest.fixture
def analyst1(db) -> User:
    return make_user("analyst1", (None, Role.ANALYST))
