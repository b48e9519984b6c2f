"""Errors shared by the services of several apps."""

from __future__ import annotations

from typing import Any


class StaleEditError(Exception):
    """A save was refused because someone else saved the record after this user opened it.

    `changes` maps each field whose saved value differs from the one being submitted to
    (theirs, yours): the value now stored, and the value this user tried to save. Views show
    these so the user can decide, with their own input kept in the form.
    """

    def __init__(self, changes: dict[str, tuple[Any, Any]], *, current_version: int | None = None):
        self.changes = dict(changes)
        self.current_version = current_version
        fields = ", ".join(self.changes) or "-"
        super().__init__(f"stale edit; changed since opened: {fields}")
