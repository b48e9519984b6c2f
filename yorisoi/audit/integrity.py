"""Checking the audit chain: every row's hash, every link, no gaps, and the head at the end.

Rows are read in id order in fixed-size batches (keyset paging on the primary key), so memory
stays flat however long the log is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Problem:
    event_id: int | None  # the first row that is wrong (or missing)
    message: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    last_id: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(*, batch_size: int = BATCH_SIZE) -> ChainReport:
    """Walk the whole chain and stop at the first bad row."""
    expected_id = 1
    prev_hash = GENESIS_HASH
    count = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            problem = _check_row(event, expected_id=expected_id, prev_hash=prev_hash)
            if problem is not None:
                return ChainReport(count=count, last_id=last_id, problem=problem)
            count += 1
            last_id = event.pk
            prev_hash = event.hash
            expected_id = event.pk + 1
    problem = _check_head(count=count, last_id=last_id, last_hash=prev_hash)
    return ChainReport(count=count, last_id=last_id, problem=problem)


def _check_row(event: AuditEvent, *, expected_id: int, prev_hash: str) -> Problem | None:
    if event.pk != expected_id:
        if expected_id == 1:
            return Problem(
                expected_id,
                f"event #{expected_id} is missing: the log starts at #{event.pk} "
                "(rows at the start were deleted).",
            )
        return Problem(
            expected_id,
            f"event #{expected_id} is missing: the log jumps from #{expected_id - 1} to "
            f"#{event.pk} (rows were deleted).",
        )
    if event.prev_hash != prev_hash:
        return Problem(
            event.pk,
            f"event #{event.pk} does not follow event #{event.pk - 1}: its prev_hash does not "
            "match the hash of the row before it (rows were reordered, replaced or inserted).",
        )
    if event.compute_hash() != event.hash:
        return Problem(
            event.pk,
            f"event #{event.pk} was changed: its content no longer matches its hash.",
        )
    return None


def _check_head(*, count: int, last_id: int, last_hash: str) -> Problem | None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if count == 0:
            return None
        return Problem(None, "the chain head record is missing (it was deleted).")
    if head.last_id > last_id:
        return Problem(
            last_id + 1,
            f"event #{last_id + 1} is missing: the chain head says the log ends at "
            f"#{head.last_id}, but the last row is #{last_id} (rows at the end were deleted).",
        )
    if head.last_id < last_id:
        return Problem(
            head.last_id + 1,
            f"event #{head.last_id + 1} is not part of the chain: the chain head says the log "
            f"ends at #{head.last_id} (rows were added outside the audit service).",
        )
    if head.last_hash != last_hash:
        return Problem(
            last_id,
            f"event #{last_id} does not match the chain head's hash (the last row was replaced).",
        )
    if head.count != count:
        return Problem(
            None, f"the chain head counts {head.count} events but the log holds {count}."
        )
    return None
