"""Run slow work (reading an order list, writing an export) off the main thread, with a progress
dialog and a cancel button, and hand back its result or its exception on the main thread.

The work is a plain function taking a ``progress(done, total)`` callback (see
:mod:`desktop832.documents.progress`). Cancelling makes that callback raise ``Cancelled`` in the
worker; the work stops at its next report and rolls back, and ``Cancelled`` is raised here.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..documents.progress import Cancelled

T = TypeVar("T")
SHOW_AFTER_MS = 400  # quick work never flashes a dialog


class _Worker(QThread):
    progressed = Signal(int, int)  # done, total (-1: unknown)

    def __init__(self, work: Callable, cancel: threading.Event):
        super().__init__()
        self.work, self.cancel = work, cancel
        self.result = self.error = None

    def report(self, done: int, total: int | None) -> None:
        if self.cancel.is_set():
            raise Cancelled
        self.progressed.emit(done, -1 if total is None else total)

    def run(self) -> None:
        try:
            self.result = self.work(self.report)
        except BaseException as exc:  # handed to the main thread, which decides what it means
            self.error = exc


def run_in_background(parent: QWidget | None, title: str, label: str, work: Callable[..., T], *, cancellable: bool = True) -> T:
    """Run ``work(progress)`` on a worker thread while a modal progress dialog shows; return its
    result, or raise its exception (``Cancelled`` when the clerk cancelled)."""
    cancel = threading.Event()
    worker = _Worker(work, cancel)
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.canceled.connect(cancel.set)
    dialog.canceled.connect(lambda: dialog.setLabelText("正在取消…"))

    def show_progress(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        else:
            dialog.setMaximum(0)

    worker.progressed.connect(show_progress)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result  # finished before it saw the cancel: the work is done, say so
