"""Verifying an upward export: was anything changed after export, and what do the rules say?

Entry point: :func:`verify_file` (``desktop832 verify FILE`` and the verify dialog), what a
supervising department runs on a file it received. It

1. reads the 校验数据 sheet (every field with its check code) and the 采购明细 sheet (every
   purchase with its check code) and recomputes the fingerprint from them;
2. names every field or purchase row whose check code no longer matches;
3. rebuilds the printable, summary and purchase-summary sheets from that data and names every
   cell that differs, so an edited figure is found wherever it was edited;
4. re-runs the rules with the policy the file names (from the verifier's own policy files), as of
   the export date unless told otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from ..domain import jsonformat
from ..domain.errors import InputError
from ..domain.counting import COUNT_COMPLETED, Counting
from ..domain.findings import Finding, Severity
from ..domain.model import Channel, FeeSource, OrderState, Purchase, Purpose
from ..domain.money import format_money, format_percent
from ..domain.policy import Policy, PolicyError
from ..domain.policy_files import load_policy_file
from .cells import cell_text, date_from_cell, money_from_cell, percent_from_cell
from .errors import ExchangeError
from .progress import STEP, Progress, no_progress
from . import export_layout as layout
from . import fingerprint as fp
from .export_data import (
    FINDING_KEY, FINGERPRINT_KEY, HEAD_FIELDS, NOTICE_SEPARATOR, RECORD_FIELDS, ExportData, data_fields, PolicyInfo, evaluate, finding_from_record,
    summarise,
)
from .export_layout import SheetSpec

MISSING_SHEET = "“{name}”缺少“{sheet}”工作表（被删除或改名），无法核验：请向报送单位索要原文件"


@dataclasses.dataclass(frozen=True)
class Change:
    where: str  # "汇总数据 I2", "采购明细 第 12 行"
    label: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}（{self.label}）：{self.detail}" if self.label else f"{self.where}：{self.detail}"


WHAT_IT_PROVES = (
    "说明：数据指纹按公开的方法由文件中的数据算出，任何人都能重算。因此核验只能证明两件事："
    "填报表与文件中的数据一致；文件中的数据与记载的指纹一致。它不能证明文件由谁制作："
    "改了数据又重算指纹的文件也会通过。要确认这就是单位盖章报送的那份数据，"
    "请把指纹与盖章纸质表上印的指纹核对（desktop832 verify 文件 --fingerprint 纸质表上的指纹）。"
)


@dataclasses.dataclass
class VerifyReport:
    path: Path
    unit: str
    year: int | None
    exported_on: dt.date | None
    stored_fingerprint: str
    computed_fingerprint: str
    changes: list[Change]
    notes: list[str]  # what could not be checked, and why
    policy: Policy | None
    as_of: dt.date | None
    findings: list[Finding] | None  # the rules re-run with the verifier's policy (None: no policy here)
    findings_differ: bool
    filed_findings: list[Finding] = dataclasses.field(default_factory=list)  # as the file records them
    paper: str | None = None  # the fingerprint typed from the stamped paper, if given
    cells_checked: int = 0

    @property
    def paper_matches(self) -> bool | None:
        return None if self.paper is None else fp.matches_paper(self.computed_fingerprint, self.paper)

    @property
    def unchanged(self) -> bool:
        return (
            bool(self.stored_fingerprint) and self.stored_fingerprint == self.computed_fingerprint
            and not self.changes and self.paper_matches is not False
        )

    @property
    def errors(self) -> int:
        """Errors the rules find: re-run with the verifier's policy, else as the file records them."""
        findings = self.findings if self.findings is not None else self.filed_findings
        return sum(f.severity is Severity.ERROR for f in findings)

    @property
    def exit_code(self) -> int:
        """0 unchanged and no error; 1 changed after export; 3 unchanged but the rules find errors."""
        if not self.unchanged:
            return 1
        return 3 if self.errors else 0

    @property
    def verdict(self) -> str:
        if not self.unchanged:
            if self.paper_matches is False and not self.changes and self.stored_fingerprint == self.computed_fingerprint:
                return "✘ 与纸质表上的指纹不一致：这不是盖章报送的那份数据"
            return f"✘ 导出后被改动过（{max(len(self.changes), 1)} 处不符）"
        text = "✔ 导出后未被改动"
        if self.paper_matches:
            text += "，与纸质表上的指纹一致"
        return text + (f"；但复核发现 {self.errors} 项错误" if self.errors else "")

    def text(self) -> str:
        out = [f"文件：{self.path.name}"]
        if self.year:
            out.append(f"单位：{self.unit}　年度：{self.year}　导出日期：{self.exported_on or '—'}")
        out.append(f"数据指纹：{fp.short(self.computed_fingerprint)}（完整：{self.computed_fingerprint}）")
        if self.stored_fingerprint != self.computed_fingerprint:
            out.append(f"文件记载：{self.stored_fingerprint or '（无）'}")
        if self.paper is not None:
            out.append(f"纸质表上的指纹：{self.paper}　→ {'一致' if self.paper_matches else '不一致'}")
        if self.unchanged:
            out.append(f"结论：导出后未被改动。文件中的数据与指纹一致，填报表等 3 张表的 {self.cells_checked} 个单元格"
                       "（内容、数字格式、字体颜色、填充、隐藏的行列、合并单元格、打印区域）都与数据算得的一致。")
            if self.paper is None:
                out.append("请将上面的指纹与单位报送的盖章纸质表上的指纹核对。")
        else:
            out.append(f"结论：{self.verdict.lstrip('✘ ')}")
            out.extend(f"  · {c}" for c in self.changes[:200])
            if len(self.changes) > 200:
                out.append(f"  · ……另有 {len(self.changes) - 200} 处")
            if not self.changes and self.stored_fingerprint != self.computed_fingerprint:
                out.append("  · 数据与指纹不符，但未能定位到具体单元格（可能增删了行）")
        out.extend(f"注意：{n}" for n in self.notes)
        if self.findings is not None and self.policy is not None:
            out.append(f"复核（政策：{self.policy.name}，按 {self.as_of:%Y-%m-%d}）：")
            for f in sorted(self.findings, key=lambda f: -f.severity):
                out.append(f"  [{f.severity.label}] {f.message}")
                if f.citation:
                    out.append(f"          依据：{f.citation}")
            bad = sum(f.severity >= Severity.WARNING for f in self.findings)
            out.append(f"  共 {len(self.findings)} 项，其中错误 {self.errors} 项、警告 {bad - self.errors} 项")
            if self.findings_differ:
                out.append("  复核结果与文件中记载的检查结果不同（政策文件版本不同，或复核日期不同）")
        elif self.filed_findings:
            out.append(f"文件记载的检查结果：错误 {self.errors} 项（本机没有该政策文件，未重新复核）")
        out.append(WHAT_IT_PROVES)
        return "\n".join(out)


# --- reading ---------------------------------------------------------------------------------------


def _open(path: Path):
    from openpyxl import load_workbook

    from .spreadsheets import BROKEN_XLSX, xlsx_errors, sniff

    if sniff(path) != "xlsx":
        raise ExchangeError(f"“{path.name}”不是 .xlsx 文件")
    handle = open(path, "rb")
    try:
        return handle, load_workbook(handle, read_only=True, data_only=True), xlsx_errors()
    except xlsx_errors():
        handle.close()
        raise ExchangeError(f"无法读取“{path.name}”：{BROKEN_XLSX}") from None


def _rows(wb, name: str, path: Path) -> list[tuple]:
    if name not in wb.sheetnames:
        raise ExchangeError(MISSING_SHEET.format(name=path.name, sheet=name))
    return [tuple(r) for r in wb[name].iter_rows(values_only=True)]


def canonical_from_cell(kind: str, raw, label: str):
    """A cell as the canonical (JSON-form) value of a field; raises :class:`InputError`."""
    if kind in ("text", "enum"):
        return cell_text(raw)
    if kind == "money":
        value = money_from_cell(raw, label=label)
        return None if value is None else f"{value:.2f}"
    if kind == "percent":
        value = percent_from_cell(raw, label=label)
        return None if value is None else f"{value:.2f}"
    if kind == "date":
        value = date_from_cell(raw, label=label)
        return None if value is None else value.isoformat()
    if kind == "bool":
        text = cell_text(raw)
        if text not in ("是", "否"):
            raise InputError(f"{label}应为“是”或“否”：{text}")
        return text == "是"
    if kind == "int":
        text = cell_text(raw)
        if not text:
            return None
        if not text.isdigit():
            raise InputError(f"{label}应为整数：{text}")
        return int(text)
    raise AssertionError(kind)  # pragma: no cover


def _data_rows(rows: list[tuple]) -> dict[str, tuple[int, object, str]]:
    """The rows of 校验数据 by field key: (row number, value cell, check code)."""
    found: dict[str, tuple[int, object, str]] = {}
    for r, row in enumerate(rows[1:], 2):
        row = tuple(row) + (None,) * 4
        key = cell_text(row[2])
        if key:
            found[key] = (r, row[1], cell_text(row[3]))
    return found


def _stated(found: dict, key: str):
    """A head field's value as the file states it, before any check (``None`` if unreadable)."""
    field = next(f for f in HEAD_FIELDS if f.key == key)
    try:
        return canonical_from_cell(field.kind, found[key][1], field.label) if key in found else None
    except InputError:
        return None


def _read_data_sheet(found: dict, version: int, changes: list[Change]) -> tuple[dict, list, str]:
    """The fields of ``version``'s list, the findings (as records) and the stored fingerprint of 校验数据."""
    stored = cell_text(found.get(FINGERPRINT_KEY, (0, "", ""))[1])
    if not stored:
        changes.append(Change(layout.DATA_SHEET, "数据指纹", "文件中没有数据指纹（“数据指纹”一行被删除或清空）"))
    values: dict[str, object] = {}
    for field in data_fields(version):
        if field.key not in found:
            changes.append(Change(layout.DATA_SHEET, field.label, "该项被删除"))
            values[field.key] = None
            continue
        r, raw, code = found[field.key]
        try:
            value = canonical_from_cell(field.kind, raw, field.label)
        except InputError as exc:
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", field.label, f"无法识别：{exc.message}"))
            values[field.key] = cell_text(raw)
            continue
        values[field.key] = value
        if fp.field_digest(field.key, value) != code:
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", field.label, f"导出后被改动，现为“{_show_canonical(field.kind, value)}”"))
    records = []
    count = values.get("export.finding_count")
    expected_keys = {FINDING_KEY.format(i) for i in range(1, (count if isinstance(count, int) else 0) + 1)}
    for i in range(1, len(expected_keys) + 1):
        key = FINDING_KEY.format(i)
        if key not in found:
            changes.append(Change(layout.DATA_SHEET, f"检查结果 {i}", "该项被删除"))
            continue
        r, raw, code = found[key]
        try:
            record = json.loads(cell_text(raw))
            finding_from_record(record)
        except json.JSONDecodeError:  # Python's words are English
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", f"检查结果 {i}", "无法识别：不是程序写出的格式"))
            continue
        except ValueError as exc:  # finding_from_record's own Chinese words
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", f"检查结果 {i}", f"无法识别：{exc}"))
            continue
        if fp.field_digest(key, record) != code:
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", f"检查结果 {i}", "导出后被改动"))
        records.append(record)
    for key, (r, _, _) in found.items():
        if key.startswith("findings.") and key not in expected_keys:
            changes.append(Change(f"{layout.DATA_SHEET} B{r}", key, "多出的检查结果（导出时没有）"))
    return values, records, stored


def _show_canonical(kind: str, value) -> str:
    if value is None:
        return "（空）"
    if kind == "money":
        return format_money(Decimal(value))
    if kind == "percent":
        return format_percent(Decimal(value))
    if kind == "bool":
        return "是" if value else "否"
    return str(value)


def _head(values: dict, findings: list) -> dict:
    notices = values["policy.notices"] or ""
    purposes = values["policy.counted_purposes"] or ""
    excluded = values["policy.excluded_purposes"] or ""
    head = {
        "format": values["export.format"], "version": values["export.version"],
        "exported_on": values["export.exported_on"], "purchase_count": values["export.purchase_count"],
        "policy": {
            "id": values["policy.id"], "name": values["policy.name"], "year": values["policy.year"],
            "notices": notices.split(NOTICE_SEPARATOR) if notices else [],
            "filing_deadline": values["policy.filing_deadline"],
            "confirmation_deadline": values["policy.confirmation_deadline"], "sha256": values["policy.sha256"],
            "counted_purposes": purposes.split(NOTICE_SEPARATOR) if purposes else [],
            "excluded_purposes": excluded.split(NOTICE_SEPARATOR) if excluded else [],
            "count_when": values["policy.count_when"],
        },
        "profile": {}, "plan": {}, "findings": findings,
    }
    for key, value in values.items():
        scope, _, name = key.partition(".")
        if scope in ("profile", "plan"):
            head[scope][name] = value
    return head


_DETAIL = {name: i for i, name in enumerate(layout.DETAIL_HEADERS)}


def _read_detail(wb, changes: list[Change], progress: Progress, version: int) -> tuple[list[Purchase], list[str]]:
    if layout.DETAIL_SHEET not in wb.sheetnames:
        raise ExchangeError(MISSING_SHEET.format(name="上报文件", sheet=layout.DETAIL_SHEET))
    ws = wb[layout.DETAIL_SHEET]
    rows = ws.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    wanted = layout.detail_headers(version)
    missing = [h for h in wanted if h not in header]
    if missing:
        changes.append(Change(layout.DETAIL_SHEET, "", "缺少列：" + "、".join(missing)))
        return [], []
    col = {name: header.index(name) for name in wanted}
    purchases: list[Purchase] = []
    lines: list[str] = []
    total = ws.max_row if isinstance(ws.max_row, int) else None
    for r, row in enumerate(rows, 2):
        if r % STEP == 0:
            progress(r, total)
        if not any(v is not None and str(v).strip() for v in row):
            continue
        row = tuple(row) + (None,) * len(header)
        where = f"{layout.DETAIL_SHEET} 第 {r} 行"
        try:
            p = _purchase(row, col)
        except InputError as exc:
            changes.append(Change(where, exc.field or "", f"无法识别：{exc.message}"))
            continue
        line = fp.purchase_line(p, version)
        if fp.digest(line) != cell_text(row[col["校验码"]]):
            changes.append(Change(where, f"订单 {p.order_no}" if p.order_no else "", "导出后被改动（或是后来添加的行）"))
        purchases.append(p)
        lines.append(line)
    return purchases, lines


def _purchase(row: tuple, col: dict[str, int]) -> Purchase:
    def get(name):
        return row[col[name]]

    def enum(name, enum_type):
        text = cell_text(get(name))
        try:
            return enum_type(text)
        except ValueError:
            named = "、".join(e.value for e in enum_type if e.value)
            blank = "（或留空）" if any(not e.value for e in enum_type) else ""
            raise InputError(f"{name}应为以下之一：{named}{blank}", name) from None

    def checked(convert, name, **kw):
        try:
            return convert(get(name), label=name, **kw)
        except InputError as exc:
            raise InputError(exc.message, name) from None

    evaluated = cell_text(get("履约评价"))
    if evaluated not in ("是", "否"):
        raise InputError("履约评价应为“是”或“否”", "履约评价")
    return Purchase(
        date=checked(date_from_cell, "下单日期", required=True),
        amount=checked(money_from_cell, "金额（元）", required=True),
        order_no=cell_text(get("订单编号")), supplier=cell_text(get("供应商")), description=cell_text(get("商品")),
        purpose=enum("用途", Purpose), channel=enum("渠道", Channel), state=enum("订单状态", OrderState),
        paid_on=checked(date_from_cell, "付款日期"), evaluated=evaluated == "是", note=cell_text(get("备注")),
        delivered_on=checked(date_from_cell, "收货日期"),
        # an export before version 4 has neither column: its purchases are read without them
        invoice_no=cell_text(get("发票号")) if "发票号" in col else "",
        fee_source=enum("费用来源", FeeSource) if "费用来源" in col else FeeSource.UNSET,
    )


# --- comparing the derived sheets with what the data implies -----------------------------------------

DERIVED_SHEETS = (layout.PRINT_SHEET, layout.SUMMARY_SHEET, layout.PURCHASE_SUMMARY_SHEET)
_THEME_COLOURS = {0: "FFFFFF", 1: "000000", 2: "E7E6E6", 3: "44546A"}  # Office theme: lt1 dk1 lt2 dk2 as fonts use them
_COLOUR_NAMES = {"000000": "黑色", "FFFFFF": "白色"}


def _styled_workbook(data: bytes, keep: tuple[str, ...]):
    """The workbook with full cell styles, but with every sheet other than ``keep`` emptied first:
    loading a 100,000-row detail sheet with styles would take minutes and is not needed here."""
    from openpyxl import load_workbook

    source = zipfile.ZipFile(io.BytesIO(data))
    targets = _sheet_parts(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            if item.filename in targets and targets[item.filename] not in keep:
                z.writestr(item.filename, '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                          "<sheetData/></worksheet>")
            else:
                z.writestr(item, source.read(item.filename))
    out.seek(0)
    return load_workbook(out)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name (``xl/worksheets/sheet4.xml``) → sheet name, from the workbook and its relations."""
    from xml.etree import ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    rels = {
        r.get("Id"): r.get("Target")
        for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    }
    parts = {}
    for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter(main + "sheet"):
        target = rels.get(sheet.get(rel_ns + "id"), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[target] = sheet.get("name")
    return parts


def _colour(colour) -> str:
    if colour is None:
        return "000000"
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str):
        return colour.rgb[-6:].upper()
    if kind == "theme":
        return _THEME_COLOURS.get(colour.theme, f"主题色 {colour.theme}")
    if kind == "indexed":
        from openpyxl.styles.colors import COLOR_INDEX

        index = colour.indexed
        return COLOR_INDEX[index][-6:].upper() if isinstance(index, int) and index < len(COLOR_INDEX) else "000000"
    return "000000"


def _fill(fill) -> str:
    kind = getattr(fill, "fill_type", None) or getattr(fill, "patternType", None)
    if kind in (None, "none"):
        return "无"
    return _colour(fill.fgColor) if kind == "solid" else f"{kind} {_colour(fill.fgColor)}"


def _number_format(fmt: str | None) -> str:
    """Number formats as they print: LibreOffice writes yyyy-mm-dd as yyyy\\-mm\\-dd."""
    fmt = (fmt or "General").replace("\\", "").lower()
    return "general" if fmt in ("general", "@") else fmt


def _value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, float, Decimal)):
        return f"{Decimal(str(v)):.6f}"
    return str(v)


def _show_value(text: str) -> str:
    if not text:
        return "（空）"
    try:
        number = Decimal(text)
    except ArithmeticError:
        return f"“{text if len(text) <= 60 else text[:60] + '…'}”"
    return format(number.normalize(), "f")


def _show_colour(code: str) -> str:
    return f"{_COLOUR_NAMES[code]}（{code}）" if code in _COLOUR_NAMES else code


def _print_area(ws) -> str:
    area = ws.print_area
    if isinstance(area, (list, tuple)):
        area = ",".join(area)
    return re.sub(r"^.*!", "", (area or "").replace("$", "")) or "（未设）"


def _hidden_rows(ws) -> set[int]:
    return {r for r, d in ws.row_dimensions.items() if d.hidden}


def _hidden_columns(ws) -> set[str]:
    from openpyxl.utils import get_column_letter

    hidden = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min:
            hidden.update(get_column_letter(c) for c in range(dim.min, (dim.max or dim.min) + 1))
    return hidden


def _labels(spec: SheetSpec) -> dict[tuple[int, int], str]:
    """What each cell of a derived sheet is, to name it in the report."""
    labels = {}
    for r, row in enumerate(spec.rows, 1):
        col = 1
        first = row[0].value if row and isinstance(row[0].value, str) else ""
        for cell in row:
            text = cell.label or (first if cell is not row[0] else (cell.value if isinstance(cell.value, str) else ""))
            labels[(r, col)] = text if len(text) <= 24 else text[:24] + "…"
            col += cell.span
    return labels


def compare_sheet(expected, actual, labels: dict, changes: list[Change]) -> int:
    """Name every difference between the sheet the data implies and the one in the file; returns the
    number of cells compared."""
    from openpyxl.utils import get_column_letter

    name = expected.title
    if actual.sheet_state != "visible":
        changes.append(Change(name, "", "工作表被隐藏了"))
    rows = max(expected.max_row, actual.max_row)
    columns = max(expected.max_column, actual.max_column)
    if actual.max_row != expected.max_row:
        changes.append(Change(name, "", f"应有 {expected.max_row} 行，表中有 {actual.max_row} 行（有行被删除或插入）"))
    checked = 0
    for r in range(1, rows + 1):
        for c in range(1, columns + 1):
            want, have = expected.cell(r, c), actual.cell(r, c)
            where, label = f"{name} {get_column_letter(c)}{r}", labels.get((r, c), "")
            checked += 1
            w, h = _value(want.value), _value(have.value)
            if w != h:
                changes.append(Change(where, label, f"内容应为 {_show_value(w)}，表中为 {_show_value(h)}"))
                continue
            if w:
                wf, hf = _number_format(want.number_format), _number_format(have.number_format)
                if wf != hf:
                    changes.append(Change(where, label, f"数字格式应为 {wf}，表中为 {hf}（打印出的数字会不同）"))
                wc, hc = _colour(want.font.color if want.font else None), _colour(have.font.color if have.font else None)
                if wc != hc:
                    changes.append(Change(where, label, f"字体颜色应为 {_show_colour(wc)}，表中为 {_show_colour(hc)}"))
            wfill, hfill = _fill(want.fill), _fill(have.fill)
            if wfill != hfill:
                changes.append(Change(where, label, f"填充应为 {_show_colour(wfill)}，表中为 {_show_colour(hfill)}"))
    for kind, get in (("行", _hidden_rows), ("列", _hidden_columns)):
        extra = sorted(get(actual) - get(expected), key=lambda x: (len(str(x)), str(x)))
        if extra:
            changes.append(Change(name, "", f"隐藏了第 {'、'.join(map(str, extra))} {kind}"))
    want_merged = {str(m) for m in expected.merged_cells.ranges}
    have_merged = {str(m) for m in actual.merged_cells.ranges}
    if want_merged != have_merged:
        detail = []
        if want_merged - have_merged:
            detail.append("应合并而未合并：" + "、".join(sorted(want_merged - have_merged)))
        if have_merged - want_merged:
            detail.append("多出的合并：" + "、".join(sorted(have_merged - want_merged)))
        changes.append(Change(name, "合并单元格", "；".join(detail)))
    if _print_area(expected) != _print_area(actual):
        changes.append(Change(name, "打印区域", f"应为 {_print_area(expected)}，表中为 {_print_area(actual)}"))
    return checked


# --- the whole check ---------------------------------------------------------------------------------


def verify_file(
    path: Path | str, library=None, *, policy_file: Path | None = None, as_of: dt.date | None = None,
    progress: Progress | None = None, paper: str | None = None,
) -> VerifyReport:
    """Check ``path``; raises :class:`ExchangeError` when it is not a readable export.

    ``paper`` is the fingerprint as printed on the stamped paper form, if the reviewer has it.
    """
    path = Path(path)
    progress = progress or no_progress
    handle, wb, errors = _open(path)
    try:
        try:
            report = _verify(path, wb, library, policy_file, as_of, progress)
        except errors as exc:
            from .spreadsheets import BROKEN_XLSX

            raise ExchangeError(f"无法读取“{path.name}”：{BROKEN_XLSX}") from exc
    finally:
        wb.close()
        handle.close()
    report.paper = paper
    return report


def _verify(path, wb, library, policy_file, as_of, progress) -> VerifyReport:
    changes: list[Change] = []
    notes: list[str] = []
    if layout.DATA_SHEET not in wb.sheetnames:
        if wb.properties.creator == "desktop832" or layout.PRINT_SHEET in wb.sheetnames:
            raise ExchangeError(MISSING_SHEET.format(name=path.name, sheet=layout.DATA_SHEET))
        raise ExchangeError(f"“{path.name}”不是 desktop832 导出的上报文件（没有“{layout.DATA_SHEET}”工作表）")
    found = _data_rows(_rows(wb, layout.DATA_SHEET, path))
    if _stated(found, "export.format") != fp.FORMAT:
        raise ExchangeError(f"“{path.name}”不是 desktop832 导出的上报文件（校验数据中的文件格式不对）")
    # the file is read by the field list of the version it states, not by this program's newest
    version = _stated(found, "export.version")
    newest = max(RECORD_FIELDS)
    if isinstance(version, int) and version > newest:
        raise ExchangeError(f"“{path.name}”的格式版本是 {version}，比本程序能核验的版本 {newest} 新：请升级 desktop832 后再核验")
    if version not in RECORD_FIELDS:
        known = "、".join(str(v) for v in sorted(RECORD_FIELDS))
        raise ExchangeError(f"“{path.name}”的格式版本是 {version}，本程序只核验版本 {known} 的文件")
    values, records, stored = _read_data_sheet(found, version, changes)
    for name in DERIVED_SHEETS:
        if name not in wb.sheetnames:
            changes.append(Change(name, "", "该工作表被删除或改名"))
    purchases, lines = _read_detail(wb, changes, progress, version)
    head = _head(values, records)
    computed = fp.fingerprint(head, lines)
    if values["export.purchase_count"] != len(purchases):
        changes.append(Change(layout.DETAIL_SHEET, "", f"共 {len(purchases)} 行，导出时为 {values['export.purchase_count']} 行"))
    try:
        profile, plans, _ = jsonformat.load(
            {"format": jsonformat.FORMAT, "version": jsonformat.VERSION, "profile": head["profile"], "plans": [head["plan"]]}
        )
        plan = plans[0]
        exported_on = dt.date.fromisoformat(values["export.exported_on"])
        counted = frozenset(Purpose(p) for p in head["policy"]["counted_purposes"])
        excluded = frozenset(Purpose(p) for p in head["policy"]["excluded_purposes"])
    except (jsonformat.JsonFormatError, TypeError, ValueError) as exc:
        why = str(exc) if isinstance(exc, jsonformat.JsonFormatError) else "内容不完整或格式不符"  # never Python's English
        notes.append(f"校验数据无法使用，未能重建填报表和复核规则：{why}")
        return VerifyReport(path, cell_text(values.get("profile.name")), None, None, stored, computed, changes,
                            notes, None, None, None, False)
    info = PolicyInfo(
        head["policy"]["id"] or "", head["policy"]["name"] or "", head["policy"]["year"] or 0,
        tuple(head["policy"]["notices"]),
        *(dt.date.fromisoformat(d) if d else None for d in (head["policy"]["filing_deadline"], head["policy"]["confirmation_deadline"])),
        head["policy"]["sha256"] or "", Counting(counted, excluded, head["policy"]["count_when"] or COUNT_COMPLETED),
    )
    filed = [finding_from_record(r) for r in records]
    data = ExportData(profile, plan, info, purchases, exported_on, filed, summarise(purchases, info.counting, plan.year), stored,
                      version)
    checked = _compare_derived(path, data, changes)
    policy = _find_policy(info, library, policy_file, notes)
    as_of = as_of or exported_on
    findings, differ = None, False
    if policy is not None:
        findings = evaluate(profile, plan, policy, purchases, as_of, info=info).findings
        differ = sorted((f.severity, f.message) for f in findings) != sorted((f.severity, f.message) for f in filed)
    return VerifyReport(path, profile.name, plan.year, exported_on, stored, computed, changes, notes, policy, as_of,
                        findings, differ, filed, cells_checked=checked)


def _compare_derived(path: Path, data: ExportData, changes: list[Change]) -> int:
    """Write the sheets the data implies, exactly as an export writes them, and compare them with the file."""
    from .export_xlsx import derived_workbook

    expected = _styled_workbook(derived_workbook(data), DERIVED_SHEETS)
    actual = _styled_workbook(path.read_bytes(), DERIVED_SHEETS)
    specs = {s.name: s for s in (layout.printable_sheet(data), layout.summary_sheet(data), layout.purchase_summary_sheet(data))}
    checked = 0
    for name in DERIVED_SHEETS:
        if name in actual.sheetnames:
            checked += compare_sheet(expected[name], actual[name], _labels(specs[name]), changes)
    return checked


def _find_policy(info: PolicyInfo, library, policy_file: Path | None, notes: list[str]) -> Policy | None:
    policy = None
    if policy_file is not None:
        try:
            policy = load_policy_file(policy_file)
        except PolicyError as exc:
            notes.append(str(exc))
            return None
        if policy.id != info.id:
            notes.append(f"指定的政策文件是“{policy.id}”，而上报文件使用的是“{info.id}”")
    elif library is not None:
        policy = library.get(info.id)
    if policy is None:
        notes.append(f"本机没有上报文件所用的政策文件“{info.id}”（{info.name}），未按本机政策重新复核规则"
                     "（填报表仍已与数据逐格核对）；可用 --policy 指定该政策文件")
        return None
    if info.sha256:
        from .export_data import policy_file_digest

        mine = policy_file_digest(policy)
        if mine and mine != info.sha256:
            notes.append(f"本机的政策文件“{policy.id}”与导出时所用的内容不同，复核结果可能与文件中记载的不同")
    return policy
