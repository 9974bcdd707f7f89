"""The main window: menus, year selector, tabs, findings panel, status bar.

It paints first, with placeholders, and opens the data file right after (SQLAlchemy costs more
than the window); each tab is built from its Designer form when first shown or asked for, the form
tabs not on screen shortly after the data is. Everything the clerk edits flows
widget → Binder → UnitDocument (undoable edit, rules, autosave) → every widget and the panel.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QLabel, QMainWindow, QMessageBox, QScrollArea, QSizePolicy, QTabWidget,
    QToolBar, QWidget,
)

from .. import paths
from . import file_dialogs
from .settings import app_settings
from .icons import icon
from .start import LAST_FILE_KEY, remembered

TAB_OVERVIEW, TAB_PROFILE, TAB_QUOTA, TAB_UNION, TAB_PURCHASES = range(5)
FORM_TABS = (TAB_OVERVIEW, TAB_PROFILE, TAB_QUOTA, TAB_UNION)
FORM_TABS_AFTER_MS = 50  # the form tabs not on screen are built this long after a file opens
TAB_TITLES = ("概览", "单位信息", "预留份额", "工会预算", "采购记录")
FINDINGS_MIN_CHARS, FINDINGS_MIN_PX = 14, 260  # the findings panel never narrower (words, not only icons)
TABS_MIN_CHARS = 28  # nor the tabs beside it
# the first start's size: on a 1366x768 laptop the window takes the screen's width (the purchase
# log's columns and the findings need it); on a big screen it stays a window, not a wall
FIRST_SIZE = (1440, 900)


# the letter of each menu command (Alt+F then N: 新建数据文件), unique within its menu
MNEMONICS = {
    "新建数据文件…": "N", "打开数据文件…": "O", "立即保存": "S", "备份与恢复…": "B", "导出上报文件…": "E",
    "导入平台订单…": "I", "核验上报文件…": "V", "打印承诺函…": "L", "年度采购情况报告…": "R", "导出证据包…": "Z", "退出": "X", "政策文件…": "P",
    "关于 desktop832": "A", "新建年度政策…": "N", "编辑政策…": "E", "复制政策…": "C", "删除政策…": "D",
    "导入政策文件…": "I", "导出政策文件…": "X", "新增采购…": "N", "删除采购": "D",
    "使用帮助": "H", "键盘操作": "K", "打开数据文件夹": "D",
}


def with_mnemonic(text: str) -> str:
    """“新建数据文件(&N)…”: the Chinese way of showing a menu letter, before the ellipsis."""
    from .mnemonics import with_letter

    key = MNEMONICS.get(text)
    return text if key is None else with_letter(text, key)


class MainWindow(QMainWindow):
    documentOpened = Signal()

    def __init__(self, parent: QWidget | None = None, today=None):
        super().__init__(parent)
        self.today = today  # fixed "today" for tests and demonstrations; None: the real date
        self.settings = app_settings()
        self.undo_stack = QUndoStack(self)
        self.workspace = None
        self.document = None
        self.binder = None  # made with the first form tab
        self._form_tabs: dict[int, QWidget] = {}  # built when first shown or asked for: see form_tab
        self._welcome = False  # the profile tab greets a clerk whose unit has no name yet
        self.readonly = False
        self._purchase_tab = None  # built when first shown or asked for: see purchase_tab
        self._purchase_tab_stale = False
        self.tabs_built = False
        self.help_dialog = None  # made by the first 使用帮助 (F1)
        self.setWindowIcon(icon("desktop832"))
        self.setWindowTitle("desktop832")
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        for title in TAB_TITLES:
            self.tabs.addTab(QLabel(self.tr("正在打开数据文件…"), alignment=Qt.AlignmentFlag.AlignCenter), title)
        # the tabs keep room for a form's labels and fields when the findings panel is widened
        self.tabs.setMinimumWidth(TABS_MIN_CHARS * self.fontMetrics().horizontalAdvance("中"))
        self.setCentralWidget(self.tabs)
        self._build_findings_dock()
        self._build_status_bar()
        from PySide6.QtCore import QSize

        from .screen_fit import fit_to_screen

        fit_to_screen(self, QSize(*FIRST_SIZE))  # at most what the screen has free
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)

    # --- building -----------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, tip: str = "", fallback: str = "") -> QAction:
        action = QAction(with_mnemonic(text), self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if fallback and action.shortcut().isEmpty():
            # some platforms define no standard key for this (Quit on Windows): use the common one
            action.setShortcut(QKeySequence(fallback))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.new_action = self._action(self.tr("新建数据文件…"), self.new_database, K.New)
        self.open_action = self._action(self.tr("打开数据文件…"), self.choose_database, K.Open)
        self.save_action = self._action(
            self.tr("立即保存"), self.save_now, K.Save, self.tr("修改会自动保存，此项立即写入"), fallback="Ctrl+S"
        )
        self.backup_action = self._action(self.tr("备份与恢复…"), self.backup)
        self.export_action = self._action(self.tr("导出上报文件…"), self.export, "Ctrl+E")
        self.import_action = self._action(self.tr("导入平台订单…"), self.import_orders, "Ctrl+I")
        self.verify_action = self._action(self.tr("核验上报文件…"), self.verify)
        self.letter_action = self._action(self.tr("打印承诺函…"), self.print_letter, K.Print, fallback="Ctrl+P")
        self.report_action = self._action(
            self.tr("年度采购情况报告…"), self.year_report, tip=self.tr("本年度的采购情况报告（PDF）：预留、完成、图表、未付款与证据索引")
        )
        self.evidence_action = self._action(
            self.tr("导出证据包…"), self.evidence_pack, tip=self.tr("本年度的全部附件、证据索引和年度采购情况报告，打包为 zip")
        )
        self.quit_action = self._action(self.tr("退出"), self.close, K.Quit, fallback="Ctrl+Q")
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("撤销(&U)"))
        self.undo_action.setShortcut(QKeySequence(K.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("重做(&R)"))
        # the platform's own redo keys plus both common ones, each once (a key bound twice is
        # ambiguous to Qt, and then neither binding fires)
        redo_keys = QKeySequence.keyBindings(K.Redo) + [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]
        self.redo_action.setShortcuts(list({key.toString(): key for key in redo_keys}.values()))
        self.help_action = self._action(
            self.tr("使用帮助"), lambda: self.show_help(), K.HelpContents, self.tr("当前页的帮助：要填写什么，规则的意思，数据和备份"),
            fallback="F1",
        )
        self.keys_help_action = self._action(self.tr("键盘操作"), lambda: self.show_help("keyboard.md"))
        self.policies_action = self._action(self.tr("政策文件…"), self.show_policies)
        self.data_folder_action = self._action(self.tr("打开数据文件夹"), self.open_data_folder)
        self.about_action = self._action(self.tr("关于 desktop832"), self.about)
        self.new_policy_action = self._action(self.tr("新建年度政策…"), self.new_policy)
        self.edit_policy_action = self._action(self.tr("编辑政策…"), self.edit_policy)
        self.duplicate_policy_action = self._action(self.tr("复制政策…"), self.duplicate_policy)
        self.remove_policy_action = self._action(self.tr("删除政策…"), self.remove_policy)
        self.import_policy_action = self._action(self.tr("导入政策文件…"), self.load_policy_file)
        self.export_policy_action = self._action(self.tr("导出政策文件…"), self.export_policy)
        self.policy_actions = [
            self.new_policy_action, self.edit_policy_action, self.duplicate_policy_action, self.remove_policy_action,
            self.import_policy_action, self.export_policy_action,
        ]
        # the purchase log's own commands, in the 编辑 menu so their keys are shown; the log takes
        # these actions as its own (right-click menu, buttons' state) once it is built. 删除采购's
        # Del works only while the table has the focus (in a text field Del deletes text)
        self.add_purchase_action = self._action(self.tr("新增采购…"), lambda: None, "Ctrl+Shift+N")
        self.delete_purchase_action = self._action(self.tr("删除采购"), lambda: None, K.Delete)
        self.delete_purchase_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        for action in (self.add_purchase_action, self.delete_purchase_action):
            action.setShortcutVisibleInContextMenu(True)
            action.setEnabled(False)  # until the purchase log is on screen
        self.document_actions = [  # need an open data file; verifying an export does not
            self.save_action, self.backup_action, self.export_action, self.import_action, self.letter_action,
            self.report_action, self.evidence_action, *self.policy_actions,
        ]
        for action in self.document_actions:
            action.setEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        for action in (self.new_action, self.open_action, self.save_action, self.backup_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.export_action, self.import_action, self.verify_action, self.letter_action, self.report_action,
                       self.evidence_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(self.tr("编辑(&E)"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.add_purchase_action)
        edit_menu.addAction(self.delete_purchase_action)
        policy_menu = bar.addMenu(self.tr("政策(&P)"))
        policy_menu.setObjectName("policy_menu")
        for action in self.policy_actions[:4]:
            policy_menu.addAction(action)
        policy_menu.addSeparator()
        for action in self.policy_actions[4:]:
            policy_menu.addAction(action)
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        for action in (self.help_action, self.keys_help_action, self.policies_action, self.data_folder_action):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("年度"))
        toolbar.setObjectName("year_toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(self.tr(" 年度：")))
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year_combo")
        self.year_combo.setMinimumContentsLength(12)
        self.year_combo.activated.connect(self._year_chosen)
        toolbar.addWidget(self.year_combo)
        self.addToolBar(toolbar)

    def _build_findings_dock(self) -> None:
        dock = QDockWidget(self.tr("检查结果"), self)
        dock.setObjectName("findings_dock")
        dock.setWidget(QLabel(self.tr("正在检查…"), alignment=Qt.AlignmentFlag.AlignCenter))
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        # wide enough for a finding's words beside its icon, whatever the font size or scaling
        em = self.fontMetrics().horizontalAdvance("中")
        dock.setMinimumWidth(max(FINDINGS_MIN_PX, FINDINGS_MIN_CHARS * em + 60))
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.findings_dock = dock
        self._findings_panel = None  # built by the first open: see findings_panel

    @property
    def findings_panel(self):
        """The findings list, built on first use (the first open builds it before the store).

        Until a file is open there are no findings to list, and Qt's item-view classes it needs
        cost as much to load as a tenth of the bare window: the first paint shows a placeholder.
        """
        self._build_findings_panel()
        return self._findings_panel

    def _build_findings_panel(self) -> None:
        if self._findings_panel is not None:
            return
        from .findings_panel import FindingsPanel

        panel = FindingsPanel()
        panel.activated.connect(self.go_to_finding)
        panel.shown_finding.connect(
            lambda finding: None if getattr(self, "_replacing_tab", False) else self.go_to_finding(finding, focus=False)
        )
        placeholder = self.findings_dock.widget()
        self.findings_dock.setWidget(panel)
        placeholder.deleteLater()
        self._findings_panel = panel

    def _build_status_bar(self) -> None:
        from .elide import ElidedLabel

        # a long path or policy name is shortened with “…” (whole in the tooltip): it must not
        # make the window wider than a small screen
        self.save_label = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)
        self.save_label.setObjectName("save_label")
        # it takes what the policy's name leaves (that one is shortened only when there is no room)
        self.save_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.policy_label = ElidedLabel()
        self.policy_label.setObjectName("policy_label")
        self.statusBar().addWidget(self.save_label, 1)
        self.statusBar().addPermanentWidget(self.policy_label)

    def _build_first_view(self, first: int) -> None:
        """The binder, the form tab shown first and the findings panel; they need no data file.

        The first open makes them before it imports the store, so Qt lays out the forms while a
        worker thread is still importing SQLAlchemy (see ``app.preload_store_libraries``). The
        other form tabs are built after the data is shown (``_build_next_form_tab``).
        """
        self._make_binder()
        if first in FORM_TABS:
            self.form_tab(first)
        self._build_findings_panel()

    def _make_binder(self) -> None:
        if self.binder is None:
            from .binding import Binder

            self.binder = Binder(self)
            self.binder.edited.connect(lambda key, value: self.document.edit(key, value))
            self.binder.problemsChanged.connect(
                lambda problems: self.document.set_input_problems(problems) if self.document is not None else None
            )

    def form_tab(self, index: int) -> QWidget:
        """The form tab at ``index``, built the first time it is shown or asked for.

        Like Frescobaldi's panels: loading a Designer form and binding its fields costs about
        15 ms a tab, and at start-up only the tab on screen should make the clerk wait for it.
        """
        tab = self._form_tabs.get(index)
        return tab if tab is not None else self._build_form_tab(index)

    overview_tab = property(lambda self: self.form_tab(TAB_OVERVIEW))
    profile_tab = property(lambda self: self.form_tab(TAB_PROFILE))
    quota_tab = property(lambda self: self.form_tab(TAB_QUOTA))
    union_tab = property(lambda self: self.form_tab(TAB_UNION))

    def _build_form_tab(self, index: int) -> QWidget:
        self._make_binder()
        if index == TAB_OVERVIEW:
            from .tabs.overview import OverviewTab

            tab = OverviewTab()
            tab.findingActivated.connect(self.go_to_finding)
            tab.monthActivated.connect(self.show_month_in_log)
        elif index == TAB_PROFILE:
            from .tabs.profile import ProfileTab

            tab = ProfileTab()
            tab.bind(self.binder)
            tab.bind_union(self.binder)
            tab.show_welcome(self._welcome)
            tab.letterRequested.connect(self.print_letter)
        elif index == TAB_QUOTA:
            from .tabs.quota import QuotaTab

            tab = QuotaTab()
            tab.bind(self.binder)
            tab.policyChosen.connect(lambda policy_id: self.document.edit("plan.policy_id", policy_id))
            tab.loadPolicyRequested.connect(self.load_policy_file)
            tab.recordAnswerRequested.connect(self.record_filing_answer)
        elif index == TAB_UNION:
            from .tabs.union import UnionTab

            tab = UnionTab()
            tab.bind(self.binder)
        else:
            raise ValueError(f"no form tab at {index}")
        self._form_tabs[index] = tab
        if self.tabs_built:
            self._replace_tab(index, tab)
        if self.document is not None and self.workspace is not None:  # built after the file was opened: catch up
            self.binder.refresh(self.document.value)
            tab.refresh(self.document)
            if index == TAB_QUOTA:
                self._offer_policies()
        return tab

    def _build_next_form_tab(self) -> None:
        """After the data is shown, the remaining form tabs are built one per event-loop turn,
        so the window answers the clerk in between and a tab clicked later is ready."""
        missing = [index for index in FORM_TABS if index not in self._form_tabs]
        if missing and self.document is not None and self.workspace is not None:  # not once closed
            self.form_tab(missing[0])
            if len(missing) > 1:
                QTimer.singleShot(0, self, self._build_next_form_tab)

    def _install_tabs(self) -> None:
        """Put the tabs built so far in place of their placeholders, on the first file opened."""
        for index, tab in self._form_tabs.items():
            self._replace_tab(index, tab)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.tabs_built = True

    def _tab_shown(self, index: int) -> None:
        if index in FORM_TABS:
            self.form_tab(index)
        self._refresh_purchase_tab()
        if self._purchase_tab is not None:  # its 编辑 menu commands apply while it is shown
            self._purchase_tab.set_on_screen(index == TAB_PURCHASES)

    def _replace_tab(self, index: int, widget: QWidget) -> None:
        self._replacing_tab = True  # focus moves while a tab is out: nothing may switch tabs meanwhile
        current = self.tabs.currentIndex()
        blocker = QSignalBlocker(self.tabs)  # the tab the clerk sees stays the same: say nothing
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, TAB_TITLES[index])
        self.tabs.setCurrentIndex(current)
        blocker.unblock()
        self._replacing_tab = False
        old.deleteLater()

    @property
    def purchase_tab(self):
        """The purchase log tab, built the first time it is shown or asked for.

        Like a panel built when first opened: start-up, and a clerk who only works in the forms,
        never pay for its imports and queries. ``None`` before a file is open.
        """
        if self._purchase_tab is None and self.tabs_built:
            from .purchases.log import PurchaseLogTab

            # the one "purchases changed" path: the document updates the running tally and re-checks
            tab = PurchaseLogTab(
                self.workspace, self.undo_stack,
                purchases_changed=lambda **write: self.document.purchases_written(**write),
                add_action=self.add_purchase_action, delete_action=self.delete_purchase_action,
            )
            tab.status.connect(lambda text: self.statusBar().showMessage(text, 15000))
            tab.set_on_screen(self.tabs.currentIndex() == TAB_PURCHASES)
            self._purchase_tab = tab
            self._purchase_tab_stale = True
            self._replace_tab(TAB_PURCHASES, tab)
        return self._purchase_tab

    # --- opening ------------------------------------------------------------------------------

    def open_database(self, path: Path, *, first_start: bool = False, temporary: bool = False) -> bool:
        """Open (or create) a data file; on a known problem say so and keep the current one.

        One writer per file: another instance's lock offers read-only viewing instead. A
        ``temporary`` file (the demo copy) is neither remembered for the next start nor backed up.
        """
        # What needs no SQLAlchemy comes first: at start-up a worker is still importing it
        # (app.preload_store_libraries), and this work fills that wait instead of following it.
        self._build_first_view(TAB_PROFILE if first_start else self.settings.value("window/tab", TAB_OVERVIEW, type=int))
        from ..app.policies import PolicyLibrary
        from ..store.errors import StoreError
        from .dialogs.backup import explain_open_failure, start_open_backup
        from .document import UnitDocument
        from .dialogs.file_lock import choose_open_mode

        library = PolicyLibrary()

        path = Path(path).expanduser().absolute()
        if self.document is not None and not self.document.save_now():
            return False
        previous = Path(self.workspace.store.path) if self.workspace is not None else None
        if not path.exists():
            # a first start: the user data folder may not exist yet, and the lock goes beside the file
            with contextlib.suppress(OSError):  # an unusable folder is reported by the lock below
                paths.make_private_dir(path.parent)
        mode, lock = choose_open_mode(self, path)
        if mode == "cancel":
            return False
        readonly = mode == "readonly"
        from ..store.database import Store
        from ..app.workspace import Workspace

        try:
            # only a new file is set up: an empty or unmarked file chosen to open is refused
            create = first_start or not path.exists()
            store = Store.open(path, readonly=readonly, backup_dir=paths.backup_dir(), create=create)
        except StoreError as exc:
            if not readonly and path != previous:
                lock.release()
            return explain_open_failure(self, path, exc, reopen=self.open_database)
        if self.workspace is not None:
            if previous == path:
                self.workspace.lock = None  # the same file again: its lock passes to the new workspace
            self.workspace.close()  # releases the lock it owns (another file's)
        # the workspace owns the lock from here and releases it in close(), as the CLI's does
        workspace = Workspace(store, library, today=self.today, lock=None if readonly else lock)
        self.workspace = workspace
        self.readonly = readonly
        self.undo_stack.clear()
        if not readonly:  # no undo can need them now: removed attachments' bytes go
            from ..app.attachments import tidy

            with contextlib.suppress(StoreError):
                tidy(workspace)
        if not self.tabs_built:
            self._install_tabs()
        elif self._purchase_tab is not None:
            self._purchase_tab.set_workspace(workspace)
        self.document = UnitDocument(workspace, self.undo_stack, self)
        self.document.changed.connect(self._document_changed)
        self.document.saveStateChanged.connect(self._save_state_changed)
        years = self.document.years()
        last_year = self.settings.value("document/year", type=int)
        year = last_year if last_year in years else (years[-1] if years else workspace.today.year)
        self.document.load_year(year, create=not years and not readonly)
        for action in self.document_actions:
            action.setEnabled(True)
        for action in (self.save_action, self.import_action, self.export_action):
            action.setEnabled(not readonly)
        self.binder.set_read_only(readonly)
        if not temporary:
            self.settings.setValue(LAST_FILE_KEY, remembered(path))
        welcome = (first_start or not self.document.profile.name) and not readonly
        self._welcome = welcome
        if welcome or TAB_PROFILE in self._form_tabs:
            self.profile_tab.show_welcome(welcome)
        if welcome:
            self.tabs.setCurrentIndex(TAB_PROFILE)
            self.profile_tab.name_edit.setFocus()
            self._save_state_changed(self.tr("已建立新的数据文件：%s") % path if first_start else self.tr("请先填写单位信息"), True)
        else:
            opened = self.tr("已以只读方式打开 %s：不能修改") if readonly else self.tr("已打开 %s")
            note = store.reading_note  # how a file in a read-only folder was read, in plain words
            self._save_state_changed(opened % path + (f"（{note}）" if note else ""), True)
            self.tabs.setCurrentIndex(self.settings.value("window/tab", TAB_OVERVIEW, type=int))
        if not readonly and not temporary:
            # a rotating copy on every open, on a worker thread: the window stays responsive
            start_open_backup(self, path, report=lambda text: self.statusBar().showMessage(text, 15000))
        self._tab_shown(self.tabs.currentIndex())  # the tab on screen, if it was not built yet
        if not welcome:
            self._focus_first_field()  # so the keyboard works at once (Ctrl+Tab, Tab, typing)
        # the other form tabs once the data is on screen: Qt paints on a short timer of its own,
        # which a zero timer set now would run ahead of
        QTimer.singleShot(FORM_TABS_AFTER_MS, self, self._build_next_form_tab)
        self.documentOpened.emit()
        return True

    def choose_database(self) -> None:
        path = self.ask_for_data_file()
        if path is not None:
            self.open_database(path)

    def ask_for_data_file(self) -> Path | None:
        path, _ = file_dialogs.get_open_file_name(
            self, self.tr("打开数据文件"), str(self._data_folder()), self.tr("desktop832 数据文件 (*.sqlite *.db);;所有文件 (*)")
        )
        return Path(path) if path else None

    def new_database(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self, self.tr("新建数据文件"), str(self._data_folder() / "新单位.sqlite"), self.tr("desktop832 数据文件 (*.sqlite)")
        )
        if not path:
            return
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            QMessageBox.warning(self, self.tr("文件已存在"), self.tr("为避免覆盖已有数据，请选择一个新的文件名。"))
            return
        self.open_database(path, first_start=True)

    def _data_folder(self) -> Path:
        return Path(self.workspace.store.path).parent if self.workspace else paths.data_dir()

    # --- reacting to the document -------------------------------------------------------------

    def _document_changed(self, source: str) -> None:
        document = self.document
        self.binder.refresh(document.value)
        for key in ("plan.last_year_amount", "plan.last_year_ratio"):  # taken from last year's plan
            self.binder.set_locked(key, document.last_year_planned)
        self.binder.set_locked("plan.last_year_union_reserve", document.last_year_union_planned)
        self.binder.mark(document.findings)
        for tab in self._form_tabs.values():  # a tab not built yet catches up when it is
            tab.refresh(document)
        if self._welcome:
            self._end_welcome_when_profile_complete()
        self.findings_panel.set_findings(document.findings)
        policy_sources = ("load", "policy", "profile.province", "profile.city", "profile.county", "profile.level", "plan.policy_id", "undo")
        if source in policy_sources and TAB_QUOTA in self._form_tabs:
            self._offer_policies()
        if source != "purchases":
            # the reserve and canteen mode feed its summary; a hidden tab catches up when shown
            self._purchase_tab_stale = True
            self._refresh_purchase_tab()
        if source == "load":
            self._fill_year_combo()
        self.policy_label.setText(
            self.tr("适用政策：%s") % document.policy.name if document.policy
            else self.tr("%d 年度没有适用的政策文件") % document.plan.year
        )
        if document.selection is not None:
            self.policy_label.setNote("\n".join(document.selection.lines))
        name = document.profile.name or self.tr("未命名单位")
        mark = self.tr("（只读）") if self.readonly else ""
        self.setWindowTitle(f"{name} — {Path(self.workspace.store.path).name}{mark}[*] — desktop832")
        self.setWindowModified(document.dirty)

    def _end_welcome_when_profile_complete(self) -> None:
        """The greeting asks for the unit's details: once nothing of them is missing, it goes
        (and stays gone: it does not come back while the clerk corrects a field)."""
        from ..domain.rules import profile_findings

        if not profile_findings(self.document.profile, self.document.year):
            self._welcome = False
            if TAB_PROFILE in self._form_tabs:
                self.profile_tab.show_welcome(False)

    def _offer_policies(self) -> None:
        """The quota tab's choice of policy file: every one loaded, naming the one that applies."""
        document = self.document
        automatic = self.workspace.library.for_plan(document.profile, document.plan.with_(policy_id=""))
        same_year = [p for p in self.workspace.library if p.year == document.plan.year]  # never another year's
        self.quota_tab.set_policies(
            same_year, automatic.name if automatic else self.tr("无（本年度没有政策文件）"), document.plan.policy_id
        )

    def _refresh_purchase_tab(self) -> None:
        """Bring the purchase log up to date, but only while the clerk looks at it.

        A hidden (or not yet built) log stays stale and catches up when its tab is chosen."""
        document = self.document
        if self.tabs.currentIndex() != TAB_PURCHASES or document is None:
            return
        tab = self.purchase_tab  # built the first time it is shown
        if tab is not None and self._purchase_tab_stale and document.policy is not None:
            self._purchase_tab_stale = False
            tab.set_year(document.year, document.plan, document.policy, document.profile)

    def _save_state_changed(self, text: str, ok: bool) -> None:
        self.save_label.setText(text)
        from .palette import set_tone

        set_tone(self.save_label, None if ok else "error")
        self.save_label.setStyleSheet("" if ok else "font-weight: bold")
        if self.document is not None:
            self.setWindowModified(self.document.dirty)

    def _fill_year_combo(self) -> None:
        """Every year from the file's first plan to next year, those in between without a plan
        too (a clerk who skipped a year can still enter it); a year without a plan says so."""
        combo = self.year_combo
        combo.blockSignals(True)
        combo.clear()
        stored = set(self.document.years()) | {self.document.year}
        last = max(max(stored), self.workspace.today.year) + 1
        for year in range(min(stored), last + 1):
            text = self.tr("%d 年度") % year if year in stored else self.tr("新建 %d 年度…") % year
            combo.addItem(text, year)
        combo.setCurrentIndex(combo.findData(self.document.year))
        combo.blockSignals(False)

    def _year_chosen(self, index: int) -> None:
        year = self.year_combo.itemData(index)
        if year != self.document.year:
            self.document.load_year(year, create=year not in self.document.years())
        self.settings.setValue("document/year", year)

    # --- findings navigation ------------------------------------------------------------------

    def go_to_finding(self, finding, focus: bool = True) -> None:
        """Switch to the tab of the finding's first field and put the cursor there (with
        ``focus`` False only show it: the findings list keeps the focus for the arrow keys)."""
        for index in FORM_TABS:  # the field may be on a tab not built yet
            self.form_tab(index)
        for key in finding.fields:
            if key == "purchases":
                self.tabs.setCurrentIndex(TAB_PURCHASES)
                return
            widget = self.binder.widget_for(key)
            if widget is None:
                continue
            self._show_tab_of(widget)
            if not widget.isVisible() and key == "plan.policy_id":
                continue
            self._focus_field(widget, focus)
            return
        if finding.fields and finding.fields[0] == "plan.policy_id":
            self.tabs.setCurrentIndex(TAB_QUOTA)
            if focus:
                self.quota_tab.policy_combo.setFocus()

    def _focus_first_field(self) -> None:
        """The cursor in the first field of the tab on screen; on a tab without fields, its tab bar."""
        tab = self.tabs.currentWidget()
        widget = tab.nextInFocusChain() if tab is not None else None
        for _ in range(1000):
            if widget is None or widget is tab or not tab.isAncestorOf(widget):
                break
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isEnabled() and widget.isVisibleTo(tab):
                widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
            widget = widget.nextInFocusChain()
        self.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_tab_of(self, widget: QWidget) -> None:
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
                return

    def _focus_field(self, widget: QWidget, focus: bool = True) -> None:
        """Show the field's tab, scroll it into view and (with ``focus``) put the cursor in it."""
        self._show_tab_of(widget)
        scroll = widget.parent()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parent()
        if scroll is not None:
            scroll.ensureWidgetVisible(widget)
        if focus:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- commands -----------------------------------------------------------------------------

    def save_now(self) -> None:
        if self.document is not None:
            self.document.save_now()

    def backup(self) -> None:
        from .dialogs.backup import run_backup

        run_backup(self)

    def export(self) -> None:
        self._feature("export")

    def import_orders(self) -> None:
        self._feature("import_orders")

    def verify(self) -> None:
        self._feature("verify")

    def print_letter(self) -> None:
        self._feature("letter")

    def year_report(self) -> None:
        self._feature("report")

    def evidence_pack(self) -> None:
        self._feature("evidence")

    def _feature(self, name: str) -> None:
        from .features import run_feature

        if self.document is not None:
            self.document.save_now()
        run_feature(name, self)

    def reload_purchases(self, written: tuple | None = None) -> None:
        """Purchases changed outside the log tab (an import): reload the table and re-check.
        ``written``: what the change took out and put in (the running tally is updated by it),
        else the year is summed afresh."""
        if written is None:
            self.document.purchases_changed()
        else:
            self.document.purchases_written(*written)
        if self._purchase_tab is not None:
            self._purchase_tab.set_workspace(self.workspace)
            self._purchase_tab_stale = True
            self._refresh_purchase_tab()

    def show_month_in_log(self, month: int) -> None:
        """A month clicked on the overview's chart: the purchase log, filtered to that month
        through its own filters (any other filter cleared, so the month is all that is asked)."""
        if self.document is None:
            return
        self.tabs.setCurrentIndex(TAB_PURCHASES)  # builds the log and brings it to the year
        tab = self.purchase_tab
        if tab is None or tab.year is None:
            return
        tab.clear_filters()
        tab.month_filter.setCurrentIndex(tab.month_filter.findData(month))  # the log applies its filters

    def record_filing_answer(self) -> None:
        """记录审核结果…: a department's answer to the year's filing, into the filing record."""
        from .dialogs.filing_answer import record_answer_with_dialog

        if not self.document.save_now():
            return
        year = self.document.year
        plan = record_answer_with_dialog(self, self.workspace, year)
        if plan is not None:
            self.document.replace_plan(self.workspace.plan(year))
            self.statusBar().showMessage(self.tr("已记入填报记录：%s") % plan.filing_status.value, 5000)

    def load_policy_file(self) -> None:
        from ..app.policy_editing import import_file
        from ..domain.policy import PolicyError

        path, _ = file_dialogs.get_open_file_name(self, self.tr("导入政策文件"), "", self.tr("政策文件 (*.toml)"))
        if not path:
            return
        try:
            policy = import_file(self.workspace.library, Path(path))
        except PolicyError as exc:
            QMessageBox.warning(self, self.tr("政策文件有误"), str(exc))
            return
        self.document.policies_changed()
        self.statusBar().showMessage(self.tr("已导入政策文件：%s") % policy.name, 5000)

    # --- the clerk's own policies ---------------------------------------------------------------

    def governing_latest_year(self):
        """The policy that governs the unit's latest year (the base a new year starts from)."""
        store, library = self.workspace.store, self.workspace.library
        years = store.years()
        for year in reversed(years):
            policy = library.for_plan(self.document.profile, store.plan(year))
            if policy is not None:
                return policy
        return next(iter(library), None)

    def new_policy(self, base=None, *, editing_id: str = "") -> None:
        from .dialogs.new_policy import NewPolicyDialog

        library = self.workspace.library
        base = base or self.governing_latest_year()
        if base is None:
            return
        year = base.year if editing_id else max(self.document.years() + [self.document.year, base.year]) + 1
        dialog = NewPolicyDialog(library, base, self, year=year, editing_id=editing_id)
        self.policy_dialog = dialog  # tests and screenshots reach the open dialog here
        dialog.finished.connect(lambda result: self._policy_saved(dialog.saved) if result else None)
        dialog.open()

    def _policy_saved(self, policy) -> None:
        """Show the new policy's year at once, judged by it."""
        if policy is None:
            return
        self.document.policies_changed()
        if self.document.year != policy.year:
            self.document.load_year(policy.year, create=policy.year not in self.document.years())
        self.document.edit("plan.policy_id", policy.id)
        self._fill_year_combo()
        # the year is in the name the dialog suggests (“青海省 2025 年度”): said once, not twice
        self.statusBar().showMessage(self.tr("已保存政策“%s”，本年度按它检查") % policy.name_with_year, 8000)

    def _choose_policy(self, title: str, user_only: bool):
        from PySide6.QtWidgets import QInputDialog

        from ..app.policy_editing import is_user_made, label

        library = self.workspace.library
        policies = [p for p in library if not user_only or is_user_made(library, p)]
        if not policies:
            QMessageBox.information(self, title, self.tr("还没有本机自建或导入的政策"))
            return None
        names = [f"{label(library, p)}（{p.id}）" for p in policies]
        name, ok = QInputDialog.getItem(self, title, self.tr("政策："), names, 0, False)
        return policies[names.index(name)] if ok else None

    def edit_policy(self) -> None:
        policy = self._choose_policy(self.tr("编辑政策"), user_only=True)
        if policy is not None:
            self.new_policy(policy, editing_id=policy.id)

    def duplicate_policy(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from ..app.policy_editing import duplicate
        from ..domain.policy import PolicyError

        policy = self._choose_policy(self.tr("复制政策"), user_only=False)
        if policy is None:
            return
        new_id, ok = QInputDialog.getText(self, self.tr("复制政策"), self.tr("新政策的 id："), text=f"{policy.id}-copy")
        if not ok:
            return
        try:
            copy = duplicate(self.workspace.library, policy.id, new_id.strip())
        except PolicyError as exc:
            QMessageBox.warning(self, self.tr("无法复制"), str(exc))
            return
        self.document.policies_changed()
        self.statusBar().showMessage(self.tr("已复制为：%s") % copy.name, 5000)

    def remove_policy(self) -> None:
        from ..app.policy_editing import remove, years_using
        from ..domain.policy import PolicyError

        policy = self._choose_policy(self.tr("删除政策"), user_only=True)
        if policy is None:
            return
        store = self.workspace.store
        years = years_using(self.workspace.library, policy.id, self.document.profile, [store.plan(y) for y in store.years()])
        using = (self.tr("本数据文件的 %s 年度按它检查；删除后这些年度改按其他适用的政策，或没有政策。")
                 % "、".join(map(str, years))) if years else self.tr("本数据文件没有年度按它检查。")
        answer = QMessageBox.question(self, self.tr("删除政策"), self.tr("删除“%s”？\n%s") % (policy.name, using))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            remove(self.workspace.library, policy.id)
        except PolicyError as exc:
            QMessageBox.warning(self, self.tr("无法删除"), str(exc))
            return
        self.document.policies_changed()

    def export_policy(self) -> None:
        from ..app.policy_editing import export
        from ..domain.policy import PolicyError

        policy = self._choose_policy(self.tr("导出政策文件"), user_only=False)
        if policy is None:
            return
        path, _ = file_dialogs.get_save_file_name(self, self.tr("导出政策文件"), f"{policy.id}.toml", self.tr("政策文件 (*.toml)"))
        if not path:
            return
        try:
            export(self.workspace.library, policy.id, Path(path))
        except PolicyError as exc:
            QMessageBox.warning(self, self.tr("无法导出"), str(exc))
            return
        self.statusBar().showMessage(self.tr("已导出：%s") % path, 5000)

    def show_policies(self) -> None:
        from .dialogs.policy import PolicyDialog

        library = self.workspace.library if self.workspace else None
        current = self.document.policy if self.document else None
        PolicyDialog(library, current, self).exec()

    def show_help(self, page: str | None = None) -> None:
        """使用帮助 (F1): the help page of the tab on screen (or ``page``), in one help window
        that stays open beside the main window while the clerk works."""
        from .dialogs.help import TAB_PAGES, HelpDialog

        if page is None:
            index = self.tabs.currentIndex()
            page = TAB_PAGES[index] if 0 <= index < len(TAB_PAGES) else "index.md"
        data_file = self.workspace.store.path if self.workspace else None
        dialog = self.help_dialog
        if dialog is None:
            dialog = HelpDialog(self, page, data_file)
            self.help_dialog = dialog  # kept: F1 again shows the next page in the same window
        else:
            dialog.set_data_file(data_file)
            dialog.show_page(page)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def open_data_folder(self) -> None:
        from .dialogs.help import open_data_folder

        open_data_folder(self.workspace.store.path if self.workspace else None)

    def about(self) -> None:
        from .dialogs.about import AboutDialog

        AboutDialog(self.workspace.store.path if self.workspace else "—", self).exec()

    # --- closing ------------------------------------------------------------------------------

    def _may_close_with_unreadable_text(self) -> bool:
        """Text that does not parse is never saved: before it is lost with the window, ask."""
        problems = self.binder.unreadable() if self.binder is not None and not self.readonly else {}
        if not problems:
            return True
        from ..domain import fields as catalogue

        lines = "\n".join(f"· {catalogue.label(key)}：“{text}”" for key, (text, _reason) in problems.items())
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("有无法识别的内容"),
            self.tr("以下栏目中的文字无法识别，没有保存（数据文件中仍是原来的值）：\n%s\n\n仍要退出吗？") % lines,
            parent=self,
        )
        quit_button = box.addButton(self.tr("退出，不保存这些文字(&Q)"), QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton(self.tr("返回修改(&B)"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.exec()
        if box.clickedButton() is quit_button:
            return True
        widget = self.binder.first_unreadable()
        if widget is not None:
            self._focus_field(widget)
        return False

    def closeEvent(self, event) -> None:
        if not self._may_close_with_unreadable_text():
            event.ignore()
            return
        if self.document is not None and not self.document.save_now():
            answer = QMessageBox.question(
                self, self.tr("修改未能保存"),
                self.tr("刚才的修改未能写入数据文件：%s\n\n仍要退出吗？未保存的修改将丢失。") % self.save_label.text(),
                QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Retry and not self.document.save_now():
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.sync()  # written now: the process may end before Qt would write it
        if self.workspace is not None:
            from .dialogs.backup import wait_for_open_backups

            self.workspace.close()  # and with it the file's lock
            self.workspace = None
            wait_for_open_backups(10)
        event.accept()
