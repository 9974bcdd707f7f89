"""使用帮助 (F1): a Chinese help page for the tab on screen, read offline, its links followed inside
the help window, its citations those of the rules."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from desktop832 import paths
from desktop832.ui.dialogs.help import INDEX, TAB_PAGES, HelpDialog
from desktop832.ui.main_window import TAB_PURCHASES, TAB_TITLES

ROOT = Path(__file__).resolve().parent.parent
HELP = ROOT / "docs" / "help"
LINK = re.compile(r"\]\(([^)\s]+)\)")
PAGES = sorted(HELP.glob("*.md"))


def test_every_tab_has_its_help_page_and_the_pages_are_where_the_app_reads_them():
    assert paths.help_dir() == HELP
    assert len(TAB_PAGES) == len(TAB_TITLES)
    for page, title in zip(TAB_PAGES, TAB_TITLES):
        text = (HELP / page).read_text("utf-8")
        assert text.startswith(f"# {title}\n"), page
        for section in ("## 要填写什么", "## 规则是什么意思", "## 数据和备份") if title != "概览" else ("## 数据和备份",):
            assert section in text, (page, section)
        assert "(data.md)" in text  # where the data lives and how to restore a backup


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_link_of_a_page_leads_to_another_page_here(page):
    links = LINK.findall(page.read_text("utf-8"))
    if page.name != "keyboard.md":
        assert links, "a page with no way back to the contents"
    for link in links:
        assert "://" not in link and not link.startswith("/"), f"{page.name}: {link} is not an offline page"
        assert (HELP / link.split("#")[0]).is_file(), f"{page.name}: {link} leads nowhere"


def test_every_page_can_be_reached_from_the_contents():
    seen, todo = set(), [INDEX]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [link.split("#")[0] for link in LINK.findall((HELP / name).read_text("utf-8"))]
    assert seen == {p.name for p in PAGES}


def test_the_help_quotes_the_notices_as_the_rules_do():
    """A quoted citation in the help is word for word one the shipped policy files give a rule."""
    rules = (ROOT / "docs" / "rules.md").read_text("utf-8")
    quoted = []
    for page in PAGES:
        for line in page.read_text("utf-8").splitlines():
            line = line.strip()
            if line.startswith("> "):
                quoted.append(line[2:])
                assert f"| {line[2:]} |" in rules, f"{page.name}: {line[2:]}"
    assert len(quoted) >= 15


def test_f1_on_each_tab_opens_that_tabs_help(qtbot, make_window):
    window = make_window(first_start=False)
    assert window.help_action.shortcut().toString() == "F1"
    assert window.policies_action.shortcut().isEmpty()  # F1 opened 政策文件 before
    for index, title in enumerate(TAB_TITLES):
        window.tabs.setCurrentIndex(index)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
        dialog = window.help_dialog
        assert dialog is not None and dialog.isVisible(), title
        assert dialog.page() == TAB_PAGES[index]
        shown = dialog.browser.toPlainText()
        assert shown.startswith(title) and "数据和备份" in shown, (title, shown[:80])
    assert str(window.workspace.store.path) in dialog.where_label.text()
    assert str(paths.backup_dir()) in dialog.where_label.text()
    dialog.close()


def test_links_are_followed_inside_the_help_window_and_back(qtbot, make_window):
    window = make_window(first_start=False)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    window.help_action.trigger()
    dialog = window.help_dialog
    browser = dialog.browser
    assert dialog.page() == "purchases.md"
    # the clerk clicks 数据与备份: the page opens in the same window, read from the file
    browser.setSource(browser.source().resolved(QUrl("data.md")))
    assert dialog.page() == "data.md" and browser.toPlainText().startswith("数据与备份")
    assert "怎样恢复备份" in browser.toPlainText()
    qtbot.mouseClick(dialog.back_button, Qt.MouseButton.LeftButton)
    assert dialog.page() == "purchases.md"
    qtbot.mouseClick(dialog.index_button, Qt.MouseButton.LeftButton)
    assert dialog.page() == "index.md" and browser.toPlainText().startswith("desktop832 使用帮助")
    for name in [p.name for p in PAGES]:  # every page renders, as Markdown (no "#" left in view)
        dialog.show_page(name)
        text = browser.toPlainText()
        assert text and not text.startswith("#"), name
        assert browser.document().toMarkdown().strip(), name
    dialog.close()


def test_help_menu_has_the_help_the_keys_the_policies_and_the_data_folder(qtbot, make_window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    window = make_window()
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [re.sub(r"\(&\w\)", "", a.text()) for a in help_menu.actions() if not a.isSeparator()]
    assert texts == ["使用帮助", "键盘操作", "政策文件…", "打开数据文件夹", "关于 desktop832"]
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    window.data_folder_action.trigger()
    assert opened == [str(window.workspace.store.path.parent)]
    window.keys_help_action.trigger()
    assert window.help_dialog.page() == "keyboard.md"
    window.help_dialog.close()


def test_the_keys_page_names_every_key_of_the_menus(make_window):
    from PySide6.QtGui import QKeySequence

    window = make_window()
    text = (HELP / "keyboard.md").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for menu in window.menuBar().actions():
        for action in menu.menu().actions():
            if not action.shortcuts():
                continue
            name = re.sub(r"\(&\w\)|…", "", action.text()).strip().split(" ")[0]
            keys = [key.toString(QKeySequence.SequenceFormat.PortableText) for key in action.shortcuts()]
            # redo has the platform's own key too (Alt+Shift+Backspace here): one of its keys is enough
            assert any(key in row and name in row for row in rows for key in keys), (name, keys)


def test_help_dialog_shows_any_page_without_a_window(qtbot):
    dialog = HelpDialog(None, "quota.md")
    qtbot.addWidget(dialog)
    assert dialog.page() == "quota.md" and "尚未打开数据文件" in dialog.where_label.text()
    assert dialog.browser.toPlainText().startswith("预留份额")
