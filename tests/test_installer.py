"""build_installer.py: the generated inputs and the wrapping steps (fast), and a real bundle (slow).

The slow test builds the one-folder bundle with PyInstaller into a temporary folder and runs the
bundled executable as the clerk's machine would: no Python, another working folder, offscreen.
The installer and archive steps are checked here around a tiny stand-in bundle, in seconds.
"""

import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
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


def stand_in_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle" / "desktop832"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    (bundle / "desktop832.exe").write_bytes(b"MZ stand-in")
    (bundle / "desktop832-cli.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "resources" / "说明.txt").write_text("中文文件名", "utf-8")
    return bundle


def compiled_blocks(log: str) -> dict[str, list[str]]:
    """makensis -V4's account of each function and section: its instructions as compiled, in order."""
    blocks, current = {}, None
    for line in log.splitlines():
        start = re.match(r'(Function|Section): "([^"]+)"', line)
        if start:
            current = start.group(2)
            blocks[current] = []
        elif line.startswith(("FunctionEnd", "SectionEnd")):
            current = None
        elif current is not None and not line.startswith("!insertmacro"):
            blocks[current].append(line)
    return blocks


def first(lines: list[str], pattern: str) -> int:
    return next(i for i, line in enumerate(lines) if re.search(pattern, line))


NSIS_MB = {"YESNO": 4, "RETRYCANCEL": 5, "ICONQUESTION": 0x20, "ICONEXCLAMATION": 0x30, "DEFBUTTON2": 0x100}


@pytest.fixture
def compiled_installer(qapp, tmp_path):
    if not shutil.which("makensis"):
        if os.environ.get("CI"):
            pytest.fail("makensis is missing: .ci/run installs nsis")
        pytest.skip("makensis not installed (Debian: apt-get install nsis)")
    bundle = stand_in_bundle(tmp_path)
    icon = build_installer.render_icon(build_installer.ICON_SVG, tmp_path / "app.ico")
    target = tmp_path / "带 空格" / "desktop832-setup.exe"  # paths as a Chinese Windows user profile may have them
    target.parent.mkdir()
    out = build_installer.make_installer(shutil.which("makensis"), build_installer.read_project(), bundle, icon,
                                         target, tmp_path / "work", quick=True)
    log = (tmp_path / "work" / "installer" / "makensis.log").read_text("utf-8")
    return out, log


def test_installer_script_compiles(compiled_installer):
    """The NSIS script compiles around a stand-in bundle, warnings counting as errors."""
    out, log = compiled_installer
    data = out.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 30_000
    # the installer is itself versioned: its resources hold the version from pyproject
    project = build_installer.read_project()
    assert project.version.encode("utf-16-le") in data and project.product.encode("utf-16-le") in data
    # welcome, licence, folder, files, finish; the uninstaller's confirmation and files
    assert re.search(r"^Install: 5 pages", log, re.M) and re.search(r"^Uninstall: 2 pages", log, re.M)
    assert "MUI_PAGE_LICENSE" in log and "MUI_UNPAGE_CONFIRM" in log


def test_installer_never_replaces_files_under_a_running_copy(compiled_installer):
    _, log = compiled_installer
    blocks = compiled_blocks(log)
    for prefix in ("", "un."):
        check = blocks[f"{prefix}CheckNotRunning"]
        assert any(re.match(r"FileOpen: \$1 as a ", line) for line in check)  # a running .exe cannot be opened so
        ask = first(check, r"^MessageBox: ")
        flags = int(re.match(r"MessageBox: (\d+):", check[ask]).group(1))
        assert flags & 0xF == NSIS_MB["RETRYCANCEL"]
        assert "正在运行" in "\n".join(check[ask:]) and "(on IDRETRY goto check)" in "\n".join(check[ask:ask + 8])
        assert any(line.startswith("Abort") for line in check[ask:])  # 取消 (or a silent run) changes nothing
    # checked on leaving the folder page, again before the first file is touched, and before uninstalling
    assert any("Call" in line and "CheckNotRunning" in line for line in blocks["DirectoryLeave"])
    program = blocks["程序文件"]
    assert first(program, r"Call.*CheckNotRunning") < first(program, r"^RMDir: ") < first(program, r"^File: ")
    assert any("Call" in line and "un.CheckNotRunning" in line for line in blocks["un.onInit"])


def test_installer_upgrades_in_place_keeping_the_data(compiled_installer):
    _, log = compiled_installer
    blocks = compiled_blocks(log)
    init = blocks[".onInit"]
    assert any(r"Uninstall\desktop832\DisplayVersion" in line and line.startswith("ReadRegStr $OldVersion") for line in init)
    assert any("将被替换为" in line or "替换为" in line for line in init)  # says which version replaces which
    downgrade = next(line for line in init if line.startswith("MessageBox: "))
    assert int(re.match(r"MessageBox: (\d+):", downgrade).group(1)) & NSIS_MB["DEFBUTTON2"]  # 否 is the default
    program = blocks["程序文件"]
    text = "\n".join(program)
    assert 'ExecWait: ""$OldDir\\uninstall.exe" /S _?=$OldDir"' in text  # an old copy elsewhere: its own uninstaller
    # the old program files go before the new ones come: no stale module survives an upgrade
    removed = [line for line in program[:first(program, r"^File: ")] if line.startswith("RMDir: /r")]
    assert removed == ['RMDir: /r "$INSTDIR\\_internal"', 'RMDir: /r "$INSTDIR\\licenses"']
    assert "LOCALAPPDATA\\desktop832\"" not in text and "DetailPrint: \"已安装的版本：$OldVersion" in text


def test_uninstaller_asks_whether_to_keep_the_data_folder(compiled_installer):
    _, log = compiled_installer
    uninstall = compiled_blocks(log)["Uninstall"]
    ask = first(uninstall, r"^MessageBox: ")
    flags = int(re.match(r"MessageBox: (\d+):", uninstall[ask]).group(1))
    assert flags & 0xF == NSIS_MB["YESNO"] and not flags & NSIS_MB["DEFBUTTON2"]  # 是 (keep) is the default
    question = "\n".join(uninstall[ask:ask + 8])
    assert "保留数据文件夹" in question and "$LOCALAPPDATA\\desktop832" in question and "(on IDYES goto keep)" in question
    delete = first(uninstall, r'^RMDir: /r "\$LOCALAPPDATA\\desktop832"')
    assert ask < first(uninstall, r"^RMDir: /r") < delete  # asked before anything is removed
    assert any(line.startswith("!insertmacro: _Else") for line in log.splitlines())
    assert '$KeepData "0"' in "\n".join(uninstall[ask:delete])


def test_the_licence_page_shows_the_project_licence_and_what_ships(tmp_path):
    bundle = stand_in_bundle(tmp_path)
    (bundle / "licenses").mkdir()
    (bundle / "licenses" / "index.json").write_text(json.dumps([
        {"name": "desktop832", "version": "0.1.0", "licence": "MIT", "files": []},
        {"name": "Qt", "version": "6.12.0", "licence": "LGPL-3.0-only", "files": ["LGPL-3.0.txt"]},
    ]), "utf-8")
    (bundle / "licenses" / "Qt-PySide6-SOURCE.txt").write_text("源代码：https://download.qt.io/", "utf-8")
    page = build_installer.write_license_page(bundle, tmp_path / "page.txt")
    raw = page.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # NSIS reads a text licence as Unicode only with the BOM
    text = raw.decode("utf-8-sig")
    assert text.startswith("MIT License") and "Permission is hereby granted" in text
    assert "Qt 6.12.0：LGPL-3.0-only" in text and "download.qt.io" in text and "desktop832 0.1.0" not in text


def test_portable_zip_holds_the_bundle_and_the_marker(tmp_path):
    bundle = stand_in_bundle(tmp_path)
    if sys.platform != "win32":
        (bundle / "desktop832-cli").symlink_to("desktop832.exe")
    target = build_installer.make_portable_zip(bundle, tmp_path / "portable.zip", quick=True)
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        assert {"desktop832/desktop832.exe", "desktop832/_internal/resources/说明.txt", "desktop832/portable"} <= names
        assert "portable" in archive.read("desktop832/portable").decode("utf-8")
        assert archive.testzip() is None
        if sys.platform != "win32":
            link = archive.getinfo("desktop832/desktop832-cli")
            assert (link.external_attr >> 16) & 0o170000 == 0o120000
            assert archive.read(link) == b"desktop832.exe"
    assert not (tmp_path / "portable.zip.part").exists()
    assert not (bundle / "portable").exists()  # the bundle the installer wraps stays an installed one


def test_licenses_folder_from_the_metadata_of_what_is_bundled(tmp_path):
    from desktop832.app import licences

    bundled = licences.bundled_distributions(["sqlalchemy", "PySide6", "shiboken6", "openpyxl", "encodings",
                                              "desktop832", "PIL"])
    assert {licences._key(name) for name in bundled} == {
        "sqlalchemy", "pyside6-essentials", "pyside6-pdf", "shiboken6", "openpyxl", "pillow"}
    target = tmp_path / "licenses"
    components = licences.write_licenses_folder(
        target, bundled, project_licence=ROOT / "LICENSE", project_version="0.1.0", fonts_dir=ROOT / "resources" / "fonts",
        qt_texts_dir=ROOT / "packaging" / "licenses", qt_version="6.12.0")
    index = licences.read_index(target)
    assert index == components
    for component in index:
        for name in component.files:
            assert (target / name).is_file(), name
    by_name = {c.name: c for c in index}
    assert by_name["desktop832"].licence == "MIT" and "Python" in by_name
    assert by_name["SQLAlchemy"].licence == "MIT" and any(f.endswith("LICENSE") for f in by_name["SQLAlchemy"].files)
    assert "LGPL-3.0-only" in by_name["PySide6_Essentials"].licence
    assert "LGPL-3.0.txt" in by_name["PySide6_Essentials"].files and "Qt-PySide6-SOURCE.txt" in by_name["Qt"].files
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (target / "LGPL-3.0.txt").read_text("utf-8")
    assert "download.qt.io" in (target / "Qt-PySide6-SOURCE.txt").read_text("utf-8")
    assert {"Desktop832Song", "Desktop832Kai"} <= set(by_name) and by_name["Desktop832Kai"].licence == "OFL-1.1"
    readme = (target / "README.txt").read_text("utf-8-sig")
    for component in index[1:]:
        assert component.name in readme
    assert "setuptools" not in readme and "pytest" not in readme  # only what was bundled


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
        "resources/icons/desktop832.svg", "resources/policies/cn-2024.toml", "docs/help/index.md",
        "docs/help/purchases.md",
    ]:
        assert (internal / needed).is_file(), needed
    qt = internal / "PySide6" / "Qt"
    modules = {p.name.split(".")[0] for p in (internal / "PySide6").iterdir() if p.is_file() and p.name.startswith("Qt")}
    assert modules == {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtUiTools", "QtSvg", "QtSvgWidgets"}
    assert [p.name for p in (qt / "translations").iterdir()] == ["qtbase_zh_CN.qm"]  # Chinese dialog buttons
    assert not list((qt / "plugins").glob("platforms/*wayland*"))
    assert not (qt / "plugins" / "tls").exists() and not (qt / "plugins" / "platformthemes" / "libqgtk3.so").exists()
    assert build_installer.bundle_size(bundle_dir) < 150e6


@pytest.mark.slow
def test_bundle_licenses_cover_every_bundled_distribution(bundle):
    """licenses/ against what the bundle really holds: the modules in the executable's archive and the
    folders beside it, traced to their installed distributions (independently of the spec's own list)."""
    from PyInstaller.archive.readers import CArchiveReader

    from desktop832.app import licences

    bundle_dir, output = bundle
    archive = CArchiveReader(str(bundle_dir / f"desktop832{EXE}"))
    modules = set(archive.open_embedded_archive("PYZ.pyz").toc) | {p.name for p in (bundle_dir / "_internal").iterdir()}
    bundled = licences.bundled_distributions(modules)
    assert {"sqlalchemy", "pyside6-essentials", "shiboken6", "openpyxl", "reportlab"} <= {licences._key(n) for n in bundled}
    folder = bundle_dir / "licenses"
    index = {c.name: c for c in licences.read_index(folder)}
    listed = set(index) - {"desktop832", "Python", "Qt", "Desktop832Song", "Desktop832Kai"}
    assert listed == {dist.metadata["Name"] for dist in bundled.values()}
    for name, dist in bundled.items():
        component = index[dist.metadata["Name"]]
        assert component.version == dist.version
        shipped = [f for f in component.files if not f.startswith(("LGPL", "GPL", "Qt-"))]
        assert len(shipped) == len(licences.licence_files(dist)), name
        if licences._key(name) in licences.QT_DISTRIBUTIONS:
            assert "LGPL-3.0.txt" in component.files
        else:
            assert shipped, f"{name}: no licence text found in its metadata"
    for component in index.values():
        for file in component.files:
            assert (folder / file).is_file() and (folder / file).stat().st_size > 0, file
    assert (folder / "Python-LICENSE.txt").is_file() and "PYTHON SOFTWARE FOUNDATION" in (folder / "Python-LICENSE.txt").read_text("utf-8")
    assert "desktop832-LICENSE.txt" in index["desktop832"].files
    assert build_installer.bundle_size(folder) < 1e6  # licence texts are small
    assert "licenses/: " in output


def unpack(zip_path: Path, target: Path) -> Path:
    """As unzip would: modes kept, links made links."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16
            destination = target / info.filename
            destination.parent.mkdir(parents=True, exist_ok=True)
            if mode & 0o170000 == 0o120000:
                destination.symlink_to(archive.read(info).decode("utf-8"))
                continue
            destination.write_bytes(archive.read(info))
            if mode:
                destination.chmod(mode & 0o777)
    return target / "desktop832"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the portable run below uses the Linux bundle's layout")
def test_portable_zip_runs_with_its_data_beside_it(bundle, tmp_path):
    bundle_dir, output = bundle
    zips = list(bundle_dir.parent.glob("desktop832-*-portable-*.zip"))
    assert len(zips) == 1 and f"portable   {zips[0]}" in output
    stick = unpack(zips[0], tmp_path / "U盘")
    assert (stick / "portable").is_file() and not (bundle_dir / "portable").exists()
    home = tmp_path / "clerk-home"  # the PC's user folders: a portable copy writes nothing there
    env = {k: v for k, v in build_installer.self_test_environment(home).items() if k != "DESKTOP832_HOME"}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"))

    def run(*args):
        return subprocess.run([str(stick / "desktop832-cli"), *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, encoding="utf-8", errors="replace", timeout=120)

    data = stick / "data"
    result = run("check")
    assert result.returncode == 2 and str(data / "desktop832.sqlite") in result.stderr, result.stderr
    demo = stick / "_internal" / "resources" / "demo" / "demo-unit.json"
    result = run("load", str(demo), "--db", str(data / "desktop832.sqlite"))
    assert result.returncode == 0, result.stderr
    result = run("check", "--json", "--today", "2024-06-01")  # the default data file is the one beside the program
    assert result.returncode in (0, 1) and json.loads(result.stdout)["year"] == 2024, result.stderr
    assert not home.exists() or not any(p.is_file() for p in home.rglob("*"))

    (stick / "portable").unlink()  # without the marker the same copy uses the user's folders again
    result = run("check")
    assert result.returncode == 2 and str(home / "share" / "desktop832" / "desktop832.sqlite") in result.stderr, result.stderr
