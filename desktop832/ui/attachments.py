"""Attachments in the window: the list of a purchase's or a year's filing evidence, with adding
(file dialog or drag and drop), preview (QtPdf for PDF, the picture scaled), opening with the
system's viewer and removing with undo.

:class:`AttachmentList` is the plain model the undo commands call (as the purchase log's commands
call its table model); :class:`AttachmentsView` shows one and :class:`AttachmentPreview` one file.
A new purchase has no id yet: its list keeps the chosen files *pending* and stores them once the
purchase is (:meth:`AttachmentList.commit`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl, Signal, QObject
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
    QPushButton, QScrollArea, QStyle, QVBoxLayout, QWidget,
)

from ..domain.attachments import ACCEPTED_SUFFIXES, ACCEPTED_TEXT, MAX_SIZE_TEXT, Attachment, EvidenceKind, MediaType
from ..domain.errors import InputError
from .palette import set_tone

ROLE = Qt.ItemDataRole.UserRole
ICON = 48
FILTER = "凭证文件 (*.pdf *.PDF *.jpg *.JPG *.jpeg *.JPEG *.png *.PNG *.ofd *.OFD);;所有文件 (*)"


@dataclasses.dataclass(frozen=True, slots=True)
class Pending:
    """A file chosen for a purchase not yet stored: its bytes, read and checked when chosen."""

    file_name: str
    data: bytes
    kind: EvidenceKind
    media_type: MediaType

    @property
    def size(self) -> int:
        return len(self.data)


class AttachmentList(QObject):
    """The attachments of one purchase (``purchase_id``) or one year's filing (``year``), through
    :mod:`desktop832.app.attachments`. ``changed`` after every change; ``problem`` with a Chinese
    message when something could not be done (nothing changed then)."""

    changed = Signal()
    problem = Signal(str)

    def __init__(self, workspace, *, purchase_id: int | None = None, year: int | None = None, on_change=None):
        super().__init__()
        self.workspace = workspace
        self.purchase_id = purchase_id
        self.year = year
        self.pending: list[Pending] = []
        self._on_change = on_change  # () -> None: the document re-checks its findings

    @property
    def on_filing(self) -> bool:
        return self.year is not None

    @property
    def stored(self) -> bool:
        return self.on_filing or self.purchase_id is not None

    def items(self) -> list:
        from ..app import attachments

        if self.on_filing:
            return attachments.of_filing(self.workspace, self.year)
        if self.purchase_id is None:
            return list(self.pending)
        return attachments.of_purchase(self.workspace, self.purchase_id)

    def add_files(self, paths, kind: EvidenceKind) -> list:
        """Add each file (refused ones are said through ``problem``); returns those added."""
        from ..app import attachments
        from ..store.errors import StoreError

        added, problems, kind = [], [], EvidenceKind(kind)
        for path in paths:
            try:
                name, data = attachments.read_file(path)
                if self.stored:
                    added.append(attachments.attach_bytes(
                        self.workspace, data, name, purchase_id=self.purchase_id, year=self.year, kind=kind))
                else:
                    from ..domain.attachments import media_type_of

                    item = Pending(name, data, kind, media_type_of(name, data))
                    self.pending.append(item)
                    added.append(item)
            except (InputError, StoreError) as exc:
                problems.append(exc.message)
        self._changed(bool(added))
        if problems:
            self.problem.emit("\n".join(problems))
        return added

    def remove(self, item) -> bool:
        from ..app import attachments
        from ..store.errors import StoreError

        if isinstance(item, Pending):
            self.pending.remove(item)
            self._changed(True)
            return True
        try:
            attachments.remove(self.workspace, item)
        except StoreError as exc:
            self.problem.emit(exc.message)
            return False
        self._changed(True)
        return True

    def restore(self, item) -> bool:
        from ..app import attachments
        from ..store.errors import StoreError

        if isinstance(item, Pending):
            self.pending.append(item)
            self._changed(True)
            return True
        try:
            done = attachments.restore(self.workspace, item)
        except StoreError as exc:
            self.problem.emit(exc.message)
            return False
        if not done:
            self.problem.emit(f"“{item.file_name}”已不在数据文件中，无法恢复。")
        self._changed(done)
        return done

    def commit(self, purchase_id: int) -> list[Attachment]:
        """Store the pending files for the purchase just saved (its id now known)."""
        from ..app import attachments
        from ..store.errors import StoreError

        self.purchase_id = purchase_id
        stored = []
        for item in self.pending:
            try:
                stored.append(attachments.attach_bytes(
                    self.workspace, item.data, item.file_name, purchase_id=purchase_id, kind=item.kind))
            except (InputError, StoreError) as exc:
                self.problem.emit(exc.message)
        self.pending = []
        self._changed(bool(stored))
        return stored

    def read_bytes(self, item) -> bytes:
        from ..app import attachments

        return item.data if isinstance(item, Pending) else attachments.read_bytes(self.workspace, item)

    def _changed(self, really: bool) -> None:
        if not really:
            return
        if self._on_change is not None and self.stored:
            self._on_change()
        self.changed.emit()


# --- undo --------------------------------------------------------------------------------------


class AddAttachments(QUndoCommand):
    """Files already added (the push's first redo does nothing); undo removes them, redo puts them back."""

    def __init__(self, model: AttachmentList, items: list):
        names = items[0].file_name if len(items) == 1 else f"{len(items)} 个文件"
        super().__init__(f"添加附件 {names}")
        self.model, self.items, self._first = model, list(items), True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        if not all([self.model.restore(item) for item in self.items]):
            self.setObsolete(True)

    def undo(self) -> None:
        if not all([self.model.remove(item) for item in self.items]):
            self.setObsolete(True)


class RemoveAttachment(QUndoCommand):
    def __init__(self, model: AttachmentList, item):
        super().__init__(f"删除附件 {item.file_name}")
        self.model, self.item = model, item

    def redo(self) -> None:
        if not self.model.remove(self.item):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self.model.restore(self.item):
            self.setObsolete(True)


# --- the list ------------------------------------------------------------------------------------


def _size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / (1024 * 1024):.1f} MB"


def item_text(item) -> str:
    added = f"，{item.added_on:%Y-%m-%d} 添加" if isinstance(item, Attachment) else "，保存后存入"
    return f"[{item.kind.value}] {item.file_name}（{_size_text(item.size)}{added}）"


class AttachmentsView(QWidget):
    """The list with its buttons; files dropped on it are added with the chosen kind."""

    def __init__(self, model: AttachmentList, undo_stack, kinds, parent=None, *, read_only: bool = False):
        super().__init__(parent)
        self.model = model
        self.undo_stack = undo_stack
        self.read_only = read_only
        self.setAcceptDrops(not read_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("attachment_kind_combo")
        for kind in kinds:
            self.kind_combo.addItem(kind.value, kind)
        self.kind_combo.setToolTip("添加的文件作为哪一类凭证")
        # letters free both on 预留份额 and in the purchase dialog, whose fields take most others
        self.add_button = QPushButton("添加附件(&B)…", self)
        self.add_button.setToolTip(f"选择 {ACCEPTED_TEXT} 文件（每个不超过 {MAX_SIZE_TEXT}），也可把文件拖到下面的列表中")
        self.preview_button = QPushButton("预览(&W)", self)
        self.open_button = QPushButton("用系统程序打开(&Y)", self)
        self.remove_button = QPushButton("删除附件(&M)", self)
        for widget in (QLabel("类别", self), self.kind_combo, self.add_button, self.preview_button, self.open_button,
                       self.remove_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.list = QListWidget(self)
        self.list.setObjectName("attachment_list")
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMinimumHeight(ICON + 16)
        self.list.setAcceptDrops(False)  # the view takes the drop
        layout.addWidget(self.list)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        set_tone(self.message, "error")
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.choose_files)
        self.preview_button.clicked.connect(self.preview_current)
        self.open_button.clicked.connect(self.open_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.list.itemDoubleClicked.connect(lambda _item: self.preview_current())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        model.changed.connect(self.refresh)
        model.problem.connect(self.message.setText)
        self.refresh()

    # --- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.current()
        self.list.clear()
        for item in self.model.items():
            entry = QListWidgetItem(self._icon(item), item_text(item))
            entry.setData(ROLE, item)
            entry.setToolTip(f"{item.file_name}\n双击预览")
            self.list.addItem(entry)
            if item == current:
                self.list.setCurrentItem(entry)
        if not self.list.count():
            hint = QListWidgetItem("（还没有附件：点“添加附件…”或把文件拖到这里）")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(hint)
        self._update_buttons()

    def _icon(self, item) -> QIcon:
        if item.media_type.is_image:
            pixmap = QPixmap()
            if pixmap.loadFromData(self.model.read_bytes(item)):
                return QIcon(pixmap.scaled(ICON, ICON, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        style = self.style()
        return style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def items(self) -> list:
        return [self.list.item(i).data(ROLE) for i in range(self.list.count()) if self.list.item(i).data(ROLE) is not None]

    def current(self):
        entry = self.list.currentItem()
        return entry.data(ROLE) if entry is not None else None

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        for button in (self.preview_button, self.open_button):
            button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and not self.read_only)
        self.add_button.setEnabled(not self.read_only)
        self.kind_combo.setEnabled(not self.read_only)

    # --- adding ----------------------------------------------------------------------------

    @property
    def kind(self) -> EvidenceKind:
        return EvidenceKind(self.kind_combo.currentData())  # Qt gives the enum back as plain text

    def choose_files(self) -> None:
        from .file_dialogs import get_open_file_names

        paths = get_open_file_names(self, "添加附件", "", FILTER)
        if paths:
            self.add_files(paths)

    def add_files(self, paths) -> None:
        self.message.clear()
        added = self.model.add_files([Path(p) for p in paths], self.kind)
        if added and self.model.stored and self.undo_stack is not None:
            self.undo_stack.push(AddAttachments(self.model, added))

    @staticmethod
    def _local_files(mime) -> list[str]:
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []

    def dragEnterEvent(self, event) -> None:
        if not self.read_only and self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        files = self._local_files(event.mimeData())
        if self.read_only or not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(files)

    # --- the chosen file ---------------------------------------------------------------------

    def remove_current(self) -> None:
        item = self.current()
        if item is None or self.read_only:
            return
        self.message.clear()
        if isinstance(item, Pending) or self.undo_stack is None:
            self.model.remove(item)
        else:
            self.undo_stack.push(RemoveAttachment(self.model, item))

    def preview_current(self) -> None:
        item = self.current()
        if item is None:
            return
        if item.media_type is MediaType.OFD:
            self.open_current()
            return
        dialog = AttachmentPreview(item.file_name, item.media_type, self.model.read_bytes(item), self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.preview = dialog

    def open_current(self) -> None:
        """With the system's viewer (any type; the only way for OFD): a private temporary copy."""
        from ..app import attachments
        from ..documents.errors import ExchangeError
        from ..store.errors import StoreError

        item = self.current()
        if item is None:
            return
        try:
            if isinstance(item, Pending):
                import tempfile

                folder = Path(tempfile.mkdtemp(prefix="desktop832-attachment-"))
                path = folder / item.file_name
                path.write_bytes(item.data)
            else:
                path = attachments.temporary_copy(self.model.workspace, item)
        except (StoreError, ExchangeError, OSError) as exc:
            self.message.setText(getattr(exc, "message", "") or "无法写出临时文件")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message.setText(f"本机没有能打开“{item.file_name}”的程序"
                                 + ("（OFD 文件需要安装 OFD 阅读器，如数科阅读器或福昕 OFD 版）" if item.media_type is MediaType.OFD else ""))


# --- preview ---------------------------------------------------------------------------------------


class AttachmentPreview(QDialog):
    """One file in the app: a PDF in QtPdf's view (all pages), a picture scaled to the window."""

    def __init__(self, file_name: str, media_type: MediaType, data: bytes, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"预览：{file_name}")
        self.media_type = media_type
        layout = QVBoxLayout(self)
        self.document = self.view = self.picture = None
        if media_type is MediaType.PDF:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._bytes = QByteArray(data)  # the buffer reads from it for as long as the document lives
            self._buffer = QBuffer(self._bytes, self)
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self._buffer)
            self.view = QPdfView(self)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setDocument(self.document)
            layout.addWidget(self.view)
            if self.document.status() == QPdfDocument.Status.Error or self.document.pageCount() == 0:
                layout.addWidget(QLabel("无法显示这个 PDF 文件（可能已损坏或加密），可用系统程序打开。", self))
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(data)
            self.original = pixmap
            self.picture = QLabel(self)
            self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setWidget(self.picture)
            layout.addWidget(scroll)
            if pixmap.isNull():
                self.picture.setText("无法显示这张图片（可能已损坏），可用系统程序打开。")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(&C)")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 860)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._scale()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._scale()

    def _scale(self) -> None:
        if self.picture is not None and not self.original.isNull():
            room = self.picture.parentWidget().size() if self.picture.parentWidget() else self.size()
            self.picture.setPixmap(self.original.scaled(
                room.width() - 4, room.height() - 4, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))


def accepts(path: str) -> bool:
    """Whether the name looks like a file the list takes (the content decides in the end)."""
    return path.lower().endswith(ACCEPTED_SUFFIXES)
