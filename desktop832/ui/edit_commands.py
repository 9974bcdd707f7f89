"""Undo commands for profile and plan edits: each only swaps whole immutable values.

Typing in one field merges into one undo step, so Ctrl+Z undoes "150000", not "0".
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

_MERGE_ID = 832


class EditRecords(QUndoCommand):
    def __init__(self, document, key: str, before: tuple, after: tuple, text: str):
        super().__init__(text)
        self.document = document
        self.key = key
        self.before = before  # (profile, plan)
        self.after = after

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditRecords) or other.key != self.key:
            return False
        self.after = other.after
        # typed back to what it was (or the field undid its own typing): no step left to undo
        self.setObsolete(self.after == self.before)
        return True

    def redo(self) -> None:
        self.document.apply(*self.after, source=self.key)

    def undo(self) -> None:
        self.document.apply(*self.before, source="undo")
