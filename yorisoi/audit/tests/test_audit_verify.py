"""`yorisoi audit verify` catches rows edited, deleted or reordered with raw SQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from .factories import make_chain

COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "center_id",
    "changes",
    "reason",
    "request_id",
    "ip_address",
    "path",
    "prev_hash",
    "hash",
)


def run_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", "--batch-size", "2", stdout=out)
    return out.getvalue()


def verify_failure() -> CommandError:
    with pytest.raises(CommandError) as exc_info:
        run_verify()
    assert exc_info.value.returncode == 1
    return exc_info.value


def sql(statement: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@pytest.mark.django_db
def test_an_empty_log_is_intact():
    assert "0 events verified" in run_verify()


@pytest.mark.django_db
def test_an_untouched_chain_passes_with_its_count():
    make_chain(5)
    assert "5 events verified, last #5" in run_verify()


@pytest.mark.django_db
def test_an_edited_row_is_named():
    make_chain(5)
    sql("UPDATE audit_auditevent SET reason = %s WHERE id = 3", ["quietly changed"])
    error = verify_failure()
    assert "first bad row: #3" in str(error)
    assert "was changed" in str(error)


@pytest.mark.django_db
def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link():
    make_chain(5)
    sql("UPDATE audit_auditevent SET hash = %s WHERE id = 3", ["f" * 64])
    error = verify_failure()
    # Row 3's own hash no longer matches its content: it is the first bad row.
    assert "first bad row: #3" in str(error)


@pytest.mark.django_db
def test_a_deleted_middle_row_is_named():
    make_chain(5)
    sql("DELETE FROM audit_auditevent WHERE id = 2")
    error = verify_failure()
    assert "first bad row: #2" in str(error)
    assert "missing" in str(error)


@pytest.mark.django_db
def test_a_deleted_first_row_is_named():
    make_chain(3)
    sql("DELETE FROM audit_auditevent WHERE id = 1")
    error = verify_failure()
    assert "first bad row: #1" in str(error)


@pytest.mark.django_db
def test_a_deleted_last_row_is_caught_by_the_head():
    make_chain(5)
    sql("DELETE FROM audit_auditevent WHERE id = 5")
    error = verify_failure()
    assert "first bad row: #5" in str(error)
    assert "end were deleted" in str(error)


@pytest.mark.django_db
def test_the_whole_log_deleted_is_caught_by_the_head():
    make_chain(2)
    sql("DELETE FROM audit_auditevent")
    error = verify_failure()
    assert "first bad row: #1" in str(error)


@pytest.mark.django_db
def test_two_rows_swapped_are_named_as_reordered():
    make_chain(5)
    cols = ", ".join(COLUMNS)
    row2 = sql(f"SELECT {cols} FROM audit_auditevent WHERE id = 2")[0]
    row4 = sql(f"SELECT {cols} FROM audit_auditevent WHERE id = 4")[0]
    assignments = ", ".join(f"{c} = %s" for c in COLUMNS)
    # hash is unique: park row 4's hash before giving it to row 2.
    sql("UPDATE audit_auditevent SET hash = %s WHERE id = 4", ["parked"])
    sql(f"UPDATE audit_auditevent SET {assignments} WHERE id = 2", list(row4))
    sql(f"UPDATE audit_auditevent SET {assignments} WHERE id = 4", list(row2))
    error = verify_failure()
    assert "first bad row: #2" in str(error)
    assert "reordered" in str(error)


@pytest.mark.django_db
def test_a_row_added_outside_the_service_is_caught():
    make_chain(2)
    cols = ", ".join(COLUMNS)
    row = list(sql(f"SELECT {cols} FROM audit_auditevent WHERE id = 2")[0])
    row[COLUMNS.index("prev_hash")] = row[COLUMNS.index("hash")]
    row[COLUMNS.index("hash")] = "e" * 64
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
    sql(f"INSERT INTO audit_auditevent (id, {cols}) VALUES ({placeholders})", [3, *row])
    error = verify_failure()
    assert "first bad row: #3" in str(error)


@pytest.mark.django_db
def test_verify_reports_the_first_of_several_bad_rows():
    make_chain(6)
    sql("UPDATE audit_auditevent SET reason = 'x' WHERE id IN (4, 5)")
    sql("DELETE FROM audit_auditevent WHERE id = 6")
    assert "first bad row: #4" in str(verify_failure())
