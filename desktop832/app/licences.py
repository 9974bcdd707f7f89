"""What the program is made of and under which licences: the bundle's ``licenses/`` folder and 帮助 → 关于.

At build time ``build_installer.py`` asks ``bundled_distributions`` which installed distributions
the modules PyInstaller collected come from, and ``write_licenses_folder`` copies each one's licence
files (found through its metadata: ``License-File`` and the files named LICENSE, COPYING, NOTICE, …)
into ``licenses/<name>-<version>/``, with Python's own licence, the fonts' OFL texts, the LGPL-3.0
and GPL-3.0 texts PySide6 and Qt are under and where to get their source, the project's licence,
a ``README.txt`` for the person reading the folder and ``index.json`` for the program.

The About box reads ``index.json`` in a bundle (``read_index``); run from source it lists the
distributions the project requires (``installed_components``), from the same metadata.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata as metadata
import json
import re
import shutil
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

from .. import paths

INDEX = "index.json"
PROJECT = "desktop832"
LICENCE_NAMES = re.compile(r"^(licen[cs]e|copying|notice|authors|copyright)", re.IGNORECASE)
NOT_LICENCE_TEXT = {".py", ".pyc", ".pyi", ".html", ".so", ".pyd", ".dll"}
# PySide6 (Essentials and Pdf) and shiboken6 ship no licence file: the texts they name come from here
QT_DISTRIBUTIONS = {"pyside6-essentials", "pyside6-pdf", "pyside6-addons", "pyside6", "shiboken6"}
QT_TEXTS = ("LGPL-3.0.txt", "GPL-3.0.txt")
QT_SOURCE = (
    "Qt {qt} 与 Qt for Python（PySide6、shiboken6）{pyside} 以 LGPL-3.0 许可证随附（也可选 GPL-2.0/GPL-3.0），"
    "未作修改，以独立的动态库文件存放在程序目录 _internal\\PySide6 中，可以自行替换为同一版本或兼容版本的库。\n"
    "源代码：Qt 在 https://download.qt.io/official_releases/qt/ ，Qt for Python 在 "
    "https://download.qt.io/official_releases/QtForPython/ （pyside-setup 源码包），"
    "也可在 https://code.qt.io/ 取得对应版本的标签。"
)


@dataclasses.dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str
    files: tuple[str, ...] = ()  # licence texts, relative to the licenses/ folder

    def as_json(self) -> dict:
        return {"name": self.name, "version": self.version, "licence": self.licence, "files": list(self.files)}


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: metadata.Distribution) -> str:
    """The SPDX expression when the metadata has one, else the License field or the classifiers."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80:
        return text
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    classifiers = [c for c in classifiers if c != "OSI Approved"]
    if classifiers:
        return " / ".join(classifiers)
    return text.splitlines()[0][:80] if text else "（元数据未写明）"


def licence_files(dist: metadata.Distribution) -> list[Path]:
    """The distribution's licence texts as installed: License-File entries and files so named."""
    found: dict[str, Path] = {}
    declared = {Path(name).name for name in dist.metadata.get_all("License-File") or []}
    for file in dist.files or []:
        name = Path(str(file)).name
        if Path(name).suffix.lower() in NOT_LICENCE_TEXT:
            continue
        if name in declared or LICENCE_NAMES.match(name):
            path = Path(dist.locate_file(file))
            if path.is_file() and path.stat().st_size <= 512_000:
                found.setdefault(str(file), path)
    return [found[key] for key in sorted(found)]


def bundled_distributions(modules: Iterable[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions that the given (top-level) module names come from, by name.

    Names no distribution provides (the standard library, the app's own modules from source) are
    left out; the project's own distribution too: its licence is shipped on its own.
    """
    owners = metadata.packages_distributions()
    found: dict[str, metadata.Distribution] = {}
    for module in modules:
        for name in owners.get(module.split(".")[0], []):
            if _key(name) == PROJECT or _key(name) in {_key(n) for n in found}:
                continue
            try:
                found[name] = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
    return dict(sorted(found.items(), key=lambda item: _key(item[0])))


def python_licence() -> Path | None:
    """CPython's LICENSE.txt (it also covers the libraries the Windows build bundles)."""
    for folder in (Path(sysconfig.get_paths()["stdlib"]), Path(sys.base_prefix)):
        if (folder / "LICENSE.txt").is_file():
            return folder / "LICENSE.txt"
    return None


def _version_of(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def write_licenses_folder(target: Path, distributions: dict[str, metadata.Distribution], *, project_licence: Path,
                          project_version: str, fonts_dir: Path, qt_texts_dir: Path,
                          qt_version: str | None = None) -> list[Component]:
    """Write ``target`` (the bundle's licenses/ folder) afresh; return what ``index.json`` lists."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    components = []

    shutil.copyfile(project_licence, target / f"{PROJECT}-LICENSE.txt")
    components.append(Component(PROJECT, project_version, "MIT", (f"{PROJECT}-LICENSE.txt",)))

    python = python_licence()
    version = ".".join(map(str, sys.version_info[:3]))
    if python is not None:
        shutil.copyfile(python, target / "Python-LICENSE.txt")
    components.append(Component("Python", version, "PSF-2.0", ("Python-LICENSE.txt",) if python else ()))

    qt_used = any(_key(name) in QT_DISTRIBUTIONS for name in distributions)
    if qt_used:
        for text in QT_TEXTS:
            shutil.copyfile(qt_texts_dir / text, target / text)
        pyside = _version_of("PySide6_Essentials")
        (target / "Qt-PySide6-SOURCE.txt").write_text(
            QT_SOURCE.format(qt=qt_version or pyside, pyside=pyside) + "\n", "utf-8")
        components.append(Component("Qt", qt_version or pyside, "LGPL-3.0-only",
                                    QT_TEXTS + ("Qt-PySide6-SOURCE.txt",)))

    for name, dist in distributions.items():
        folder = f"{dist.metadata['Name']}-{dist.version}"
        copied = []
        for index, source in enumerate(licence_files(dist)):
            destination = source.name if source.name not in {Path(c).name for c in copied} else f"{index}-{source.name}"
            (target / folder).mkdir(exist_ok=True)
            shutil.copyfile(source, target / folder / destination)
            copied.append(f"{folder}/{destination}")
        if _key(name) in QT_DISTRIBUTIONS:
            copied += list(QT_TEXTS) + ["Qt-PySide6-SOURCE.txt"]
        components.append(Component(dist.metadata["Name"], dist.version, licence_of(dist), tuple(copied)))

    fonts = sorted(fonts_dir.glob("OFL-*.txt"))
    for font in fonts:
        shutil.copyfile(font, target / font.name)
        components.append(Component(font.stem.removeprefix("OFL-"), "", "OFL-1.1", (font.name,)))

    (target / INDEX).write_text(
        json.dumps([c.as_json() for c in components], ensure_ascii=False, indent=1) + "\n", "utf-8")
    lines = [
        f"{PROJECT} {project_version} 及随附组件的许可证 / Licences of desktop832 and the components it ships",
        "",
        f"{PROJECT} 本身以 MIT 许可证发布（{PROJECT}-LICENSE.txt）。下列组件随程序一起分发，各自的许可证全文在本文件夹中：",
        "",
    ]
    for component in components[1:]:
        files = "、".join(component.files) or "（元数据中没有许可证文件）"
        label = f"{component.name} {component.version}".strip()
        lines.append(f"- {label}: {component.licence} — {files}")
    if sys.platform != "win32":
        lines += ["", "在 Linux 上，程序目录中还有构建系统的共享库（glib、fontconfig、freetype、ICU 等），"
                  "其许可证见该发行版软件包中的版权文件（/usr/share/doc/<软件包>/copyright）。"]
    if qt_used:
        lines += ["", QT_SOURCE.format(qt=qt_version or _version_of("PySide6_Essentials"),
                                       pyside=_version_of("PySide6_Essentials"))]
    (target / "README.txt").write_text("\n".join(lines) + "\n", "utf-8-sig")  # BOM: Notepad reads it as UTF-8
    return components


def read_index(folder: Path) -> list[Component]:
    data = json.loads((folder / INDEX).read_text("utf-8"))
    return [Component(d["name"], d["version"], d["licence"], tuple(d["files"])) for d in data]


def installed_components() -> list[Component]:
    """Run from source: the project, Python and every distribution the project requires, recursively."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [PROJECT]
    while todo:
        name = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if _key(name) in {_key(n) for n in seen}:
            continue
        seen[name] = dist
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            todo.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
    components = [Component(PROJECT, _version_of(PROJECT), "MIT"),
                  Component("Python", ".".join(map(str, sys.version_info[:3])), "PSF-2.0")]
    if any(_key(name) in QT_DISTRIBUTIONS for name in seen):  # Qt ships inside the PySide6 wheel, at its version
        components.append(Component("Qt", _version_of("PySide6_Essentials"), "LGPL-3.0-only"))
    for name, dist in sorted(seen.items(), key=lambda item: _key(item[0])):
        if _key(name) != PROJECT:
            components.append(Component(dist.metadata["Name"], dist.version, licence_of(dist)))
    return components


def components() -> tuple[list[Component], Path | None]:
    """What 关于 lists, and the licenses/ folder holding the texts (``None`` when run from source)."""
    folder = paths.licenses_dir()
    if folder is not None and (folder / INDEX).is_file():
        try:
            return read_index(folder), folder
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return installed_components(), None
