#!/usr/bin/env python3
"""Build the standalone bundle of desktop832 and wrap it for the clerk's machine.

    python build_installer.py [--dist DIR] [--work DIR] [--quick] [--no-installer] [--no-archive]

1. PyInstaller (``packaging/desktop832.spec``) makes a one-folder bundle in ``dist/desktop832``:
   Python, Qt and every file the app loads at run time. On Windows it holds ``desktop832.exe``
   (the window, no console) and ``desktop832-cli.exe`` (console: sub-commands and ``--self-test``).
2. ``licenses/`` is written into the bundle: the licence texts of every distribution PyInstaller
   bundled (from their metadata), Python's, the fonts', Qt's (LGPL-3.0, with where its source is)
   and the project's own (``desktop832/app/licences.py``).
3. The bundle's own ``desktop832-cli --self-test`` must pass (offscreen, from another folder).
4. The portable zip: the bundle with a ``portable`` marker file, so that it keeps its data in
   ``data/`` beside the executable (a USB stick, a PC where the clerk may not install software).
   On Linux (any system but Windows) the bundle is also packed as ``.tar.gz``.
5. NSIS (``makensis``, ``packaging/installer.nsi``) wraps the bundle in a per-user Windows
   installer. PyInstaller does not cross-compile, so only a build on Windows gives an installer
   to ship; elsewhere the installer script is still compiled around the local bundle to check it,
   and named ``…-setup-<system>-payload.exe`` so nobody ships it by mistake.

It prints the output paths, the bundle's size and the time taken. Needs the ``build`` extra
(``pip install -e ".[build]"``) and, for step 5, ``makensis`` (Debian: ``apt-get install nsis``;
Windows: NSIS 3 from nsis.sourceforge.io).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import re
import shutil
import string
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "desktop832.spec"
NSIS_SCRIPT = PACKAGING / "installer.nsi"
VERSION_TEMPLATE = PACKAGING / "version_info.txt"
ICON_SVG = ROOT / "resources" / "icons" / "desktop832.svg"
LICENSE = ROOT / "LICENSE"
QT_LICENCE_TEXTS = PACKAGING / "licenses"
FONTS = ROOT / "resources" / "fonts"
ICON_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if WINDOWS else ""
SELF_TEST_TIMEOUT = 120


class BuildError(Exception):
    """A step failed; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class Project:
    name: str
    version: str
    product: str  # the Chinese product name: pyproject's description before " — "
    license: str

    @property
    def version4(self) -> tuple[int, int, int, int]:
        """``0.1.0`` → ``(0, 1, 0, 0)``, as Windows version resources want (a pre-release tag is dropped)."""
        release = re.match(r"\d+(\.\d+)*", self.version)
        if release is None:
            raise BuildError(f"pyproject.toml: version {self.version!r} does not start with a number")
        numbers = [int(part) for part in release.group().split(".")][:4]
        return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def read_project(pyproject: Path = ROOT / "pyproject.toml") -> Project:
    data = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    licence = data.get("license", {})
    return Project(
        name=data["name"],
        version=data["version"],
        product=data.get("description", data["name"]).split(" — ")[0].strip(),
        license=licence.get("text", "") if isinstance(licence, dict) else str(licence),
    )


# --- generated inputs: Windows version resources and the icon ---------------------------------------


def render_version_file(project: Project, exe_name: str, description: str, target: Path) -> Path:
    """``packaging/version_info.txt`` with the project's values (Python literals) filled in."""
    values = {
        "version_tuple": repr(project.version4),
        "version": repr(project.version),
        "company": repr(project.name),
        "description": repr(description),
        "name": repr(exe_name),
        "exe_name": repr(f"{exe_name}.exe"),
        "copyright": repr(f"{project.license} 许可证" if project.license else project.name),
        "product": repr(project.product),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(string.Template(VERSION_TEMPLATE.read_text("utf-8")).substitute(values), "utf-8")
    return target


def render_icon(svg: Path, target: Path, sizes: tuple[int, ...] = ICON_SIZES) -> Path:
    """A Windows ``.ico`` with one PNG-compressed image per size, drawn from the SVG by Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # fonts for the SVG's text
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise BuildError(f"cannot read the icon {svg}")
    images = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        images.append((size, bytes(data.data())))
    del app
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(ico_bytes(images))
    return target


def ico_bytes(images: list[tuple[int, bytes]]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per image, then the PNG data (Windows Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


# --- the bundle ------------------------------------------------------------------------------------


def run_pyinstaller(dist: Path, work: Path, icon: Path, version_dir: Path, clean: bool) -> Path:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work),
    ]
    if clean:
        command.append("--clean")
    command += [str(SPEC), "--", "--icon", str(icon), "--version-dir", str(version_dir)]
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise BuildError('PyInstaller is missing: pip install -e ".[build]"') from None
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise BuildError(f"PyInstaller failed (exit status {result.returncode})")
    bundle = dist / "desktop832"
    if not (bundle / f"desktop832{EXE_SUFFIX}").is_file():
        raise BuildError(f"PyInstaller made no executable in {bundle}")
    return bundle


def self_test_environment(home: Path) -> dict[str, str]:
    """The bundle must not lean on this machine's Python or the source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", DESKTOP832_HOME=str(home), PYTHONIOENCODING="utf-8")
    return env


def run_self_test(bundle: Path) -> str:
    """Run the bundled ``--self-test`` from an empty folder; return its verdict line."""
    with tempfile.TemporaryDirectory(prefix="desktop832-bundle-test-") as folder:
        env = self_test_environment(Path(folder) / "home")
        verdict = ""
        executables = [f"desktop832-cli{EXE_SUFFIX}"] + ([f"desktop832{EXE_SUFFIX}"] if WINDOWS else [])
        for name in executables:  # the windowed program has no output on Windows: its status counts
            result = subprocess.run(
                [str(bundle / name), "--self-test"], cwd=folder, env=env, capture_output=True,
                timeout=SELF_TEST_TIMEOUT,
            )
            out = result.stdout.decode("utf-8", "replace").strip()
            if result.returncode != 0:
                err = result.stderr.decode("utf-8", "replace").strip()
                raise BuildError(f"{name} --self-test failed (exit status {result.returncode}): {out}\n{err}")
            verdict = verdict or out
    return verdict


def bundle_size(folder: Path) -> int:
    """Bytes of every file, symbolic links counted as links (as tar and the file system keep them)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_symlink() or p.is_file())


def make_archive(bundle: Path, target: Path, quick: bool) -> Path:
    tmp = target.with_name(target.name + ".part")
    with tarfile.open(tmp, "w:gz", compresslevel=1 if quick else 6) as archive:
        archive.add(bundle, arcname=bundle.name)
    tmp.replace(target)
    return target


# --- licences --------------------------------------------------------------------------------------


def bundled_modules(work: Path) -> list[str]:
    """The top-level names the spec recorded of everything it bundled."""
    recorded = work / "desktop832" / "bundled-modules.json"
    if not recorded.is_file():
        raise BuildError(f"PyInstaller left no list of bundled modules ({recorded})")
    import json

    return json.loads(recorded.read_text("utf-8"))


def write_licenses(bundle: Path, modules: list[str], project: Project) -> list:
    """``licenses/`` beside the executables, for what the bundle holds."""
    from PySide6.QtCore import qVersion

    from desktop832.app.licences import bundled_distributions, write_licenses_folder

    return write_licenses_folder(
        bundle / "licenses", bundled_distributions(modules), project_licence=LICENSE,
        project_version=project.version, fonts_dir=FONTS, qt_texts_dir=QT_LICENCE_TEXTS, qt_version=qVersion(),
    )


# --- the portable zip ------------------------------------------------------------------------------

PORTABLE_MARKER = "portable"  # desktop832.paths.PORTABLE_MARKER
PORTABLE_NOTE = """\
这是 desktop832 的便携版标记文件：程序目录中有这个名为 portable 的文件时，数据文件、备份、日志、
政策文件和设置都保存在程序旁边的 data 文件夹中，不写入这台电脑的用户文件夹，可以放在U盘上使用。
删除这个文件，程序就改用这台电脑的用户数据文件夹。
"""


def make_portable_zip(bundle: Path, target: Path, quick: bool) -> Path:
    """The bundle, in its folder, with the ``portable`` marker; links stay links, modes are kept."""
    tmp = target.with_name(target.name + ".part")
    level = 1 if quick else 9
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for path in sorted(bundle.rglob("*")):
            name = f"{bundle.name}/{path.relative_to(bundle).as_posix()}"
            if path.is_symlink():
                info = zipfile.ZipInfo(name, time.localtime(path.lstat().st_mtime)[:6])
                info.create_system = 3  # Unix: the mode below marks a symbolic link
                info.external_attr = (0o120777 << 16)
                archive.writestr(info, os.readlink(path))
            elif path.is_file():
                archive.write(path, name)
        marker = zipfile.ZipInfo(f"{bundle.name}/{PORTABLE_MARKER}", time.localtime()[:6])
        marker.external_attr = 0o644 << 16
        archive.writestr(marker, PORTABLE_NOTE.encode("utf-8"))
    tmp.replace(target)
    return target


# --- the installer ---------------------------------------------------------------------------------


def find_makensis(explicit: str | None = None) -> str | None:
    if explicit:
        return explicit
    found = shutil.which("makensis")
    if found or not WINDOWS:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return str(Path(base) / "NSIS" / "makensis.exe")
    return None


def nsis_string(value: str) -> str:
    """A value for ``!define NAME "…"``: NSIS escapes with $\\ and doubles $."""
    return value.replace("$", "$$").replace('"', '$\\"')


def write_license_page(bundle: Path, target: Path) -> Path:
    """The installer's licence page: the project's licence, then what ships with it under which licence.

    UTF-8 with a byte order mark, which NSIS needs to read a text file as Unicode.
    """
    import json

    text = LICENSE.read_text("utf-8").strip() + "\n"
    index = bundle / "licenses" / "index.json"
    if index.is_file():
        listed = [c for c in json.loads(index.read_text("utf-8")) if c["name"] != "desktop832"]
        text += "\n随附的第三方组件（许可证全文在安装目录的 licenses 文件夹中）：\n\n"
        text += "".join(f"  {c['name']} {c['version']}".rstrip() + f"：{c['licence']}\n" for c in listed)
        source = bundle / "licenses" / "Qt-PySide6-SOURCE.txt"
        if source.is_file():
            text += "\n" + source.read_text("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace("\n", "\r\n"), "utf-8-sig", newline="")
    return target


def write_nsis_defines(project: Project, bundle: Path, icon: Path, outfile: Path, quick: bool, target: Path) -> Path:
    defines = {
        "VERSION": project.version,
        "VERSION4": ".".join(map(str, project.version4)),
        "PRODUCT": project.product,
        "BUNDLE": str(bundle),
        "OUTFILE": str(outfile),
        "ICON": str(icon),
        "LICENSE_PAGE": str(write_license_page(bundle, target.parent / "license-page.txt")),
    }
    lines = ["; generated by build_installer.py from pyproject.toml"]
    lines += [f'!define {key} "{nsis_string(value)}"' for key, value in defines.items()]
    # quick: zlib takes seconds where solid LZMA takes minutes, for a check of the script
    lines.append("!define COMPRESSOR zlib" if quick else '!define COMPRESSOR "/SOLID lzma"')
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", "utf-8")
    return target


def make_installer(makensis: str, project: Project, bundle: Path, icon: Path, outfile: Path, work: Path,
                   quick: bool) -> Path:
    defines = write_nsis_defines(project, bundle, icon, outfile, quick, work / "installer" / "defines.nsh")
    outfile.unlink(missing_ok=True)
    # -V4: every page, section, function and instruction as compiled, kept in makensis.log (the tests
    # read what the installer does there)
    command = [makensis, "-V4", "-WX", "-INPUTCHARSET", "UTF8"]
    if WINDOWS:  # elsewhere makensis writes UTF-8 and refuses the option
        command += ["-OUTPUTCHARSET", "UTF8"]
    command += [f"-DDEFINES_FILE={defines}", str(NSIS_SCRIPT)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace")
    (work / "installer" / "makensis.log").write_text(result.stdout + result.stderr, "utf-8")
    if result.returncode != 0 or not outfile.is_file():
        errors = [line for line in result.stdout.splitlines() if "rror" in line or "arning" in line]
        detail = "\n".join(errors[-20:] + result.stdout.splitlines()[-15:])
        raise BuildError(f"makensis failed (exit status {result.returncode}):\n{detail}\n{result.stderr}")
    return outfile


# --- main ------------------------------------------------------------------------------------------


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB ({size / 1e6:.1f} MB)"


def system_tag() -> str:
    return f"{platform.system().lower()}-{platform.machine().lower()}"


def build(args) -> int:
    started = time.monotonic()
    project = read_project()
    dist, work = args.dist.resolve(), args.work.resolve()
    print(f"desktop832 {project.version}: building the bundle with PyInstaller ({system_tag()})", flush=True)

    generated = work / "generated"
    icon = render_icon(ICON_SVG, generated / "desktop832.ico")
    render_version_file(project, "desktop832", project.product, generated / "version-desktop832.txt")
    render_version_file(project, "desktop832-cli", f"{project.product}（命令行）",
                        generated / "version-desktop832-cli.txt")
    bundle = run_pyinstaller(dist, work, icon, generated, args.clean)
    components = write_licenses(bundle, bundled_modules(work), project)
    built = time.monotonic()
    size = bundle_size(bundle)
    print(f"bundle built in {built - started:.0f} s: {bundle} ({mib(size)} unpacked)", flush=True)
    print(f"licenses/: {len(components)} components, {mib(bundle_size(bundle / 'licenses'))}", flush=True)

    outputs: list[tuple[str, Path]] = [("bundle", bundle)]
    if not args.no_self_test:
        print(f"self-test: {run_self_test(bundle)}", flush=True)
    if not args.no_portable:
        suffix = "windows" if WINDOWS else system_tag()
        portable = make_portable_zip(bundle, dist / f"desktop832-{project.version}-portable-{suffix}.zip", args.quick)
        outputs.append(("portable", portable))
    if not WINDOWS and not args.no_archive:
        archive = make_archive(bundle, dist / f"desktop832-{project.version}-{system_tag()}.tar.gz", args.quick)
        outputs.append(("archive", archive))
    if not args.no_installer:
        makensis = find_makensis(args.makensis)
        if makensis is None:
            raise BuildError("makensis not found: install NSIS (Debian: apt-get install nsis), "
                             "pass --makensis PATH, or build without the installer: --no-installer")
        suffix = "setup" if WINDOWS else f"setup-{platform.system().lower()}-payload"
        installer = make_installer(makensis, project, bundle, icon,
                                   dist / f"desktop832-{project.version}-{suffix}.exe", work, args.quick)
        outputs.append(("installer", installer))

    print()
    for label, path in outputs:
        detail = mib(size) + " unpacked" if path.is_dir() else mib(path.stat().st_size)
        print(f"{label:<10} {path}  {detail}")
    if not WINDOWS and not args.no_installer:
        print("note: the installer wraps this system's bundle; build on Windows for one to ship")
    print(f"time       {time.monotonic() - started:.0f} s")
    return 0


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description="Build the desktop832 bundle, archive and installer.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="work folder (default: build/)")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    parser.add_argument("--quick", action="store_true",
                        help="fast compression (zlib installer, gzip -1): for tests, not for release")
    parser.add_argument("--no-self-test", action="store_true", help="skip the bundled --self-test")
    parser.add_argument("--no-archive", action="store_true", help="no .tar.gz (Linux)")
    parser.add_argument("--no-installer", action="store_true", help="no NSIS installer")
    parser.add_argument("--no-portable", action="store_true", help="no portable zip")
    parser.add_argument("--makensis", help="path of makensis (default: found on PATH)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return build(args)
    except BuildError as exc:
        print(f"build_installer.py: {exc}", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"build_installer.py: {exc.cmd[0]} did not finish in {exc.timeout} s", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
