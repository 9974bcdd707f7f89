"""Cell editors for the purchase log: drop-downs for the enums, validated line edits for the rest.

A line edit carries the same validator as the form (one domain parser per kind of value): while
the text does not parse, Enter does nothing and the reason is shown; leaving the cell then keeps
the stored value, and the clerk is told so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate

from . import fields as fields
from ..palette import mark_field
from ..validators import ParserValidator


def mark_problem(widget, problem: str | None) -> None:
    """Show (or clear) why typed text is refused, the way every field of the window does."""
    mark_field(widget, "error" if problem else None, problem or "")


class PurchaseDelegate(QStyledItemDelegate):
    problem = Signal(str)  # the Chinese reason typed text is refused; "" when it is fine again

    def createEditor(self, parent, option, index):
        key = fields.COLUMNS[index.column()].key
        if key in fields.ENUMS:
            combo = QComboBox(parent)
            combo.addItems([member.value for member in fields.ENUMS[key]])
            # one click on an item is the whole edit, like a spreadsheet's drop-down
            combo.activated.connect(lambda _i, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
            return combo
        editor = QLineEdit(parent)
        editor.setValidator(ParserValidator(fields.PARSERS[key], editor))
        editor.textEdited.connect(lambda text, e=editor: self._check(e, text))
        return editor

    def setEditorData(self, editor, index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        else:
            editor.setText(text)
            editor.setProperty("original", text)

    def setModelData(self, editor, model, index) -> None:
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text, Qt.ItemDataRole.EditRole)

    def destroyEditor(self, editor, index) -> None:
        if isinstance(editor, QLineEdit) and not editor.hasAcceptableInput() and editor.text() != editor.property("original"):
            self.problem.emit(f"{editor.validator().problem(editor.text())}（未保存，仍为原值）")
        super().destroyEditor(editor, index)

    def _check(self, editor: QLineEdit, text: str) -> None:
        problem = editor.validator().problem(text)
        mark_problem(editor, problem)
        self.problem.emit(problem or "")
