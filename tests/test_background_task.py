"""The one background runner (ui/background_task.py): returns at once, reports progress, the
result and the error on the window's thread, cancels at the next progress report, and nests no
event loop. The window's other threads (backup on open, the start-up import, the purchase log's
tally) run through it."""

from __future__ import annotations

import threading

import pytest
from desktop832.documents.progress import Cancelled
from desktop832.ui import background_task
from desktop832.ui.background_task import BackgroundTask, run_with_progress, wait_for


class Gate:
    """Work that waits for the test to let it finish: it cannot be done when ``start`` returns."""

    def __init__(self, result="done", steps=3):
        self.open, self.result, self.steps = threading.Event(), result, steps
        self.thread = None

    def __call__(self, progress):
        self.thread = threading.current_thread()
        for step in range(self.steps):
            progress(step, self.steps)
        if not self.open.wait(10):
            raise AssertionError("the caller was blocked: start() did not return before the work ended")
        progress(self.steps, self.steps)
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


def record(task: BackgroundTask) -> list:
    seen = []
    task.progressed.connect(lambda done, total: seen.append(("progress", done, total, threading.current_thread())))
    task.succeeded.connect(lambda result: seen.append(("succeeded", result, threading.current_thread())))
    task.failed.connect(lambda error: seen.append(("failed", error, threading.current_thread())))
    task.finished.connect(lambda: seen.append(("finished", threading.current_thread())))
    return seen


def test_a_task_returns_at_once_and_reports_on_the_window_thread(qtbot):
    work = Gate(result=42)
    task = BackgroundTask(work, name="desktop832-test")
    seen = record(task)
    task.start()
    assert not task.done  # start returned while the work waits
    work.open.set()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    main = threading.main_thread()
    assert work.thread is task.thread and task.thread is not main and task.thread.name == "desktop832-test"
    assert [s[0] for s in seen] == ["progress"] * 4 + ["succeeded", "finished"]
    assert [s[1:3] for s in seen[:4]] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert seen[4][1] == 42
    assert {s[-1] for s in seen} == {main}  # every signal received on the window's thread
    assert task.outcome() == 42


def test_an_error_arrives_as_failed_and_outcome_raises_it(qtbot):
    work = Gate(result=ValueError("坏了"))
    task = BackgroundTask(work)
    seen = record(task)
    task.start()
    work.open.set()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    kinds = [s[0] for s in seen]
    assert "succeeded" not in kinds and kinds[-2:] == ["failed", "finished"]
    assert isinstance(seen[-2][1], ValueError) and seen[-2][2] is threading.main_thread()
    with pytest.raises(ValueError, match="坏了"):
        task.outcome()


def test_cancel_stops_the_work_at_its_next_progress_report(qtbot):
    work = Gate()
    task = BackgroundTask(work)
    seen = record(task)
    task.start()
    task.cancel()
    work.open.set()
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert task.cancelled and isinstance(seen[-2][1], Cancelled)
    assert ("succeeded", "done", threading.main_thread()) not in seen


def test_wait_for_joins_the_running_tasks_of_a_name(qtbot):
    work = Gate()
    task = BackgroundTask(work, name="desktop832-named").start()
    other = BackgroundTask(lambda progress: "x", name="desktop832-other").start()
    assert task in background_task.running("desktop832-named") and other not in background_task.running("desktop832-named")
    threading.Timer(0.05, work.open.set).start()
    assert wait_for("desktop832-named", timeout=10) and task.done
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: not background_task.running("desktop832-named") and not background_task.running("desktop832-other"))


def test_run_with_progress_returns_before_the_work_ends_and_nests_no_event_loop(qtbot):
    work = Gate(result="written")
    results = []
    task = run_with_progress(None, "导出", "正在导出…", work, on_success=results.append)
    assert not task.done and results == []  # the caller goes on; the window stays responsive
    assert task.dialog.labelText() == "正在导出…" and task.dialog.windowTitle() == "导出"
    work.open.set()
    qtbot.waitUntil(lambda: results == ["written"], timeout=10_000)


def test_run_with_progress_cancel_button_calls_on_cancel_only(qtbot):
    work = Gate()
    said = []
    task = run_with_progress(
        None, "t", "l", work, on_success=lambda r: said.append("success"),
        on_failure=lambda e: said.append("failure"),
        on_cancel=lambda: said.append("cancelled" if not task.dialog.isVisible() else "cancelled, dialog still up"),
    )
    task.dialog.canceled.emit()  # what its cancel button and closing it do
    assert task.dialog.labelText() == "正在取消…"
    work.open.set()
    qtbot.waitUntil(lambda: said == ["cancelled"], timeout=10_000)
    assert task.cancelled


def test_run_with_progress_hands_an_error_to_on_failure(qtbot):
    work = Gate(result=OSError("磁盘已满"))
    errors = []
    run_with_progress(None, "t", "l", work, on_success=lambda r: errors.append("success"), on_failure=errors.append)
    work.open.set()
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0], OSError) and len(errors) == 1


def test_run_with_progress_raises_an_unexpected_error_on_the_window_thread(qtbot):
    work = Gate(result=ZeroDivisionError("bug"))
    with qtbot.captureExceptions() as raised:
        run_with_progress(None, "t", "l", work, on_success=lambda r: None)
        work.open.set()
        qtbot.waitUntil(lambda: bool(raised), timeout=10_000)
    assert raised[0][0] is ZeroDivisionError


def test_a_progress_whose_window_is_deleted_cancels_the_work_and_calls_nobody(qtbot):
    """The clerk closed the dialog and Qt deleted it, with its progress dialog, before the work
    reported: the work is cancelled and its report reaches no callback (no widget that is gone)."""
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    work = Gate(result="written")
    said = []
    task = run_with_progress(parent, "t", "l", work, on_success=said.append, on_failure=said.append,
                             on_cancel=lambda: said.append("cancelled"))
    ended = []
    task.finished.connect(lambda: ended.append(True))  # cancelled before its first report, it may end at once
    parent.deleteLater()
    qtbot.waitUntil(lambda: task.cancelled, timeout=10_000)  # the dialog went with its parent
    task.progressed.emit(1, 3)  # a report posted before the cancel, arriving after the bar went
    work.open.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=10_000)
    qtbot.wait(50)
    assert said == []


def test_the_start_up_import_runs_as_a_task(qtbot):
    from desktop832.ui.app import preload_store_libraries

    task = preload_store_libraries()
    assert isinstance(task, BackgroundTask) and task.name == "preload-sqlalchemy"
    with qtbot.waitSignal(task.succeeded, timeout=30_000):
        pass
    assert task.thread is not threading.main_thread()


def test_an_unexpected_error_in_the_backup_on_open_gets_the_crash_report(qtbot, tmp_path, monkeypatch):
    from desktop832.store import backups
    from desktop832.ui.dialogs.backup import start_open_backup

    def broken(*args):
        raise RuntimeError("not a store error")

    monkeypatch.setattr(backups, "backup_on_open", broken)
    problems = []
    with qtbot.captureExceptions() as raised:
        task = start_open_backup(None, tmp_path / "unit.sqlite", problems.append)
        qtbot.waitUntil(lambda: bool(raised), timeout=10_000)
    assert raised[0][0] is RuntimeError and problems == [] and task.thread is not threading.main_thread()


def test_the_purchase_log_sums_the_year_on_a_worker_while_it_collects_rows(qtbot, tmp_path, profile, plan):
    from desktop832.ui.purchases.log import PurchaseLogTab
    from PySide6.QtGui import QUndoStack

    from .exchange_helpers import sample_purchases, workspace

    ws = workspace(tmp_path / "log.sqlite", profile, plan, sample_purchases(3))
    try:
        threads = []
        tally = ws.tally
        ws.tally = lambda *a, **k: threads.append(threading.current_thread()) or tally(*a, **k)
        tab = PurchaseLogTab(ws, QUndoStack())
        qtbot.addWidget(tab)
        policy = ws.selection(profile, plan).policy
        tab.set_year(plan.year, plan, policy)
        assert len(threads) == 1 and threads[0] is not threading.main_thread()
        assert tab.tally.count == 3 and tab.model.rowCount() == 3
    finally:
        ws.close()
