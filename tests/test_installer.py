"""build_installer.py: the generated inputs and the wrapping steps (fast), and a real bundle (slow).

The slow test builds the one-folder bundle with PyInstaller into a temporary folder and runs the
bundled executable as the clerk's machine would: no Python, another working folder, offscreen.
The installer and archive steps are checked here around a tiny stand-in bundle, in seconds.
"""

import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import desktop832

from .conftest import ROOT


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_installer", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build_installer = _load_build_script()
EXE = ".exe" if sys.platform == "win32" else ""


# --- fast: metadata, version resource, icon, archive, installer script -----------------------------


def test_project_metadata_comes_from_pyproject():
    project = build_installer.read_project()
    assert project.name == "desktop832"
    assert project.version == desktop832.__version__
    assert project.version4 == (0, 1, 0, 0)
    assert project.product.startswith("832平台")
    assert "—" not in project.product


@pytest.mark.parametrize("version, four", [("1.2", (1, 2, 0, 0)), ("2.0.1rc1", (2, 0, 1, 0)), ("3.4.5.6.7", (3, 4, 5, 6))])
def test_windows_version_numbers(version, four):
    assert build_installer.Project("x", version, "x", "MIT").version4 == four


def test_version_file_is_a_version_resource(tmp_path):
    """The rendered file evaluates to PyInstaller's VSVersionInfo structure (checked with stand-ins here,
    as PyInstaller's own reader needs pefile, which it installs on Windows only)."""
    project = build_installer.read_project()
    path = build_installer.render_version_file(project, "desktop832-cli", "说明 'quoted'", tmp_path / "v.txt")

    def record(kind):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo", "VarStruct"]
    info = eval(path.read_text("utf-8"), {name: record(name) for name in names})  # noqa: S307 - our own file
    kind, _, fields = info
    assert kind == "VSVersionInfo"
    assert fields["ffi"][2]["filevers"] == (0, 1, 0, 0)
    strings = {s[1][0]: s[1][1] for s in fields["kids"][0][1][0][0][1][1]}
    assert strings["ProductVersion"] == project.version
    assert strings["OriginalFilename"] == "desktop832-cli.exe"
    assert strings["FileDescription"] == "说明 'quoted'"


def test_icon_holds_every_size_as_png(qapp, tmp_path):
    path = build_installer.render_icon(build_installer.ICON_SVG, tmp_path / "app.ico", sizes=(16, 32, 256))
    data = path.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 3)
    sides = []
    for index in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(data)
        sides.append(width or 256)
    assert sides == [16, 32, 256]

    from PySide6.QtGui import QImage

    assert not QImage(str(path)).isNull()


def test_archive_keeps_the_folder_and_its_links(tmp_path):
    bundle = tmp_path / "desktop832"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "desktop832").write_bytes(b"\x7fELF")
    (bundle / "_internal" / "data.txt").write_text("数据", "utf-8")
    if sys.platform != "win32":
        (bundle / "desktop832-cli").symlink_to("desktop832")
    archive = build_installer.make_archive(bundle, tmp_path / "out.tar.gz", quick=True)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        assert {"desktop832/desktop832", "desktop832/_internal/data.txt"} <= names
        if sys.platform != "win32":
            assert tar.getmember("desktop832/desktop832-cli").issym()
    assert not (tmp_path / "out.tar.gz.part").exists()


def test_nsis_strings_are_escaped():
    assert build_installer.nsis_string('C:\\a "b" $c') == 'C:\\a $\\"b$\\" $$c'


@pytest.mark.skipif(not shutil.which("makensis"), reason="makensis not installed (Debian: apt-get install nsis)")
def test_installer_script_compiles(qapp, tmp_path):
    """The NSIS script compiles around a stand-in bundle, warnings counting as errors."""
    bundle = tmp_path / "bundle" / "desktop832"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    (bundle / "desktop832.exe").write_bytes(b"MZ stand-in")
    (bundle / "desktop832-cli.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "resources" / "说明.txt").write_text("中文文件名", "utf-8")
    icon = build_installer.render_icon(build_installer.ICON_SVG, tmp_path / "app.ico")
    target = tmp_path / "带 空格" / "desktop832-setup.exe"  # paths as a Chinese Windows user profile may have them
    target.parent.mkdir()
    out = build_installer.make_installer(shutil.which("makensis"), build_installer.read_project(), bundle, icon,
                                         target, tmp_path / "work", quick=True)
    data = out.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 30_000
    # the installer is itself versioned: its resources hold the version from pyproject
    project = build_installer.read_project()
    assert project.version.encode("utf-16-le") in data and project.product.encode("utf-16-le") in data


def test_makensis_errors_are_reported(tmp_path):
    fake = tmp_path / ("makensis.bat" if sys.platform == "win32" else "makensis")
    if sys.platform == "win32":
        fake.write_text("@echo Error: no such command\r\n@exit /b 1\r\n")
    else:
        fake.write_text("#!/bin/sh\necho 'Error: no such command'\nexit 1\n")
        fake.chmod(0o755)
    with pytest.raises(build_installer.BuildError, match="no such command"):
        build_installer.make_installer(str(fake), build_installer.read_project(), tmp_path, tmp_path / "x.ico",
                                       tmp_path / "setup.exe", tmp_path / "work", quick=True)


def test_self_test_environment_leaves_out_the_development_python(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere")
    monkeypatch.setenv("QT_PLUGIN_PATH", "/somewhere")
    env = build_installer.self_test_environment(tmp_path)
    assert "PYTHONPATH" not in env and "VIRTUAL_ENV" not in env and "QT_PLUGIN_PATH" not in env
    assert env["QT_QPA_PLATFORM"] == "offscreen" and env["DESKTOP832_HOME"] == str(tmp_path)


# --- slow: a real bundle ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    pytest.importorskip("PyInstaller", reason='PyInstaller is in the build extra: pip install -e ".[test,build]"')
    folder = tmp_path_factory.mktemp("bundle")
    result = subprocess.run(
        # the installer and archive steps are checked above; the self-test runs below
        [sys.executable, str(ROOT / "build_installer.py"), "--quick", "--no-installer", "--no-archive", "--no-self-test",
         "--dist", str(folder / "dist"), "--work", str(folder / "work")],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return folder / "dist" / "desktop832", result.stdout


def run_bundled(bundle_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = build_installer.self_test_environment(cwd / "home")
    return subprocess.run([str(bundle_dir / f"desktop832-cli{EXE}"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=120)


@pytest.mark.slow
def test_bundle_passes_its_self_test(bundle, tmp_path):
    bundle_dir, output = bundle
    assert "unpacked" in output and "\ntime " in output and str(bundle_dir) in output
    verdict = build_installer.run_self_test(bundle_dir)  # offscreen, from an empty folder, raises on failure
    assert verdict.startswith("自检通过")
    for part in ("数据文件", "规则", "承诺函 PDF", "xlsx", "Qt 插件", "界面文件", "预览与打印"):
        assert part in verdict


@pytest.mark.slow
def test_bundle_runs_the_sub_commands(bundle, tmp_path):
    bundle_dir, _ = bundle
    result = run_bundled(bundle_dir, tmp_path, "--version")
    assert result.stdout.strip() == f"desktop832 {desktop832.__version__}"
    result = run_bundled(bundle_dir, tmp_path, "--demo", "check", "--json", "--today", "2024-06-01")
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["year"] == 2024
    result = run_bundled(bundle_dir, tmp_path, "policies")
    shipped = len(list((Path(__file__).resolve().parent.parent / "resources" / "policies").glob("*.toml")))
    assert result.returncode == 0 and result.stdout.count("文件依据") == shipped, result.stdout + result.stderr
    pdf = tmp_path / "承诺函.pdf"
    # the demo unit has a canteen: the letter is refused with the reasons, in Chinese, nothing written
    # (the self-test above writes and reads back a letter PDF with the shipped fonts)
    result = run_bundled(bundle_dir, tmp_path, "--demo", "letter", "--shipped-fonts-only", "-o", str(pdf))
    assert result.returncode == 1 and "未生成承诺函" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not pdf.exists()


@pytest.mark.slow
def test_bundle_holds_what_the_app_loads_and_not_more(bundle):
    bundle_dir, _ = bundle
    internal = bundle_dir / "_internal"
    for needed in [
        "desktop832/store/migrations/env.py", "desktop832/store/migrations/versions/0001_initial.py",
        "alembic/templates/generic/script.py.mako", "forms/profile_tab.ui", "resources/demo/demo-unit.json",
        "resources/fonts/OFL-Desktop832Kai.txt", "resources/fonts/Desktop832Song-Bold.ttf",
        "resources/icons/desktop832.svg", "resources/policies/cn-2024.toml",
    ]:
        assert (internal / needed).is_file(), needed
    qt = internal / "PySide6" / "Qt"
    modules = {p.name.split(".")[0] for p in (internal / "PySide6").iterdir() if p.is_file() and p.name.startswith("Qt")}
    assert modules == {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtUiTools"}
    assert [p.name for p in (qt / "translations").iterdir()] == ["qtbase_zh_CN.qm"]  # Chinese dialog buttons
    assert not list((qt / "plugins").glob("platforms/*wayland*"))
    assert not (qt / "plugins" / "tls").exists() and not (qt / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    assert build_installer.bundle_size(bundle_dir) < 150e6
