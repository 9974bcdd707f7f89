"""One error base: every error the clerk is told about is a ClerkError, reported in one place by
the command line (its message, the exit status it carries) and one by the window (a calm box with
its message, logged at WARNING, no crash report)."""

import logging

import pytest

from desktop832.app.exporting import export_year
from desktop832.cli import CommandError, main, registry
from desktop832.documents.errors import ExchangeError
from desktop832.documents.export_data import ExportError
from desktop832.documents.fonts import FontFileError
from desktop832.app.importing import ImportBlocked
from desktop832.documents.orders import MappingError
from desktop832.domain.errors import EXIT_FAILED, EXIT_UNUSABLE, ClerkError, InputError
from desktop832.domain.jsonformat import JsonFormatError
from desktop832.domain.policy import PolicyError
from desktop832.store.errors import StoreError


@pytest.mark.parametrize("error", [
    InputError("金额格式不对"), StoreError("数据文件已损坏", "corrupt"), ExchangeError("无法读取"),
    ExportError("还没有填报数据"), PolicyError("x.toml", "ratio", "不是数字"), JsonFormatError("plans[0]", "缺少年度"),
    CommandError("用法不对"), FontFileError("字体文件无法使用"),
])
def test_every_error_the_clerk_reads_is_a_clerk_error_with_its_message(error):
    assert isinstance(error, ClerkError)
    assert error.message and str(error) == error.message
    assert error.exit_code in (EXIT_FAILED, EXIT_UNUSABLE)


def test_the_import_errors_are_clerk_errors_too():
    assert issubclass(MappingError, ClerkError) and issubclass(ImportBlocked, ClerkError)


@pytest.mark.parametrize("error, status", [
    (StoreError("数据文件正被其他程序占用，请稍后再试。", "locked"), EXIT_UNUSABLE),
    (ExportError("2030 年度还没有填报数据，无法导出"), EXIT_FAILED),
    (ExchangeError("无法写入“x.xlsx”：磁盘空间不足", exit_code=EXIT_FAILED), EXIT_FAILED),
])
def test_the_command_line_reports_any_clerk_error_with_the_status_it_carries(error, status, monkeypatch, capsys, tmp_path):
    def fails(args):
        raise error

    real = registry.commands

    def commands():
        found = real()
        found["policies"] = registry.Command("policies", "", lambda p: None, fails)
        return found

    monkeypatch.setattr(registry, "commands", commands)
    monkeypatch.setattr("desktop832.cli.commands", commands)
    assert main(["policies"]) == status
    captured = capsys.readouterr()
    assert captured.err == f"desktop832: {error.message}\n" and "Traceback" not in captured.err


def test_a_real_command_failing_with_a_clerk_error(tmp_path, capsys):
    missing = tmp_path / "locked-usb" / "unit.sqlite"
    assert main(["check", "--db", str(missing)]) == EXIT_UNUSABLE
    assert "数据文件不存在" in capsys.readouterr().err


@pytest.fixture
def handler(qapp):
    from desktop832.ui.crash import ExceptionHandler

    handler = ExceptionHandler(qapp, window=lambda: None, burst_seconds=60)
    yield handler
    if handler.box is not None:
        handler.box.done(0)
    handler.deleteLater()


def raise_and_call(handler, exc):
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001
        handler(type(caught), caught, caught.__traceback__)


def test_the_window_shows_a_clerk_error_as_its_message_and_logs_a_warning(qtbot, handler, caplog):
    with caplog.at_level(logging.WARNING, logger="desktop832.crash"):
        raise_and_call(handler, StoreError("磁盘已满，刚才的修改没有保存。", "full"))
    qtbot.waitUntil(lambda: handler.box is not None and handler.box.isVisible())
    assert handler.box.text() == "磁盘已满，刚才的修改没有保存。"
    assert handler.box.windowTitle() == "无法完成操作"
    assert handler.count == 0  # not counted as a crash
    [record] = [r for r in caplog.records if r.name == "desktop832.crash"]
    assert record.levelno == logging.WARNING and "磁盘已满" in record.getMessage() and record.exc_info is None


def test_a_bug_still_gets_the_crash_report(qtbot, handler):
    raise_and_call(handler, KeyError("profile"))
    qtbot.waitUntil(lambda: handler.box is not None and handler.box.isVisible())
    assert handler.box.windowTitle() == "出现意外问题" and handler.count == 1


def test_an_export_of_a_year_without_a_plan_is_a_clerk_error(tmp_path, profile):
    from .exchange_helpers import workspace

    ws = workspace(tmp_path / "unit.sqlite", profile)
    with pytest.raises(ClerkError) as caught:
        export_year(ws, 2030, tmp_path / "x.xlsx")
    ws.close()
    assert caught.value.exit_code == EXIT_FAILED and "2030" in caught.value.message
