"""``desktop832 --self-test``: prove an installation or bundle has every file and module it needs.

Headless (Qt's offscreen platform) and on a temporary data file, it runs what the clerk's work
touches, each step a named check:

- the data file: create it (Alembic migrations), fill it with the shipped sample unit, read it back;
- the policy files and the rules;
- the commitment letter: write the PDF with the shipped fonts (reportlab, fontTools), read it back;
- the upward export: write the year's workbook (openpyxl) and verify it back against its fingerprint;
- the window's parts: every Designer form in ``forms/`` through ``QUiLoader``, the Qt plugins
  (native and offscreen platforms, svg and pdf image formats, svg icons), QtPdf rendering the
  letter, QtPrintSupport printing it to a file.

It prints one verdict line (``自检通过：…`` or ``自检失败：…`` naming every failed check) and
returns 0 or 1. A frozen bundle runs the same code, so a file or module the bundle lacks fails here
instead of on the clerk's desk. Checks after a failed one still run when they can.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

TODAY = dt.date(2024, 6, 1)  # a fixed day, so the rules give the same findings on every run
YEAR = 2024


class CheckFailed(Exception):
    """A check found something missing or wrong; the message is Chinese, for the verdict line."""


@dataclasses.dataclass
class Context:
    folder: Path
    notes: list[str] = dataclasses.field(default_factory=list)
    letter: Path | None = None


# --- checks ------------------------------------------------------------------------------------


def check_data_file(ctx: Context) -> None:
    from .. import paths
    from ..domain import jsonformat
    from ..store.database import Store

    profile, plans, purchases = jsonformat.load(json.loads(paths.demo_data().read_text("utf-8")))
    db = ctx.folder / "self-test.sqlite"
    with Store.open(db) as store:  # a new file: runs every Alembic migration
        store.replace_all(profile, plans, purchases)
    with Store.open(db, readonly=True) as store:
        if store.profile().name != profile.name or len(store.purchases()) != len(purchases):
            raise CheckFailed("数据文件读回的内容与写入的不一致")
        if YEAR not in store.years():
            raise CheckFailed(f"示例数据缺少 {YEAR} 年度")
    ctx.notes.append(f"数据文件（{len(purchases)} 笔采购）")


def _workspace(ctx: Context):
    from ..app.workspace import Workspace

    return Workspace.open(ctx.folder / "self-test.sqlite", today=TODAY)


def check_rules(ctx: Context) -> None:
    ws = _workspace(ctx)
    try:
        if ws.library.errors:
            raise CheckFailed(f"政策文件有误：{ws.library.errors[0]}")
        profile, plan = ws.store.profile(), ws.plan(YEAR)
        policy = ws.policy_for(profile, plan)
        if policy is None:
            raise CheckFailed(f"没有适用于示例单位 {YEAR} 年度的政策文件")
        findings = ws.findings(profile, plan, policy)
    finally:
        ws.close()
    if not findings:
        raise CheckFailed("规则没有给出任何结果")
    ctx.notes.append(f"政策文件 {len(ws.library.policies)} 个、规则 {len(findings)} 项")


def check_letter(ctx: Context) -> None:
    from ..documents.fonts import FontChoice
    from ..documents.letter import build_draft
    from ..documents.letter_pdf import write_letter

    ws = _workspace(ctx)
    try:
        profile, plan = ws.store.profile(), ws.plan(YEAR)
        draft = build_draft(profile, plan, ws.policy_for(profile, plan), TODAY)
    finally:
        ws.close()
    path = ctx.folder / "承诺函.pdf"
    # the shipped fonts only: proves resources/fonts is in the bundle, the same on every machine
    rendered = write_letter(path, draft, FontChoice(use_system=False))
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise CheckFailed("承诺函 PDF 文件不完整")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)\b", data))
    if pages < 1 or pages != rendered.pages:
        raise CheckFailed(f"承诺函 PDF 有 {pages} 页，应为 {rendered.pages} 页")
    if b"/FontFile2" not in data:
        raise CheckFailed("承诺函 PDF 没有嵌入字体")
    ctx.letter = path
    ctx.notes.append(f"承诺函 PDF（{rendered.pages} 页）")


def check_export(ctx: Context) -> None:
    """The upward export (openpyxl), then the same file checked back against its fingerprint."""
    from ..app.exporting import export_year
    from ..documents.verify import verify_file

    path = ctx.folder / "上报.xlsx"
    ws = _workspace(ctx)
    try:
        result = export_year(ws, YEAR, path, today=TODAY, save_status=False)
        report = verify_file(path, ws.library, as_of=TODAY)
    finally:
        ws.close()
    if not zipfile.is_zipfile(path):
        raise CheckFailed("导出的 xlsx 文件不完整")
    if "采购".encode("gbk").decode("gb18030") != "采购":  # order lists come as GBK .csv too
        raise CheckFailed("缺少 GBK 编码")
    if report.year != YEAR or not report.unchanged:
        raise CheckFailed(f"导出的 xlsx 读回后与导出时不符（{len(report.changes)} 处）")
    ctx.notes.append(f"上报 xlsx（{result.purchase_count} 笔，读回核对一致）")


# Qt plugins the window needs, per folder: the native platform (its libraries must be there, so on
# Linux the X11/xcb libraries too), offscreen, svg icons and images, pdf images; on Windows the
# native look ("*": every plugin in the folder, at least one). Loading each proves its libraries.
def required_plugins() -> dict[str, list[str]]:
    native = {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")
    plugins = {
        "platforms": [native, "offscreen"],
        "imageformats": ["svg", "pdf", "ico"],
        "iconengines": ["svgicon"],
    }
    if sys.platform == "win32":
        plugins["styles"] = ["*"]
    return plugins


def plugin_file(folder: Path, name: str) -> Path:
    if sys.platform == "win32":
        return folder / f"q{name}.dll"
    if sys.platform == "darwin":
        return folder / f"libq{name}.dylib"
    return folder / f"libq{name}.so"


def _plugin_files(folder: Path, name: str) -> list[Path]:
    if name != "*":
        return [plugin_file(folder, name)]
    return sorted(p for p in folder.glob("*") if p.suffix in (".dll", ".so", ".dylib"))


def _application():
    from PySide6.QtWidgets import QApplication

    from ..ui.app import create_application

    if QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # headless, also on a desktop
    return create_application([sys.argv[0] if sys.argv else "desktop832"])


def check_qt_plugins(ctx: Context) -> None:
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QPluginLoader

    _application()
    # where Qt looks: its own plugin folder first, then the application's library paths
    roots = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))]
    roots += [Path(p) for p in QCoreApplication.libraryPaths()]
    missing = []
    for folder, names in required_plugins().items():
        root = next((r for r in roots if (r / folder).is_dir()), roots[0])
        for name in names:
            files = _plugin_files(root / folder, name)
            if not files:
                missing.append(f"{folder}/（没有插件）")
            for path in files:
                loader = QPluginLoader(str(path))
                if not path.is_file():
                    missing.append(f"{folder}/{path.name}（缺少文件）")
                elif not loader.load():
                    missing.append(f"{folder}/{path.name}（{loader.errorString()}）")
    if missing:
        raise CheckFailed("Qt 插件无法加载：" + "、".join(missing))

    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon, QImage, QImageReader

    from .. import paths

    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    lacking = [f for f in ("svg", "pdf") if f not in formats]
    if lacking:
        raise CheckFailed(f"Qt 不支持图片格式：{'、'.join(lacking)}")
    icon_path = paths.resources_dir() / "icons" / "desktop832.svg"
    if QImage(str(icon_path)).isNull():
        raise CheckFailed(f"无法读取图标：{icon_path}")
    if QIcon(str(icon_path)).pixmap(QSize(32, 32)).isNull():
        raise CheckFailed("svg 图标无法显示")
    check_year_chart()
    ctx.notes.append("Qt 插件")


def check_year_chart() -> None:
    """The overview's chart: reportlab draws it as SVG, QtSvgWidgets shows it."""
    import datetime as dt
    from decimal import Decimal

    from ..domain.counting import tally
    from ..domain.model import Purchase
    from ..domain.year_chart import year_chart
    from ..ui.tabs.year_chart import YearChartView, render_chart

    chart = year_chart(tally([Purchase(dt.date(2024, 3, 1), Decimal("100.00"))], None, 2024, dt.date(2024, 12, 31)),
                       Decimal("1000.00"), None)
    svg, geometry = render_chart(chart)
    view = YearChartView()
    view.show_chart(chart, svg, geometry)
    if not view.renderer().isValid():
        raise CheckFailed("QtSvg 无法显示概览中的采购图")
    view.deleteLater()


def check_forms(ctx: Context) -> None:
    from .. import paths
    from ..ui.forms import load_form

    _application()
    names = sorted(p.name for p in paths.forms_dir().glob("*.ui"))
    if not names:
        raise CheckFailed(f"没有找到界面文件：{paths.forms_dir()}")
    broken = []
    for name in names:
        try:
            load_form(name).deleteLater()
        except Exception as exc:  # QUiLoader's own message does not name the file
            broken.append(f"{name}（{exc}）")
    if broken:
        raise CheckFailed("界面文件无法加载：" + "、".join(broken))
    ctx.notes.append(f"界面文件 {len(names)} 个")


def check_pdf_view(ctx: Context) -> None:
    """QtPdf opens the letter and renders ink on its first page; QtPrintSupport prints it to a file."""
    if ctx.letter is None:
        raise CheckFailed("没有承诺函可供预览（上一步失败）")
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QImage, QPainter, QPageSize
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
    from PySide6.QtPrintSupport import QPrinter

    _application()
    document = QPdfDocument()
    error = document.load(str(ctx.letter))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise CheckFailed(f"QtPdf 无法打开承诺函：{error.name}")
    view = QPdfView()
    view.setDocument(document)
    image = document.render(0, QSize(420, 594))  # a width divisible by 4: rows without padding
    page = QImage(image.size(), QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.drawImage(0, 0, image)
    painter.end()
    gray = page.convertToFormat(QImage.Format.Format_Grayscale8)  # keep it alive while reading its bits
    if image.isNull() or min(gray.constBits().tobytes()) > 128:
        raise CheckFailed("QtPdf 渲染的承诺函是空白的")

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printed = ctx.folder / "打印.pdf"
    printer.setOutputFileName(str(printed))
    painter = QPainter()
    if not painter.begin(printer):
        raise CheckFailed("QtPrintSupport 无法开始打印")
    painter.drawImage(0, 0, page)
    painter.end()
    if not printed.read_bytes().startswith(b"%PDF"):
        raise CheckFailed("QtPrintSupport 没有输出")
    ctx.notes.append(f"预览与打印（{document.pageCount()} 页）")
    view.deleteLater()
    document.close()


CHECKS: list[tuple[str, Callable[[Context], None]]] = [
    ("数据文件", check_data_file),
    ("规则检查", check_rules),
    ("承诺函", check_letter),
    ("导出", check_export),
    ("Qt 插件", check_qt_plugins),
    ("界面文件", check_forms),
    ("预览打印", check_pdf_view),
]


def run_self_test(checks: list[tuple[str, Callable[[Context], None]]] | None = None) -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="desktop832-selftest-") as folder:
        ctx = Context(Path(folder))
        previous_home = os.environ.get("DESKTOP832_HOME")
        # backups, logs and user policy files of this run stay in the temporary folder too
        os.environ["DESKTOP832_HOME"] = str(Path(folder) / "home")
        try:
            for label, check in checks or CHECKS:
                try:
                    check(ctx)
                except Exception as exc:  # the verdict line is the whole point: report anything
                    detail = str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"
                    failures.append(f"{label}：{' '.join(detail.split())}")  # the verdict stays one line
                    if label == "数据文件":
                        break  # every later check reads the data file
        finally:
            if previous_home is None:
                os.environ.pop("DESKTOP832_HOME", None)
            else:
                os.environ["DESKTOP832_HOME"] = previous_home
            _release_qt()
    if failures:
        print("自检失败：" + "；".join(failures))
        return 1
    print("自检通过：" + "、".join(ctx.notes) + " 均正常")
    return 0


def _release_qt() -> None:
    """Let deleted widgets go before the temporary folder is removed (Windows keeps open files)."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
