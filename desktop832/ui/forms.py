"""Qt Designer forms, loaded at run time from ``forms/*.ui`` with ``QUiLoader``.

Each form's top-level widget is a plain ``QWidget`` that a Python class places in its own layout.
A class names its form and the widgets it looks up; :func:`load_form` checks they are all there,
and the tests load every form against every class that uses it, so a renamed widget in Designer
fails a test instead of the clerk's session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QBoxLayout, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from .. import paths


class FormError(RuntimeError):
    """A form file is missing or lacks a widget the code needs: a packaging or programming bug."""


def load_form(name: str, parent: QWidget | None = None, widgets: dict[str, type] | None = None) -> QWidget:
    path = paths.forms_dir() / name
    handle = QFile(str(path))
    if not handle.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"form not found: {path}")
    try:
        loader = QUiLoader()
        from .elide import CUSTOM_WIDGETS

        for widget_class in CUSTOM_WIDGETS:  # the forms name them as Designer's promoted widgets
            loader.registerCustomWidget(widget_class)
        form = loader.load(handle, parent)
    finally:
        handle.close()
    if form is None:
        raise FormError(f"form could not be loaded: {path}: {loader.errorString()}")
    for object_name, widget_type in (widgets or {}).items():
        found = form.findChild(widget_type, object_name)
        if found is None:
            raise FormError(f"{name}: missing {widget_type.__name__} '{object_name}'")
    return form


def adopt_form(
    owner: QWidget, name: str, widgets: dict[str, type], *, margins: bool = True, buttons_outside: int = 0,
) -> QWidget:
    """Load the form ``name`` as ``owner``'s whole content and make each of ``widgets`` an
    attribute of ``owner`` (``owner.<object name>``): how every dialog and tab takes its form.

    ``buttons_outside``: a dialog's form scrolls when the screen is too small for it, but the last
    so many items of its layout (its row of buttons) stay below, always visible
    (:func:`~desktop832.ui.screen_fit.scroll_content`)."""
    form = load_form(name, owner, widgets)
    keep_placeholders_whole(form)
    for object_name, widget_type in widgets.items():  # before any is moved out of the form
        setattr(owner, object_name, form.findChild(widget_type, object_name))
    if buttons_outside:
        from .screen_fit import scroll_content

        scroll_content(owner, form, outside=buttons_outside)
    else:
        layout = QVBoxLayout(owner)
        if not margins:
            layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
    return form


PLACEHOLDER_MAX = 320  # a field is never made wider than this for its placeholder


def keep_placeholders_whole(form: QWidget) -> None:
    """A field is at least as wide as its grey example text (例如 1,000,000.00 或 100万), which
    would otherwise be cut off on a small screen; the text is also its tooltip."""
    for edit in form.findChildren(QLineEdit):
        hint = edit.placeholderText()
        if hint:
            wanted = edit.fontMetrics().horizontalAdvance(hint) + 16  # the frame and text margins
            edit.setMinimumWidth(max(edit.minimumWidth(), min(wanted, PLACEHOLDER_MAX)))
            if not edit.toolTip():
                edit.setToolTip(hint)


class ColumnsThatStack(QObject):
    """A tab's side-by-side columns (a ``QHBoxLayout`` named ``columns`` in its form) go one
    under the other when the tab is narrower than the columns need side by side, so a small
    screen scrolls the tab down, never sideways with a column cut off."""

    def __init__(self, layout: QBoxLayout, watched: QWidget):
        super().__init__(watched)
        self.layout, self.watched = layout, watched
        watched.installEventFilter(self)

    def side_by_side_width(self) -> int:
        layout = self.layout
        margins = layout.contentsMargins()
        columns = [layout.itemAt(i) for i in range(layout.count())]
        widths = [item.minimumSize().width() for item in columns if not item.isEmpty()]
        return sum(widths) + layout.spacing() * max(0, len(widths) - 1) + margins.left() + margins.right()

    def arrange(self) -> None:
        wide = self.watched.width() >= self.side_by_side_width()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.layout.direction() != direction:
            self.layout.setDirection(direction)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.arrange()
        return False


def stack_columns_when_narrow(form: QWidget) -> ColumnsThatStack | None:
    """Let ``form``'s ``columns`` layout stack its columns on a narrow screen (see above)."""
    columns = form.findChild(QBoxLayout, "columns")
    scroll = form.findChild(QScrollArea)
    if columns is None or scroll is None:
        return None
    return ColumnsThatStack(columns, scroll.viewport())


class FormWidget(QWidget):
    """A widget whose contents come from a Designer form; children become attributes.

    Subclasses set ``FORM`` (file name) and ``WIDGETS`` (object name → type); after
    ``__init__`` each listed child is reachable as ``self.<object name>``.
    """

    FORM: str = ""
    WIDGETS: dict[str, type] = {}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = adopt_form(self, self.FORM, self.WIDGETS, margins=False)
        self.column_stacker = stack_columns_when_narrow(self.form)
