"""Plain helpers for audit tests."""

from __future__ import annotations

from yorisoi.audit import services
from yorisoi.audit.models import AuditEvent


def make_chain(n: int, **kwargs) -> list[AuditEvent]:
    return [
        services.record(
            actor=kwargs.get("actor"),
            actor_label="test",
            action=kwargs.get("action", "view"),
            object_type=kwargs.get("object_type", "cases.case"),
            object_id=kwargs.get("object_id", i + 1),
            center_id=kwargs.get("center_id"),
            changes={"status": ["intake", "support"]},
            reason=f"reason {i + 1}",
        )
        for i in range(n)
    ]
