"""Writers in parallel threads still build one unbroken chain (they take turns on the head).

SQLite's in-memory test database uses shared-cache table locks that a real deployment never
has, so on SQLite the writers run against a database file of their own, as `make demo` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from yorisoi.core.crypto import generate_key

WRITERS, EACH = 4, 10
TOTAL = 1 + WRITERS * EACH


def run_writers() -> str:
    """Append from several threads at once, then verify the chain; returns a summary line."""
    from yorisoi.audit import services
    from yorisoi.audit.integrity import verify_chain
    from yorisoi.audit.models import AuditEvent

    services.record(actor=None, actor_label="first", action="view")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(EACH):
                services.record(
                    actor=None, actor_label=f"t{n}", action="view", object_id=f"{n}-{i}"
                )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    report = verify_chain()
    assert report.ok, report.problem
    return f"events {AuditEvent.objects.count()} verified {report.count}"


def run_on_sqlite_file(tmp_path: Path) -> str:
    yorisoi = Path(sys.executable).with_name("yorisoi")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}",
        "YORISOI_ENCRYPTION_KEY": generate_key(),
        "YORISOI_VAR_DIR": str(tmp_path / "var"),
    }
    subprocess.run([yorisoi, "migrate", "--noinput", "-v", "0"], env=env, check=True)  # noqa: S603
    script = (
        "from yorisoi.audit.tests.test_audit_concurrent_writers import run_writers\n"
        "print(run_writers())\n"
    )
    done = subprocess.run(  # noqa: S603
        [yorisoi, "shell", "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_build_one_chain(tmp_path):
    if connection.vendor == "sqlite":
        summary = run_on_sqlite_file(tmp_path)
    else:
        summary = run_writers()
    assert f"events {TOTAL} verified {TOTAL}" in summary
