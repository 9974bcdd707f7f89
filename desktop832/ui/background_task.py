"""The one way the window runs slow work off its thread.

The work is a plain function taking a ``progress(done, total)`` callback (see
:mod:`desktop832.documents.progress`). :class:`BackgroundTask` runs it on a worker thread and
returns at once: progress, the result and the exception arrive as signals on the thread that made
the task (the window's), through Qt's queued connections, so no event loop is ever nested.
Cancelling makes the progress callback raise ``Cancelled`` in the worker; the work stops at its
next report and rolls back, and ``failed`` carries the ``Cancelled``.

:func:`run_with_progress` adds what the clerk sees: a window-modal progress dialog (shown only
when the work takes longer than :data:`SHOW_AFTER_MS`) with a cancel button, and callbacks for
success, cancel and failure, all called on the window's thread once the dialog is gone.
:class:`DialogTask` is how a dialog runs its work through it: one task at a time, the buttons that
would start another disabled meanwhile, and closing the dialog cancels the task and waits for it
to report before the dialog goes.

The few tasks that are not shown run through the same class: the backup made when a file opens
(``name`` lets a restore wait for it, :func:`wait_for`), the import of the store's libraries
right after the first paint, and the purchase log's tally, summed by SQLite while the log collects
its rows (:meth:`BackgroundTask.outcome` joins it).
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QProgressBar, QProgressDialog, QWidget

from ..documents.progress import Cancelled

T = TypeVar("T")
_log = logging.getLogger(__name__)
SHOW_AFTER_MS = 400  # quick work never flashes a dialog

_alive: set["BackgroundTask"] = set()  # a task outlives its caller's reference until it has reported
_alive_lock = threading.Lock()


class BackgroundTask(QObject):
    """``work(progress)`` on a worker thread; ``start()`` returns at once.

    Signals, all received on the thread that made the task: ``progressed(done, total)`` (``total``
    -1 when unknown), then either ``succeeded(result)`` or ``failed(exception)`` (``Cancelled``
    after :meth:`cancel`), then ``finished()``.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()
    _arrived = Signal()  # emitted by the worker, delivered on the task's own thread

    def __init__(self, work: Callable[..., T], *, name: str = "desktop832-task", parent: QObject | None = None):
        super().__init__(parent)
        self.work, self.name = work, name
        self.result: T | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._reported = False
        self._arrived.connect(self._report, Qt.ConnectionType.QueuedConnection)

    # --- the caller's side ---------------------------------------------------------------------

    def start(self) -> "BackgroundTask":
        with _alive_lock:
            _alive.add(self)
        # a daemon thread: a backup or an import still running never holds up the app's exit
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        """The work has ended (its signals may still be on their way)."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (not its signals); whether it has."""
        return self._done.wait(timeout)

    def outcome(self) -> T:
        """Wait for the work and return its result or raise its exception, here and now.

        For work that overlaps a short synchronous step of the caller (the purchase log's tally):
        the caller does its part, then joins. The signals still follow as for any task.
        """
        self.wait()
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]

    # --- the worker's side ---------------------------------------------------------------------

    def _progress(self, done: int, total: int | None) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progressed.emit(done, -1 if total is None else total)

    def _run(self) -> None:
        try:
            self.result = self.work(self._progress)
        except BaseException as exc:  # handed to the caller's thread, which decides what it means
            self.error = exc
        finally:
            # report first, then say the work has ended: whoever waits for the end (the app
            # before it exits, a caller joining the outcome) must find the worker past its last
            # touch of a Qt object, or the application may be torn down under its emit (a
            # segfault when the system ended the window right after the backup on opening)
            self._arrived.emit()
            self._done.set()

    def _report(self) -> None:
        if self._reported:
            return
        self._reported = True
        # the worker's last act was to post this report: let it return from that before anyone
        # may delete the task (a task deleted under a thread still inside its emit crashes)
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join()
        try:
            if self.error is None:
                self.succeeded.emit(self.result)
            else:
                self.failed.emit(self.error)
            self.finished.emit()
        finally:
            with _alive_lock:
                _alive.discard(self)


def running(name: str | None = None) -> list[BackgroundTask]:
    """Tasks started and not yet reported back, those called ``name`` when given."""
    with _alive_lock:
        tasks = list(_alive)
    return [t for t in tasks if name is None or t.name == name]


def wait_for(name: str | None, timeout: float | None = 30.0) -> bool:
    """Let every running task called ``name`` (every task for ``None``) end: before a restore
    replaces the file a backup reads, and before the application goes (a worker still running
    then would report to objects being destroyed); whether all did within ``timeout`` seconds
    each."""
    return all(task.wait(timeout) for task in running(name))


def run_with_progress(
    parent: QWidget | None, title: str, label: str, work: Callable[..., T], *,
    on_success: Callable[[T], object], on_failure: Callable[[BaseException], object] | None = None,
    on_cancel: Callable[[], object] | None = None, cancellable: bool = True,
) -> BackgroundTask:
    """Run ``work(progress)`` off the window's thread behind a window-modal progress dialog.

    Returns at once. When the work ends, the dialog closes and, on the window's thread,
    ``on_success(result)`` is called, or ``on_cancel()`` when the clerk cancelled (nothing to say
    by default), or ``on_failure(exception)``. Without ``on_failure`` an exception is raised on the
    window's thread, where the crash handler reports it: expected errors are the caller's to name.
    """
    task = BackgroundTask(work, name="desktop832-" + title)
    dialog = QProgressDialog(label, "取消(&C)" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    # the bar is set directly: the dialog's own setValue runs the event loop when it is modal
    bar = QProgressBar(dialog)
    bar.setRange(0, 0)
    dialog.setBar(bar)
    dialog.canceled.connect(task.cancel)
    dialog.canceled.connect(lambda: dialog.setLabelText("正在取消…"))
    task.dialog = dialog  # for tests and for a caller that wants to say more

    # the parent (a dialog the clerk closed and Qt deleted, with this progress dialog as its
    # child) may go before the work reports: the work is then cancelled, and what it reports is
    # for nobody, since every callback would reach widgets that are gone
    orphaned = threading.Event()

    def parent_gone() -> None:
        orphaned.set()
        task.cancel()

    dialog.destroyed.connect(parent_gone)

    def show_progress(done: int, total: int) -> None:
        if orphaned.is_set():  # a report posted before the cancel, arriving after the bar went
            return
        if total > 0:
            bar.setRange(0, total)
            bar.setValue(min(done, total))
        else:
            bar.setRange(0, 0)

    def close_dialog() -> None:
        dialog.destroyed.disconnect(parent_gone)
        dialog.canceled.disconnect()
        dialog.close()
        dialog.deleteLater()

    def failed(error: BaseException) -> None:
        if orphaned.is_set():
            if not isinstance(error, Cancelled):
                _log.error("%s failed after its window was closed", title, exc_info=error)
            return
        close_dialog()
        if isinstance(error, Cancelled):
            if on_cancel is not None:
                on_cancel()
        elif on_failure is not None:
            on_failure(error)
        else:
            raise error

    def succeeded(result: T) -> None:
        if orphaned.is_set():
            return
        close_dialog()  # finished before it saw the cancel: the work is done, say so
        on_success(result)

    dialog.setValue(0)  # before it is shown: starts the timer that shows it after SHOW_AFTER_MS
    task.progressed.connect(show_progress)
    task.succeeded.connect(succeeded)
    task.failed.connect(failed)
    return task.start()


class DialogTask:
    """A dialog's slow work, one task at a time, through :func:`run_with_progress`.

    While a task runs, the widgets that would start another (``starters``) are disabled; they
    are enabled again (``on_idle`` may then disable what the dialog's own state wants) before
    the task's callback runs. Closing the dialog while a task runs cancels the task and closes
    the dialog only once it has reported: the dialog must call :meth:`close_deferred` from its
    ``done()`` override, so no callback ever reaches a dialog that is gone and ``exec()`` returns
    only after the work has ended (rolled back when cancelled, kept when it finished first).
    """

    def __init__(self, dialog: QDialog, title: str, starters: list[QWidget], on_idle: Callable[[], object] = lambda: None):
        self.dialog, self.title, self.starters, self.on_idle = dialog, title, starters, on_idle
        self.task: BackgroundTask | None = None
        self._close_with: int | None = None

    @property
    def running(self) -> bool:
        return self.task is not None

    def run(
        self, label: str, work: Callable[..., T], *, on_success: Callable[[T], object],
        on_failure: Callable[[BaseException], object] | None = None, on_cancel: Callable[[], object] | None = None,
    ) -> BackgroundTask | None:
        """Start ``work`` behind the progress dialog, or do nothing (``None``) while one runs or
        the dialog is closing."""
        if self.task is not None or self._close_with is not None:
            return None
        for widget in self.starters:
            widget.setEnabled(False)

        def then(callback):
            def call(*args):
                self._idle()
                try:
                    if callback is not None:
                        callback(*args)
                finally:
                    self._close_if_asked()
            return call

        self.task = run_with_progress(
            self.dialog, self.title, label, work, on_success=then(on_success),
            on_failure=then(on_failure) if on_failure is not None else then(self._raise),
            on_cancel=then(on_cancel),
        )
        return self.task

    @staticmethod
    def _raise(error: BaseException) -> None:
        raise error

    def _idle(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.deleteLater()
        for widget in self.starters:
            widget.setEnabled(True)
        self.on_idle()

    def close_deferred(self, result: int) -> bool:
        """Called by the dialog's ``done(result)``: whether closing waits for the running task
        (which is asked to stop); the dialog closes with ``result`` once it has reported."""
        if self.task is None:
            self._close_with = None  # the dialog closes itself (from a callback, say): nothing left to do
            return False
        self._close_with = result
        self.task.cancel()
        progress = getattr(self.task, "dialog", None)
        if progress is not None:  # say what is happening, even before the dialog would show itself
            progress.setLabelText("正在取消…")
            progress.show()
        return True

    def _close_if_asked(self) -> None:
        result, self._close_with = self._close_with, None
        if result is not None and self.dialog.isVisible():
            QDialog.done(self.dialog, result)


__all__ = ["BackgroundTask", "DialogTask", "SHOW_AFTER_MS", "run_with_progress", "running", "wait_for", "Cancelled"]
