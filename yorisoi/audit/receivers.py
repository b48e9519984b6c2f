"""Security events that lower layers announce and the audit log records.

core sits below audit, so `yorisoi rotate-key` announces a rotation with a signal instead of
importing the audit service.
"""

from __future__ import annotations

from . import services
from .models import Action


def record_key_rotation(
    sender, *, old_key_ids, new_key_id, values, mode, operator="", **kwargs
) -> None:
    services.record(
        actor=None,
        actor_label=f"rotate-key ({operator})" if operator else "rotate-key",
        action=Action.SECURITY,
        object_type="core.encryption_key",
        object_id=new_key_id,
        changes={"key_ids": [list(old_key_ids), [new_key_id]], "values": [None, values]},
        reason=f"Encryption key rotated ({mode}); {values} values re-encrypted.",
    )
