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


def test_the_deadline_is_shown_whole_at_1024(qtbot, make_window, monkeypatch):
    """“2024-02-20（已逾期 1017 天）” is what the clerk needs to read: it wraps, never “已逾期 10…”."""
    window, tab = _quota_tab_at(qtbot, make_window, monkeypatch)
    label = tab.deadline_label
    assert "天" in label.text() and label.wordWrap()
    QApplication.processEvents()
    lines = -(-label.fontMetrics().horizontalAdvance(label.text()) // max(1, label.width()))
    assert label.height() >= lines * label.fontMetrics().height()  # every line in full


def test_the_profile_columns_go_one_under_the_other_when_the_tab_is_narrow(qtbot, make_window, monkeypatch):
    """At 1024x768 the unit's and the canteen's groups do not fit side by side beside the
    findings: they stack, and the tab scrolls down instead of cutting the canteen group off."""
    from desktop832.ui.main_window import TAB_PROFILE

    for space, side_by_side in ((QRect(0, 0, 1920, 1080), True), (SMALL, False)):
        monkeypatch.setattr(screen_fit, "available", lambda widget=None, s=space: s)
        window = make_window()
        window.resize(screen_fit.fitted(window.size().expandedTo(space.size()), space))
        window.tabs.setCurrentIndex(TAB_PROFILE)
        tab = window.profile_tab
        qtbot.waitUntil(tab.isVisible)
        QApplication.processEvents()
        scroll = tab.findChild(QScrollArea, "scroll_area")
        assert scroll.horizontalScrollBar().maximum() == 0, space  # nothing cut off at the side
        canteen = tab.canteen_mode_combo.mapTo(tab, tab.canteen_mode_combo.rect().topLeft())
        name = tab.name_edit.mapTo(tab, tab.name_edit.rect().topLeft())
        assert (canteen.y() < name.y() + 200) is side_by_side, space
        window.close()


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


def test_choosing_no_canteen_changes_what_is_shown_not_the_layout(qtbot, make_window, monkeypatch):
    """无食堂 (or any other mode) shows its own fields in the same place; nothing else on the
    profile tab moves or changes size."""
    from desktop832.domain.model import CanteenMode
    from desktop832.ui.main_window import TAB_PROFILE

    from .gui_helpers import choose

    monkeypatch.setattr(screen_fit, "available", lambda widget=None: SMALL)
    window = make_window()
    window.tabs.setCurrentIndex(TAB_PROFILE)
    tab = window.profile_tab
    qtbot.waitUntil(tab.isVisible)
    contents = tab.findChild(QScrollArea, "scroll_area").widget()
    watched = [tab.name_edit, tab.canteen_mode_combo, tab.canteen_hint_label, tab.union_members_edit, tab.phone_edit,
               contents]

    def geometry():
        QApplication.processEvents()
        return [(w.mapTo(tab, w.rect().topLeft()), w.size()) for w in watched]

    before = geometry()
    for mode in (CanteenMode.NONE, CanteenMode.OUTSOURCED, CanteenMode.SHARED, CanteenMode.OWN, CanteenMode.NONE):
        choose(tab.canteen_mode_combo, mode.value)
        qtbot.waitUntil(lambda: window.document.profile.canteen_mode is mode)
        assert geometry() == before, mode
    assert tab.none_group.isVisible() and tab.letter_button.isVisible()
    assert not tab.outsourced_group.isVisible()


def test_the_findings_panel_and_the_tabs_keep_their_minimum_widths(qtbot, make_window, monkeypatch):
    """Dragging the separator as far as it goes: the findings keep their words beside their icons,
    the tabs their labels and fields; neither collapses."""
    from PySide6.QtCore import Qt

    monkeypatch.setattr(screen_fit, "available", lambda widget=None: SMALL)
    window = make_window()
    dock, tabs = window.findings_dock, window.tabs
    panel = window.findings_panel
    em = window.fontMetrics().horizontalAdvance("中")
    window.resizeDocks([dock], [1], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    assert dock.width() >= dock.minimumWidth() >= 14 * em
    assert panel.list.viewport().width() >= 10 * em  # room for words, not only the icons
    assert dock.isVisible() and panel.list.count() > 0
    window.resizeDocks([dock], [5000], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    assert tabs.width() >= tabs.minimumWidth() >= 28 * em
    assert dock.width() <= window.width() - tabs.minimumWidth()


def test_a_long_path_in_the_status_bar_does_not_widen_the_window(qtbot, make_window, monkeypatch, tmp_path):
    monkeypatch.setattr(screen_fit, "available", lambda widget=None: SMALL)
    folder = tmp_path.joinpath(*["很长的文件夹名称" * 2] * 8)
    folder.mkdir(parents=True)
    window = make_window(folder / "单位.sqlite")
    label = window.save_label
    QApplication.processEvents()
    assert str(folder) in label.text()
    assert window.minimumSizeHint().width() <= SMALL.width()
    assert label.is_elided() and label.toolTip() == label.text()
    assert label.shown_text().endswith("单位.sqlite")  # shortened in the middle: the file name stays
    assert window.policy_label.text() and not window.policy_label.is_elided()  # the path gives way first


def test_a_label_given_the_width_it_asks_for_shows_its_whole_text(qtbot, configured_app):
    from desktop832.ui.elide import ElidedLabel

    for text in ("2026 年度没有适用的政策文件", "适用政策：全国 2024 年度（财办库〔2023〕252号，未核对原文）", "a", "中"):
        label = ElidedLabel(text=text)
        qtbot.addWidget(label)
        label.resize(label.sizeHint())
        label.show()
        QApplication.processEvents()
        assert not label.is_elided() and label.toolTip() == "", text
        label.resize(label.minimumSizeHint())
        QApplication.processEvents()
        assert label.shown_text() == text or label.toolTip() == text


def test_the_letter_splitter_keeps_both_sides(qtbot, make_window, monkeypatch):
    """Dragged either way, neither the fields nor the preview collapse."""
    from PySide6.QtWidgets import QSplitter

    from desktop832.ui.dialogs.letter import LetterDialog

    monkeypatch.setattr(screen_fit, "available", lambda widget=None: SMALL)
    window = make_window()
    document = window.document
    dialog = LetterDialog(window, document.profile, document.plan, document.policy, window.workspace.today)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    splitter = dialog.findChild(QSplitter, "splitter")
    assert not splitter.childrenCollapsible()
    fields, preview = splitter.widget(0), splitter.widget(1)
    for sizes in ([0, 10_000], [10_000, 0]):
        splitter.setSizes(sizes)
        QApplication.processEvents()
        assert fields.width() >= screen_fit.SCROLL_MINIMUM.width(), sizes
        assert dialog.view.width() >= 420 and preview.width() > 0, sizes
