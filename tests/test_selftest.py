"""``desktop832 --self-test``: what it proves and how it reports a missing piece.

The passing run of the whole self-test is in test_cli.py (as a command) and test_installer.py (in
a bundle); here checks run in-process against a deliberately broken installation.
"""

import os

import pytest

from desktop832 import paths
from desktop832.cli import selftest


def run(capsys, checks):
    status = selftest.run_self_test(checks)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "the verdict is one line"
    return status, out.strip()


def test_a_failed_check_is_named_and_the_others_still_run(capsys):
    ran = []

    def broken(ctx):
        raise OSError("磁盘坏了")

    def fine(ctx):
        ran.append(True)
        ctx.notes.append("好")

    status, out = run(capsys, [("甲", broken), ("乙", fine)])
    assert status == 1
    assert out == "自检失败：甲：OSError: 磁盘坏了"
    assert ran


def test_without_a_data_file_nothing_else_is_tried(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "demo_data", lambda: tmp_path / "missing.json")
    status, out = run(capsys, selftest.CHECKS)
    assert status == 1
    assert out.startswith("自检失败：数据文件：FileNotFoundError") and "规则" not in out


def test_missing_forms_fail(qapp, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "forms_dir", lambda: tmp_path)
    status, out = run(capsys, [("界面文件", selftest.check_forms)])
    assert status == 1 and "没有找到界面文件" in out


@pytest.mark.qt_log_ignore("Designer: An error has occurred while reading the UI file")
def test_a_broken_form_fails(qapp, capsys, monkeypatch, tmp_path):
    (tmp_path / "broken.ui").write_text("<ui version='4.0'><widget class='QWidget'", "utf-8")
    monkeypatch.setattr(paths, "forms_dir", lambda: tmp_path)
    status, out = run(capsys, [("界面文件", selftest.check_forms)])
    assert status == 1 and out.startswith("自检失败：界面文件：界面文件无法加载：broken.ui（")


def test_a_missing_qt_plugin_is_named(qapp, capsys, monkeypatch):
    monkeypatch.setattr(selftest, "required_plugins", lambda: {"imageformats": ["svg", "nonexistent"]})
    status, out = run(capsys, [("Qt 插件", selftest.check_qt_plugins)])
    assert status == 1
    assert "imageformats/" in out and "nonexistent" in out and "缺少文件" in out and "svg" not in out.split("：", 2)[2]


def test_missing_shipped_fonts_fail_the_letter(capsys, monkeypatch, tmp_path):
    from desktop832.documents import fonts

    real = paths.resources_dir()
    fake = tmp_path / "resources"
    for sub in ("policies", "demo"):
        (fake / sub).mkdir(parents=True)
        for f in (real / sub).iterdir():
            (fake / sub / f.name).write_bytes(f.read_bytes())
    monkeypatch.setattr(paths, "resources_dir", lambda: fake)
    fonts.forget_system_fonts()
    try:
        status, out = run(capsys, selftest.CHECKS[:3])
    finally:
        fonts.forget_system_fonts()
    assert status == 1 and out.startswith("自检失败：承诺函："), out


def test_the_letter_is_read_back(capsys, monkeypatch):
    """A PDF that was written but is cut short does not pass."""
    from desktop832.documents import letter_pdf

    real = letter_pdf.write_letter

    def truncated(path, draft, choice):
        rendered = real(path, draft, choice)
        path.write_bytes(path.read_bytes()[:2000])
        return rendered

    monkeypatch.setattr(letter_pdf, "write_letter", truncated)
    status, out = run(capsys, selftest.CHECKS[:3])
    assert status == 1 and "承诺函 PDF 文件不完整" in out


def test_an_export_that_does_not_verify_fails(capsys, monkeypatch):
    from desktop832.documents import verify

    class Report:
        year, unchanged, changes = selftest.YEAR, False, ["一", "二"]

    monkeypatch.setattr(verify, "verify_file", lambda *args, **kwargs: Report())
    status, out = run(capsys, [selftest.CHECKS[0], ("导出", selftest.check_export)])
    assert status == 1 and out == "自检失败：导出：导出的 xlsx 读回后与导出时不符（2 处）"


def test_a_multi_line_error_stays_on_the_verdict_line(capsys):
    def broken(ctx):
        raise ValueError("第一行\n第二行")

    status, out = run(capsys, [("甲", broken)])
    assert out == "自检失败：甲：ValueError: 第一行 第二行"


def test_the_caller_environment_is_left_as_it_was(capsys):
    before = os.environ.get("DESKTOP832_HOME")
    seen = []
    run(capsys, [("看", lambda ctx: seen.append(os.environ["DESKTOP832_HOME"]))])
    assert os.environ.get("DESKTOP832_HOME") == before
    assert seen and seen[0] != before and seen[0].endswith("home")


@pytest.mark.parametrize("platform, native", [("win32", "windows"), ("linux", "xcb"), ("darwin", "cocoa")])
def test_plugin_names_per_system(monkeypatch, platform, native, tmp_path):
    monkeypatch.setattr(selftest.sys, "platform", platform)
    plugins = selftest.required_plugins()
    assert plugins["platforms"] == [native, "offscreen"]
    assert {"svg", "pdf"} <= set(plugins["imageformats"])
    assert ("styles" in plugins) == (platform == "win32")
    name = selftest.plugin_file(tmp_path, "svg").name
    assert name == {"win32": "qsvg.dll", "linux": "libqsvg.so", "darwin": "libqsvg.dylib"}[platform]
