"""Background tasks: queued as database rows, run by the worker thread `yorisoi demo` starts in
its own process, so the embedded mode needs no second command."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks import TaskResultStatus, task

from yorisoi.core.background import wait_for, worker_thread_start

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task()
def double(number: int) -> int:
    return number * 2


@task()
def fail() -> None:
    raise RuntimeError("probe failure")


@pytest.fixture
def database_tasks(settings, transactional_db):
    settings.TASKS = DATABASE_BACKEND


def test_a_queued_task_waits_in_the_database_until_a_worker_runs_it(database_tasks):
    result = double.enqueue(21)
    result.refresh()
    assert result.status == TaskResultStatus.READY  # nothing runs it by itself

    worker = worker_thread_start(interval=0.1)
    try:
        assert wait_for(result, timeout=20).status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == 42
        # The thread goes on: a second task queued later runs too.
        assert wait_for(double.enqueue(5), timeout=20).return_value == 10
    finally:
        worker.stop()
    assert not worker.thread.is_alive()


def test_a_failing_task_is_recorded_and_the_worker_goes_on(database_tasks):
    worker = worker_thread_start(interval=0.1)
    try:
        failed = wait_for(fail.enqueue(), timeout=20)
        assert failed.status == TaskResultStatus.FAILED
        assert failed.errors[0].exception_class is RuntimeError
        assert wait_for(double.enqueue(1), timeout=20).return_value == 2
    finally:
        worker.stop()


def test_the_worker_thread_sends_queued_mail(database_tasks, worker1):
    from yorisoi.accounts.notices import SecurityEvent, security_notice_enqueue

    worker1.email = "worker1@example.org"
    worker1.save()
    result = security_notice_enqueue(user=worker1, event=SecurityEvent.PASSWORD_CHANGED)
    assert mail.outbox == []
    worker = worker_thread_start(interval=0.1)
    try:
        assert wait_for(result, timeout=20).status == TaskResultStatus.SUCCESSFUL
    finally:
        worker.stop()
    assert mail.outbox[0].subject == "【寄り添い】パスワードが変更されました"


def test_tests_run_tasks_at_once():
    # The suite's default (yorisoi/conftest.py): no worker needed to see a task's effect.
    assert double.enqueue(4).return_value == 8
