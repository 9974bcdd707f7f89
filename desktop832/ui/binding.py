"""Two-way binding of form widgets to document fields, and marking fields that have findings.

A binding parses what the clerk types with the domain's parser; text that does not parse stays
visible, marked, with the reason as tooltip, and is not passed on. When the document changes
(undo, a derived value, another widget bound to the same field) the widgets are refreshed without
disturbing the one being typed into.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from ..domain.errors import InputError
from ..domain.findings import Finding, Severity
from . import palette
from .validators import ParserValidator

_NOT_TYPING = object()

# A dynamic property drives the look (palette.py's style sheet): "error", "warning" or "".
MARK_PROPERTY = palette.MARK_PROPERTY


@dataclasses.dataclass
class Binding:
    key: str
    widget: QWidget
    show: Callable[[Any], None]
    read: Callable[[], Any] | None = None  # for line edits: raises InputError
    input_problem: str | None = None
    base_tooltip: str = ""
    shown: Any = None  # the value last displayed, to tell a real change from a refresh
    leads: bool = True  # a finding about the key leads here (not to a second copy of the field)
    before: Any = _NOT_TYPING  # the value when the clerk began typing (_NOT_TYPING between typings)
    typed_text: Callable[[], str] = lambda: ""


class Binder(QObject):
    """Holds every binding of the window; emits ``edited(key, value)`` for valid edits."""

    edited = Signal(str, object)
    problemsChanged = Signal(dict)  # key → (text, reason) of every field holding unreadable text

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.bindings: list[Binding] = []
        self._marks: dict[str, list[Finding]] = {}
        self._active: Binding | None = None  # the binding whose edit is being applied
        self._read_only = False  # the whole file is opened for viewing
        self._locked: set[str] = set()  # fields whose value comes from elsewhere for now

    def _emit(self, binding: Binding, value) -> None:
        """Pass an edit on; while it is applied, the widget that sent it is not rewritten."""
        self._active = binding
        try:
            self.edited.emit(binding.key, value)
        finally:
            self._active = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z in a field with nothing of its own to undo undoes the window's last edit.

        A text field claims the undo and redo keys for its own history even when that is empty,
        so without this the window's 撤销/重做 did nothing while the cursor was in another field.
        """
        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            for binding in self.bindings:  # a text box has no editingFinished: leaving it ends the typing
                if binding.widget is watched and binding.input_problem is None:
                    binding.before = _NOT_TYPING
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, (QLineEdit, QPlainTextEdit)):
            own = watched if isinstance(watched, QLineEdit) else watched.document()
            if (event.matches(QKeySequence.StandardKey.Undo) and not own.isUndoAvailable()) or (
                event.matches(QKeySequence.StandardKey.Redo) and not own.isRedoAvailable()
            ):
                event.ignore()
                return True  # not the field's: the window's shortcut takes it
        return super().eventFilter(watched, event)

    # --- registering --------------------------------------------------------------------------

    def _register(self, binding: Binding, leads: bool) -> Binding:
        """Keep ``binding``; one made after the file was opened (a tab built later) starts with
        the marks and the read-only state every other field already has."""
        binding.leads = leads
        self.bindings.append(binding)
        self._apply_mark(binding)
        self._apply_read_only(binding)
        return binding

    def line(
        self, widget: QLineEdit, key: str, parse: Callable[[str], Any], show: Callable[[Any], str], *, leads: bool = True,
    ) -> Binding:
        binding = Binding(key, widget, lambda v: None, base_tooltip=widget.toolTip())

        def read():
            return parse(widget.text())

        def display(value):
            changed, binding.shown = value != binding.shown, value
            if self._active is binding:
                return
            if binding.input_problem is not None and not changed:
                return  # keep the refused text in view until the value itself changes
            if changed:  # changed from elsewhere (undo, another year): typing starts anew
                binding.before = _NOT_TYPING
            text = show(value)
            try:
                same = read() == value
            except InputError:
                same = False
            # do not reformat under the cursor what already means this value
            if not (widget.hasFocus() and same) and widget.text() != text:
                with QSignalBlocker(widget):
                    widget.setText(text)
            self._set_problem(binding, None)

        def on_edit(_text):
            self._typed(binding, read)

        def on_finished():
            if binding.input_problem is None:
                binding.before = _NOT_TYPING  # the typing is done: this value is the last valid one
                try:
                    value = read()
                except InputError:
                    return
                text = show(value)
                if widget.text() != text:
                    with QSignalBlocker(widget):
                        widget.setText(text)

        binding.show, binding.read = display, read
        binding.typed_text = widget.text
        widget.setValidator(ParserValidator(parse, widget))
        widget.installEventFilter(self)
        widget.textEdited.connect(on_edit)
        widget.editingFinished.connect(on_finished)
        return self._register(binding, leads)

    def text(self, widget: QPlainTextEdit, key: str, parse: Callable[[str], Any]) -> Binding:
        binding = Binding(key, widget, lambda v: None, base_tooltip=widget.toolTip())

        def display(value):
            changed, binding.shown = value != binding.shown, value
            if binding.input_problem is not None and not changed:
                return  # keep the refused text in view until the value itself changes
            if self._active is not binding and widget.toPlainText() != (value or ""):
                binding.before = _NOT_TYPING
                with QSignalBlocker(widget):
                    widget.setPlainText(value or "")
                self._set_problem(binding, None)

        binding.show = display
        binding.read = lambda: parse(widget.toPlainText())
        binding.typed_text = widget.toPlainText
        widget.installEventFilter(self)
        widget.textChanged.connect(lambda: self._typed(binding, binding.read))
        return self._register(binding, True)

    def _typed(self, binding: Binding, read: Callable[[], Any]) -> None:
        """All or nothing: text that parses is passed on as the clerk types (the rules follow at
        once); text that does not puts back the value the field held before the typing began, so
        "80000o" typed over 800,000.00 leaves 800,000.00 stored, not the 80,000 typed on the way."""
        if binding.before is _NOT_TYPING:
            binding.before = binding.shown
        try:
            value = read()
        except InputError as exc:
            if binding.shown != binding.before:
                self._emit(binding, binding.before)
            self._set_problem(binding, exc.message)
            return
        self._emit(binding, value)  # first: the refresh clearing the mark must find the new value
        self._set_problem(binding, None)

    def _set_problem(self, binding: Binding, problem: str | None) -> None:
        was, binding.input_problem = binding.input_problem, problem
        self._apply_mark(binding)
        if problem is not None or was is not None:  # the text quoted changes with each key
            self.problemsChanged.emit(self.unreadable())

    def unreadable(self) -> dict[str, tuple[str, str]]:
        """Every field holding text that does not parse: key → (the text, why it is refused)."""
        return {b.key: (b.typed_text(), b.input_problem) for b in self.bindings if b.input_problem}

    def first_unreadable(self) -> QWidget | None:
        return next((b.widget for b in self.bindings if b.input_problem), None)

    def check(self, widget: QCheckBox, key: str, *, leads: bool = True) -> Binding:
        def display(value):
            if widget.isChecked() != bool(value):
                with QSignalBlocker(widget):
                    widget.setChecked(bool(value))

        binding = Binding(key, widget, display, base_tooltip=widget.toolTip())
        widget.toggled.connect(lambda on: self._emit(binding, bool(on)))
        return self._register(binding, leads)

    def combo(self, widget: QComboBox, key: str, enum_type: type[enum.Enum]) -> Binding:
        """A combo whose item texts are the enum's (Chinese) values."""

        def display(value):
            index = widget.findText(enum_type(value).value)
            if widget.currentIndex() != index:
                with QSignalBlocker(widget):
                    widget.setCurrentIndex(index)

        binding = Binding(key, widget, display, base_tooltip=widget.toolTip())
        widget.currentTextChanged.connect(lambda text: text and self._emit(binding, enum_type(text)))
        return self._register(binding, True)

    def editable_combo(self, widget: QComboBox, key: str) -> Binding:
        """A combo offering common values but accepting any text (province)."""

        def display(value):
            if widget.currentText() != value:
                with QSignalBlocker(widget):
                    widget.setCurrentText(value)

        binding = Binding(key, widget, display, base_tooltip=widget.toolTip())
        widget.currentTextChanged.connect(lambda text: self._emit(binding, text.strip()))
        return self._register(binding, True)

    # --- document → widgets -------------------------------------------------------------------

    def refresh(self, value_of: Callable[[str], Any]) -> None:
        for binding in self.bindings:
            binding.show(value_of(binding.key))

    def mark(self, findings: list[Finding]) -> None:
        """Mark every field an error or warning concerns, with the reasons as tooltip."""
        self._marks = {}
        for finding in findings:
            if finding.severity >= Severity.WARNING:
                for key in finding.fields:
                    self._marks.setdefault(key, []).append(finding)
        for binding in self.bindings:
            self._apply_mark(binding)

    def _apply_mark(self, binding: Binding) -> None:
        findings = self._marks.get(binding.key, [])
        reasons = [binding.input_problem] if binding.input_problem else []
        reasons += [f"{f.message}（依据：{f.citation}）" for f in findings]
        if binding.input_problem or any(f.severity is Severity.ERROR for f in findings):
            level = "error"
        elif findings:
            level = "warning"
        else:
            level = ""
        palette.mark_field(binding.widget, level, "\n".join(reasons) or binding.base_tooltip)

    def set_read_only(self, read_only: bool) -> None:
        """A file opened for viewing: text stays selectable, nothing can be changed."""
        self._read_only = read_only
        for binding in self.bindings:
            self._apply_read_only(binding)

    def set_locked(self, key: str, locked: bool) -> None:
        """One field shown but not editable here (its value is taken from another record)."""
        if locked != (key in self._locked):
            self._locked ^= {key}
            for binding in self.bindings:
                if binding.key == key:
                    self._apply_read_only(binding)

    def _apply_read_only(self, binding: Binding) -> None:
        widget, read_only = binding.widget, self._read_only or binding.key in self._locked
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            widget.setReadOnly(read_only)
        else:
            widget.setEnabled(not read_only)

    # --- lookup -------------------------------------------------------------------------------

    def widget_for(self, key: str) -> QWidget | None:
        """The widget a finding about ``key`` leads to: the one bound with ``leads``, else any."""
        found = [b for b in self.bindings if b.key == key]
        return next((b.widget for b in found if b.leads), found[0].widget if found else None)

    def input_problems(self) -> dict[str, str]:
        return {b.key: b.input_problem for b in self.bindings if b.input_problem}
