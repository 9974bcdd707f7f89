"""All or nothing: text typed into a field is stored whole when it parses, and otherwise not at
all: the field keeps the value it held before the typing began, the text stays in view, marked,
a finding names the field, and closing the window asks."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from desktop832.domain import fields as catalogue
from desktop832.domain.errors import InputError
from desktop832.domain.fields import Kind
from desktop832.domain.findings import Severity
from desktop832.ui.main_window import TAB_QUOTA

from .gui_helpers import type_ascii
from .test_window_menus import on_next_modal


def test_a_letter_typed_after_an_amount_keeps_the_amount_it_replaced(qtbot, make_window):
    """The clerk's report: 80000o typed over 800,000.00 stored 80,000 and the reserve followed."""
    window = make_window()
    window.tabs.setCurrentIndex(TAB_QUOTA)
    quota = window.quota_tab
    type_ascii(qtbot, quota.canteen_total_edit, "800000")
    type_ascii(qtbot, quota.reserve_ratio_edit, "15")
    qtbot.keyClick(quota.reserve_ratio_edit, Qt.Key.Key_Tab)
    assert window.document.plan.reserve_amount == Decimal("120000.00")
    type_ascii(qtbot, quota.canteen_total_edit, "80000o")
    assert quota.canteen_total_edit.text() == "80000o"  # still in view
    assert quota.canteen_total_edit.property("finding") == "error"
    plan = window.document.plan
    assert plan.canteen_total == Decimal("800000.00")  # not the 80,000 typed on the way
    assert plan.reserve_amount == Decimal("120000.00")
    assert window.document.save_now()
    assert window.workspace.store.plan(plan.year).canteen_total == Decimal("800000.00")
    unreadable = [f for f in window.document.findings if f.rule_id == "unreadable-input"]
    assert [f.fields for f in unreadable] == [("plan.canteen_total",)]
    assert unreadable[0].severity is Severity.ERROR and "年度食堂食材采购总额" in unreadable[0].message
    assert "80000o" in unreadable[0].message and "不是通知的要求" in unreadable[0].citation
    assert any("年度食堂食材采购总额" in m for m in window.findings_panel.messages())
    view = window.document.overview()
    assert view.canteen.severity is Severity.ERROR and "无法识别" in view.canteen.text  # not a green 食堂预留
    # fixing the text removes the finding and stores what is typed now
    type_ascii(qtbot, quota.canteen_total_edit, "900000")
    assert window.document.plan.canteen_total == Decimal("900000.00")
    assert not any(f.rule_id == "unreadable-input" for f in window.document.findings)


def test_closing_with_unreadable_text_asks_and_going_back_puts_the_cursor_there(qtbot, make_window):
    window = make_window()
    field = window.union_tab.union_reserve_edit
    window.tabs.setCurrentIndex(window.tabs.indexOf(window.union_tab))
    type_ascii(qtbot, field, "12x")
    window.tabs.setCurrentIndex(0)
    said = []

    def go_back(box):
        said.append(box.text())
        next(b for b in box.buttons() if "返回" in b.text()).click()

    on_next_modal(QMessageBox, go_back)
    assert not window.close()
    assert "工会预留金额" in said[0] and "12x" in said[0]
    assert window.isVisible() and window.tabs.currentWidget() is window.union_tab
    assert window.focusWidget() is field

    def quit_anyway(box):
        next(b for b in box.buttons() if "退出" in b.text()).click()

    on_next_modal(QMessageBox, quit_anyway)
    assert window.close()


# --- every money, ratio, date and count field, typed into with random text -----------------------

NUMERIC = (Kind.MONEY, Kind.RATIO, Kind.DATE, Kind.COUNT)
TEXTS = st.text(alphabet=st.sampled_from("0123456789.,-+ %/年月日元eE万oO l１２"), max_size=12)


def numeric_bindings(window):
    for tab in (window.profile_tab, window.quota_tab, window.union_tab):
        assert tab is not None
    found = [
        b for b in window.binder.bindings
        if isinstance(b.widget, QLineEdit) and catalogue.field(b.key).kind in NUMERIC and not b.widget.isReadOnly()
    ]
    assert {catalogue.field(b.key).kind for b in found} == set(NUMERIC)
    return found


def type_text(qtbot, widget, text: str) -> None:
    """Key by key as a keyboard does; a character keyClicks cannot send (full-width digits) is
    committed as an input method does."""
    from PySide6.QtGui import QInputMethodEvent

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_text_in_any_numeric_field_is_stored_whole_or_not_at_all(qtbot, make_window, data):
    window = getattr(test_random_text_in_any_numeric_field_is_stored_whole_or_not_at_all, "window", None)
    if window is None or window.document is None:
        window = make_window()
        test_random_text_in_any_numeric_field_is_stored_whole_or_not_at_all.window = window
    bindings = numeric_bindings(window)
    binding = data.draw(st.sampled_from(bindings), label="field")
    widget = binding.widget
    window.tabs.setCurrentIndex(window.tabs.indexOf(next(t for t in window._form_tabs.values() if t.isAncestorOf(widget))))
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Return)  # whatever was there is finished typing
    before = window.document.value(binding.key)
    text = data.draw(TEXTS, label="typed")
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(qtbot, widget, text)
    assert widget.text() == text[: widget.maxLength()]  # nothing typed is taken out of view (but the length)
    try:
        expected = binding.read()
    except InputError:
        assert window.document.value(binding.key) == before, "a half-typed value was stored"
        assert binding.key in window.document.input_problems
        assert widget.property("finding") == "error"
    else:
        assert window.document.value(binding.key) == expected
        assert binding.input_problem is None  # (a second copy of the field may still hold its own text)
    assert window.document.save_now()
