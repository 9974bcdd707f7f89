"""Qt validators built on the domain's parsers: one parser per kind of value, everywhere.

Text that does not parse is ``Intermediate``: the clerk sees what was typed (and why it is
refused, through the field's tooltip) but it is never accepted into the records.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QValidator

from ..domain.errors import InputError


class ParserValidator(QValidator):
    def __init__(self, parse: Callable[[str], object], parent=None):
        super().__init__(parent)
        self.parse = parse

    def validate(self, text: str, pos: int):
        try:
            self.parse(text)
        except InputError:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos

    def problem(self, text: str) -> str | None:
        """The Chinese reason ``text`` is refused, or ``None``."""
        try:
            self.parse(text)
        except InputError as exc:
            return exc.message
        return None
