"""Texts longer than their place are shortened with “…” and shown whole in the tooltip, never cut
mid-glyph: the policy chosen, the filing deadline, the letter's fonts, an exported file's path."""

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QScrollArea

from desktop832.ui import screen_fit
from desktop832.ui.main_window import TAB_QUOTA

SMALL = QRect(0, 0, 1024, 768)


def _quota_tab_at(qtbot, make_window, monkeypatch, space=SMALL):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: space)
    window = make_window()
    window.tabs.setCurrentIndex(TAB_QUOTA)
    tab = window.quota_tab
    qtbot.waitUntil(lambda: tab.isVisible() and tab.policy_combo.width() > 0)
    return window, tab


def test_the_policy_chosen_is_shortened_and_whole_in_its_tooltip(qtbot, make_window, monkeypatch):
    window, tab = _quota_tab_at(qtbot, make_window, monkeypatch)
    combo = tab.policy_combo
    full = combo.currentText()
    assert full.startswith("自动选择：") and len(full) > 20
    combo.setFixedWidth(combo.fontMetrics().horizontalAdvance(full) // 2)  # a narrow screen's share
    QApplication.processEvents()
    shown = combo.shown_text()
    assert shown.endswith("…") and full.startswith(shown[:-1]) and len(shown) < len(full)
    assert combo.toolTip() == full
    combo.setFixedWidth(combo.fontMetrics().horizontalAdvance(full) + 80)  # room for all of it
    QApplication.processEvents()
    assert combo.shown_text() == full and combo.toolTip() == ""


def test_the_policy_combo_no_longer_widens_the_tab_at_1024(qtbot, make_window, monkeypatch):
    """At 1024x768 the tab fits beside the findings panel: no sideways scrolling for the combo."""
    window, tab = _quota_tab_at(qtbot, make_window, monkeypatch)
    combo = tab.policy_combo
    assert combo.minimumSizeHint().width() < combo.fontMetrics().horizontalAdvance(combo.currentText()) // 2
    scroll = tab.findChild(QScrollArea, "scroll_area")
    QApplication.processEvents()
    assert scroll.horizontalScrollBar().maximum() == 0, scroll.widget().minimumSizeHint()


def test_a_deadline_label_too_narrow_shows_the_start_and_all_of_it_in_the_tooltip(qtbot, make_window, monkeypatch):
    window, tab = _quota_tab_at(qtbot, make_window, monkeypatch)
    label = tab.deadline_label
    full = label.text()
    assert "天" in full  # e.g. 2024-02-20（还有 19 天）
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(full) // 2)
    QApplication.processEvents()
    assert label.is_elided() and label.shown_text().endswith("…")
    assert label.text() == full and label.toolTip() == full
    label.setFixedWidth(label.fontMetrics().horizontalAdvance(full) + 40)
    QApplication.processEvents()
    assert not label.is_elided() and label.shown_text() == full and label.toolTip() == ""


def test_the_letter_font_line_is_one_whole_line_with_the_rest_in_its_tooltip(qtbot, make_window, monkeypatch):
    """The 字体 line used to wrap in a row one line high, losing the tops of its glyphs."""
    from desktop832.ui.dialogs.letter import LetterDialog

    monkeypatch.setattr(screen_fit, "available", lambda widget=None: QRect(0, 0, 1280, 720))
    window = make_window()
    document = window.document
    dialog = LetterDialog(window, document.profile, document.plan, document.policy, window.workspace.today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    label = dialog.form.font_label
    qtbot.waitUntil(lambda: bool(label.text()))
    line = label.fontMetrics().height()
    assert label.height() >= line  # the whole height of the glyphs
    assert "\n" not in label.shown_text()
    tip = label.toolTip()
    assert "仿宋" in tip  # the explanation is always there
    if label.is_elided():
        assert tip.startswith(label.text())
