"""The window's settings live in an INI file in the data folder and are moved there once from the old place;
a portable copy keeps its data and settings beside the program."""

import ast
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop832 import paths
from desktop832.ui import settings as app_settings_module
from desktop832.ui.settings import SETTINGS_VERSION, VERSION_KEY, app_settings, legacy_settings, upgrade_settings

from .conftest import ROOT


def old_place(home: Path) -> QSettings:
    """Where the settings were before version 1 under DESKTOP832_HOME (as Qt's native place elsewhere)."""
    return QSettings(str(home / "config" / "desktop832" / "desktop832.ini"), QSettings.Format.IniFormat)


def test_the_window_keeps_its_settings_in_the_data_folder(make_window, isolated_home):
    window = make_window()
    window.tabs.setCurrentIndex(2)
    window.close()
    ini = paths.settings_file()
    assert ini.parent == paths.data_dir() and ini.name == "settings.ini"
    text = ini.read_text("utf-8")
    assert "[window]" in text and "tab=2" in text and "geometry=" in text
    assert QSettings(str(ini), QSettings.Format.IniFormat).value(VERSION_KEY) in (SETTINGS_VERSION, str(SETTINGS_VERSION))
    assert not (isolated_home / "config").exists()  # nothing written to the old place


def test_settings_move_once_from_the_old_place(qapp, isolated_home, tmp_path):
    old = old_place(isolated_home)
    last_file = tmp_path / "单位数据.sqlite"
    old.setValue("document/path", str(last_file))
    old.setValue("window/tab", 3)
    old.setValue("purchase_log/hidden", ["note", "supplier"])
    old.sync()

    assert upgrade_settings() == SETTINGS_VERSION
    new = app_settings()
    assert new.value("document/path") == str(last_file)
    assert int(new.value("window/tab")) == 3
    assert new.value("purchase_log/hidden") == ["note", "supplier"]
    assert old_place(isolated_home).allKeys() == []  # the old place is cleared: nothing left behind

    # once: what turns up in the old place later (an older copy still run) is not taken again
    stale = old_place(isolated_home)
    stale.setValue("window/tab", 1)
    stale.sync()
    assert upgrade_settings() == SETTINGS_VERSION
    assert int(app_settings().value("window/tab")) == 3
    assert old_place(isolated_home).value("window/tab") in (1, "1")


def test_values_already_in_the_file_win_over_the_old_place(qapp, isolated_home):
    new = app_settings()
    new.setValue("window/tab", 4)
    new.sync()
    old = old_place(isolated_home)
    old.setValue("window/tab", 1)
    old.setValue("letter/fonts/body", "C:/Windows/Fonts/simsun.ttc")
    old.sync()
    upgrade_settings()
    new = app_settings()
    assert int(new.value("window/tab")) == 4
    assert new.value("letter/fonts/body") == "C:/Windows/Fonts/simsun.ttc"


def test_a_file_from_a_newer_version_is_left_alone(qapp, isolated_home):
    new = app_settings()
    new.setValue(VERSION_KEY, SETTINGS_VERSION + 5)
    new.sync()
    old = old_place(isolated_home)
    old.setValue("window/tab", 1)
    old.sync()
    assert upgrade_settings() == SETTINGS_VERSION + 5
    assert app_settings().value("window/tab") is None
    assert old_place(isolated_home).value("window/tab") in (1, "1")


def test_an_unwritable_settings_file_keeps_the_old_place(qapp, isolated_home):
    old = old_place(isolated_home)
    old.setValue("window/tab", 2)
    old.sync()
    paths.settings_file().mkdir(parents=True)  # a folder where the file should be: it cannot be written
    assert upgrade_settings() == 0
    assert old_place(isolated_home).value("window/tab") in (2, "2")
    paths.settings_file().rmdir()
    assert upgrade_settings() == SETTINGS_VERSION  # tried again at the next start
    assert int(app_settings().value("window/tab")) == 2


def test_the_settings_follow_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("DESKTOP832_HOME", str(tmp_path / "one"))
    app_settings().setValue("x", "1")
    app_settings().sync()
    monkeypatch.setenv("DESKTOP832_HOME", str(tmp_path / "two"))
    assert app_settings().value("x") is None
    assert (tmp_path / "one" / "data" / "settings.ini").is_file()


def test_no_code_opens_the_native_settings():
    """``QSettings()`` without arguments would mean the registry again: the package asks ``app_settings()``."""
    offenders = []
    for path in (ROOT / "desktop832").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "QSettings":
                if not node.args and not node.keywords:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- portable mode ------------------------------------------------------------------------------


def frozen_at(monkeypatch, folder: Path) -> Path:
    """Pretend to run as the bundle's executable in ``folder`` (as PyInstaller sets sys.frozen)."""
    folder.mkdir(parents=True, exist_ok=True)
    executable = folder / "desktop832.exe"
    executable.write_bytes(b"MZ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    monkeypatch.delenv("DESKTOP832_HOME", raising=False)
    return folder


def test_a_bundle_with_the_marker_keeps_everything_beside_it(monkeypatch, tmp_path):
    stick = frozen_at(monkeypatch, tmp_path / "U盘" / "desktop832")
    (stick / paths.PORTABLE_MARKER).write_text("", "utf-8")
    assert paths.portable_root() == stick.resolve()
    data = stick.resolve() / "data"
    assert paths.data_dir() == data
    assert paths.default_database() == data / "desktop832.sqlite"
    assert paths.backup_dir() == data / "backups" and paths.user_policies_dir() == data / "policies"
    assert paths.log_dir() == data / "logs"
    assert paths.settings_file() == data / "settings.ini"
    assert paths.licenses_dir() == stick.resolve() / "licenses"
    assert legacy_settings() is None  # never takes (and clears) the settings of a copy installed on this PC


def test_without_the_marker_a_bundle_uses_the_user_folders(monkeypatch, tmp_path):
    folder = frozen_at(monkeypatch, tmp_path / "Programs" / "desktop832")
    (folder / "portable.txt").write_text("", "utf-8")  # only the exact name counts
    assert paths.portable_root() is None
    assert not paths.data_dir().is_relative_to(folder)
    assert paths.data_dir().name == "desktop832"
    assert legacy_settings().format() == QSettings.Format.NativeFormat


def test_running_from_source_is_never_portable(monkeypatch, tmp_path):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    (tmp_path / paths.PORTABLE_MARKER).write_text("", "utf-8")
    assert paths.bundle_dir() is None and paths.portable_root() is None and paths.licenses_dir() is None


def test_a_portable_copy_starts_its_own_settings_file(configured_app, monkeypatch, tmp_path):
    stick = frozen_at(monkeypatch, tmp_path / "stick" / "desktop832")
    (stick / paths.PORTABLE_MARKER).write_text("", "utf-8")
    taken = []
    real = app_settings_module.legacy_settings
    monkeypatch.setattr(app_settings_module, "legacy_settings", lambda: taken.append(real()) or taken[-1])
    assert upgrade_settings() == SETTINGS_VERSION
    assert taken == [None]  # no old place asked
    assert (stick / "data" / "settings.ini").is_file()
    app_settings().setValue("window/tab", 1)
    app_settings().sync()
    assert "tab=1" in (stick / "data" / "settings.ini").read_text("utf-8")


def test_a_portable_copy_finds_its_last_file_on_another_drive_letter(qapp, monkeypatch, tmp_path):
    import argparse

    from desktop832.ui.start import LAST_FILE_KEY, choose_start_file, recalled, remembered

    stick = frozen_at(monkeypatch, tmp_path / "E盘" / "desktop832")
    (stick / paths.PORTABLE_MARKER).write_text("", "utf-8")
    own = stick.resolve() / "data" / "单位.sqlite"
    assert remembered(own) == "data/单位.sqlite"
    elsewhere = tmp_path / "共享" / "unit.sqlite"
    assert remembered(elsewhere) == str(elsewhere)  # a file off the stick is kept as it is

    # the same stick on another PC: another drive letter, the same folder inside it
    moved = frozen_at(monkeypatch, tmp_path / "F盘" / "desktop832")
    (moved / paths.PORTABLE_MARKER).write_text("", "utf-8")
    (moved / "data").mkdir()
    (moved / "data" / "单位.sqlite").write_bytes(b"")
    settings = app_settings()
    settings.setValue(LAST_FILE_KEY, "data/单位.sqlite")
    start = choose_start_file(argparse.Namespace(demo=False, db=None), settings)
    assert start.path == moved.resolve() / "data" / "单位.sqlite" and start.missing is None

    (moved / paths.PORTABLE_MARKER).unlink()  # an installed copy never reads a relative path against its folder
    assert recalled("data/单位.sqlite") is None
