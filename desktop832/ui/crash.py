"""Unexpected exceptions: logged with their traceback, answered with one calm dialog per burst.

Like qutebrowser's crashsignal: ``sys.excepthook`` (and ``threading.excepthook``) log the error,
and a hard crash (segfault, abort) leaves a Python traceback in ``crash.log`` through
faulthandler. The clerk never sees a traceback: a dialog says the last action may not have
finished, that saved data is safe, and where the log is. PySide keeps running after an exception
in a slot, so the window stays usable. The dialog is opened from the event loop (a queued signal),
never inside the paint or key handler that failed, and only once while a burst of errors lasts.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import paths
from ..app import logs
from ..domain.errors import ClerkError

log = logging.getLogger("desktop832.crash")
BURST_SECONDS = 10.0  # errors this soon after the dialog closed are only logged
TITLE = "出现意外问题"
CLERK_TITLE = "无法完成操作"  # a known problem (ClerkError): its own message, no crash report


def dialog_text(log_path: Path | None) -> str:
    where = f"\n\n详细情况已记录在日志文件中：\n{log_path}" if log_path else ""
    return (
        "程序遇到一个意外问题，刚才的操作可能没有完成。\n\n"
        "已经保存的数据不受影响，可以继续使用。请检查刚才的修改是否还在；"
        "如果问题反复出现，请把日志文件发给技术支持人员。" + where
    )


class ExceptionHandler(QObject):
    """The hook itself: call it as ``handler(exc_type, exc, tb)``; tests call it directly."""

    _show_requested = Signal()

    def __init__(
        self, app: QApplication, *, window: Callable[[], QWidget | None] | None = None,
        burst_seconds: float = BURST_SECONDS, before_dialog: Callable[[], object] | None = None,
    ):
        super().__init__(app)
        self.app = app
        self.window = window or (lambda: app.activeWindow())
        self.burst_seconds = burst_seconds
        self.before_dialog = before_dialog
        self.box: QMessageBox | None = None
        self.count = 0  # exceptions seen
        self.suppressed = 0  # exceptions logged without a dialog (same burst)
        self._closed_at = float("-inf")
        self._pending = False
        self._message: str | None = None  # a ClerkError's message, or None for a crash report
        self._previous: tuple | None = None
        # queued: the dialog opens when control is back in the event loop, in the GUI thread
        self._show_requested.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # --- the hook -----------------------------------------------------------------------------

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in a terminal: quit as usual
            sys.__excepthook__(exc_type, exc, tb)
            return
        known = isinstance(exc, ClerkError)
        if not known:
            self.count += 1
        try:
            if known:  # the window's one place for errors the clerk is told about
                log.warning("%s: %s", exc_type.__name__, exc.message)
            else:
                log.error("Unhandled exception", exc_info=(exc_type, exc, tb))
        except Exception:  # noqa: BLE001 - the hook must not raise, whatever the log does
            pass
        if self._in_burst():
            self.suppressed += 1
            return
        self._pending = True
        self._message = exc.message if known else None
        self._show_requested.emit()

    def thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self(args.exc_type, args.exc_value, args.exc_traceback)

    def _in_burst(self) -> bool:
        return self._pending or self.box is not None or time.monotonic() - self._closed_at < self.burst_seconds

    # --- the dialog ---------------------------------------------------------------------------

    def _show(self) -> None:
        self._pending = False
        if self.box is not None:
            return
        if self.before_dialog is not None:
            try:
                self.before_dialog()  # e.g. save the document, so the dialog's promise holds
            except Exception:  # noqa: BLE001
                log.exception("before_dialog failed")
        parent = self.window()
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setTextFormat(Qt.TextFormat.PlainText)  # a path with < or & is shown as it is
        if self._message is not None:
            box.setWindowTitle(CLERK_TITLE)
            box.setText(self._message)
            box.addButton("确定(&O)", QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setWindowTitle(TITLE)
            box.setText(dialog_text(logs.current_log_file()))
            box.addButton("确定(&O)", QMessageBox.ButtonRole.AcceptRole)
            folder = box.addButton("打开日志文件夹(&L)", QMessageBox.ButtonRole.ActionRole)
            folder.clicked.connect(self._open_log_folder)  # the box closes by itself after any button
        box.finished.connect(self._closed)
        self.box = box
        box.open()  # not exec(): no nested event loop inside an error path

    def _closed(self, _result: int = 0) -> None:
        self._closed_at = time.monotonic()
        box, self.box = self.box, None
        if box is not None:
            box.deleteLater()
        if self.suppressed:
            log.info("%d more unhandled exception(s) in the same burst were only logged", self.suppressed)
            self.suppressed = 0

    def _open_log_folder(self) -> None:
        path = logs.current_log_file()
        folder = path.parent if path else logs.log_file().parent
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # --- installing ---------------------------------------------------------------------------

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self
        threading.excepthook = self.thread_hook

    def uninstall(self) -> None:
        if self._previous is not None:
            if sys.excepthook is self:
                sys.excepthook = self._previous[0]
            if threading.excepthook == self.thread_hook:
                threading.excepthook = self._previous[1]
            self._previous = None


_crash_file = None  # the open crash log; faulthandler writes to its descriptor at crash time


def enable_faulthandler(path: Path | None = None) -> Path | None:
    """Write a hard crash's Python traceback to ``crash.log`` (appending); returns its path."""
    global _crash_file
    path = Path(path) if path is not None else logs.crash_log_file()
    try:
        paths.make_private_dir(path.parent)
        handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - must stay open until exit
        paths.make_private(path)
        handle.write(f"--- desktop832 started {dt.datetime.now():%Y-%m-%d %H:%M:%S} ---\n")
        handle.flush()
    except OSError:
        return None
    faulthandler.enable(file=handle, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = handle
    return path


def install_excepthook(
    app: QApplication, *, window: Callable[[], QWidget | None] | None = None,
    before_dialog: Callable[[], object] | None = None, burst_seconds: float = BURST_SECONDS,
    faulthandler_path: Path | None = None, enable_faults: bool = True,
) -> ExceptionHandler:
    """Install the hooks for the whole application; keep the returned handler alive."""
    handler = ExceptionHandler(app, window=window, burst_seconds=burst_seconds, before_dialog=before_dialog)
    handler.install()
    if enable_faults:
        enable_faulthandler(faulthandler_path)
    return handler
