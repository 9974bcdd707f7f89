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
from decimal import Decimal
from pathlib import Path

from ..domain import jsonformat
from ..domain.errors import InputError
from ..domain.findings import Finding, Severity
from ..domain.model import Channel, OrderState, Purchase, Purpose
from ..domain.money import format_money, format_percent
from ..domain.policy import Policy, PolicyError
from ..domain.policy_files import load_policy_file
from .cells import cell_text, date_from_cell, money_from_cell, percent_from_cell
from .errors import ExchangeError
from .progress import STEP, Progress, no_progress
from . import export_layout as layout
from . import fingerprint as fp
from .export_data import (
    DATA_FIELDS, FINGERPRINT_KEY, NOTICE_SEPARATOR, ExportData, PolicyInfo, evaluate,
)
from .export_layout import C, SheetSpec

NOT_AN_EXPORT = "不是 desktop832 导出的上报文件（缺少“{sheet}”工作表）"


@dataclasses.dataclass(frozen=True)
class Change:
    where: str  # "汇总数据 I2", "采购明细 第 12 行"
    label: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}（{self.label}）：{self.detail}" if self.label else f"{self.where}：{self.detail}"


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
    findings: list[Finding] | None
    findings_differ: bool

    @property
    def unchanged(self) -> bool:
        return bool(self.stored_fingerprint) and self.stored_fingerprint == self.computed_fingerprint and not self.changes

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings or [])

    def text(self) -> str:
        out = [f"文件：{self.path.name}"]
        if self.year:
            out.append(f"单位：{self.unit}　年度：{self.year}　导出日期：{self.exported_on or '—'}")
        out.append(f"数据指纹：{self.computed_fingerprint}")
        if self.stored_fingerprint != self.computed_fingerprint:
            out.append(f"文件记载：{self.stored_fingerprint or '（无）'}")
        if self.unchanged:
            out.append("结论：导出后未被改动。请将上面的指纹与单位报送的纸质表上的指纹核对。")
        else:
            out.append(f"结论：导出后被改动过（{len(self.changes)} 处不符）")
            out.extend(f"  · {c}" for c in self.changes[:200])
            if len(self.changes) > 200:
                out.append(f"  · ……另有 {len(self.changes) - 200} 处")
            if not self.changes:
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
                out.append("  复核结果与文件中记载的检查结果不同（可能是政策文件版本不同，或文件被改动）")
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


def _rows(wb, name: str) -> list[tuple]:
    if name not in wb.sheetnames:
        raise ExchangeError(NOT_AN_EXPORT.format(sheet=name))
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


def _read_data_sheet(rows: list[tuple], changes: list[Change]) -> tuple[dict, str]:
    found: dict[str, tuple[int, object, str]] = {}
    for r, row in enumerate(rows[1:], 2):
        row = tuple(row) + (None,) * 4
        key = cell_text(row[2])
        if key:
            found[key] = (r, row[1], cell_text(row[3]))
    stored = cell_text(found.get(FINGERPRINT_KEY, (0, "", ""))[1])
    values: dict[str, object] = {}
    for field in DATA_FIELDS:
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
    return values, stored


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


def _head(values: dict) -> dict:
    notices = values["policy.notices"] or ""
    head = {
        "format": values["export.format"], "version": values["export.version"],
        "exported_on": values["export.exported_on"], "purchase_count": values["export.purchase_count"],
        "policy": {
            "id": values["policy.id"], "name": values["policy.name"], "year": values["policy.year"],
            "notices": notices.split(NOTICE_SEPARATOR) if notices else [],
            "filing_deadline": values["policy.filing_deadline"],
            "confirmation_deadline": values["policy.confirmation_deadline"], "sha256": values["policy.sha256"],
        },
        "profile": {}, "plan": {},
    }
    for key, value in values.items():
        scope, _, name = key.partition(".")
        if scope in ("profile", "plan"):
            head[scope][name] = value
    return head


_DETAIL = {name: i for i, name in enumerate(layout.DETAIL_HEADERS)}


def _read_detail(wb, changes: list[Change], progress: Progress) -> tuple[list[Purchase], list[str]]:
    if layout.DETAIL_SHEET not in wb.sheetnames:
        raise ExchangeError(NOT_AN_EXPORT.format(sheet=layout.DETAIL_SHEET))
    ws = wb[layout.DETAIL_SHEET]
    rows = ws.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    missing = [h for h in layout.DETAIL_HEADERS if h not in header]
    if missing:
        changes.append(Change(layout.DETAIL_SHEET, "", "缺少列：" + "、".join(missing)))
        return [], []
    col = {name: header.index(name) for name in layout.DETAIL_HEADERS}
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
        line = fp.purchase_line(p)
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
            raise InputError(f"{name}应为以下之一：" + "、".join(e.value for e in enum_type), name) from None

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
    )


# --- comparing derived sheets -----------------------------------------------------------------------


def _expected_text(spec: C) -> str:
    v = spec.value
    if v is None or v == "":
        return ""
    if spec.kind in ("money", "percent"):
        return f"{Decimal(v):.2f}"
    if spec.kind == "date":
        return v.isoformat()
    return str(v).strip()


def _actual_text(spec: C, raw) -> str:
    try:
        if spec.kind == "money":
            v = money_from_cell(raw)
            return "" if v is None else f"{v:.2f}"
        if spec.kind == "percent":
            v = percent_from_cell(raw)
            return "" if v is None else f"{v:.2f}"
        if spec.kind == "date":
            v = date_from_cell(raw)
            return "" if v is None else v.isoformat()
    except InputError:
        return "\x00" + cell_text(raw)  # never equal to an expected value
    return cell_text(raw)


def _show(spec: C, text: str) -> str:
    if not text:
        return "（空）"
    text = text.lstrip("\x00")
    try:
        if spec.kind == "money":
            return format_money(Decimal(text))
        if spec.kind == "percent":
            return format_percent(Decimal(text))
    except ArithmeticError:
        pass
    return text if len(text) <= 60 else text[:60] + "…"


def _compare_rows(
    sheet: SheetSpec, expected: list[tuple[int, list[C]]], actual: list[tuple], with_policy: bool,
    changes: list[Change],
) -> None:
    from openpyxl.utils import get_column_letter

    for r, row in expected:
        got = actual[r - 1] if 0 < r <= len(actual) else ()
        col = 0
        for spec in row:
            if spec.check == "data" or (spec.check == "policy" and with_policy):
                raw = got[col] if col < len(got) else None
                want, have = _expected_text(spec), _actual_text(spec, raw)
                if want != have:
                    label = spec.label or (spec.value if isinstance(spec.value, str) else "")
                    changes.append(Change(
                        f"{sheet.name} {get_column_letter(col + 1)}{r}", label,
                        f"表中为 {_show(spec, have)}，由校验数据和采购明细算得 {_show(spec, want)}",
                    ))
            col += spec.span


def _compare_sheet(sheet: SheetSpec, actual: list[tuple], with_policy: bool, changes: list[Change]) -> None:
    _compare_rows(sheet, list(enumerate(sheet.rows, 1)), actual, with_policy, changes)


def _compare_printable(sheet: SheetSpec, actual: list[tuple], with_policy: bool, changes: list[Change]) -> list[str]:
    """Compare the rows above the findings from the top and those below from the bottom (the
    number of findings may differ with another copy of the policy); return the findings found."""
    rows = sheet.rows
    start = next(i for i, row in enumerate(rows) if row[0].style == "section" and str(row[0].value).startswith("五、"))
    end = start + 1
    while end < len(rows) and rows[end][0].style.startswith("finding_"):
        end += 1
    _compare_rows(sheet, list(enumerate(rows[:start], 1)), actual, with_policy, changes)
    shift = len(actual) - len(rows)
    _compare_rows(sheet, [(i + 1 + shift, row) for i, row in enumerate(rows[end:], end)], actual, with_policy, changes)
    labels = {s.label for s in Severity}
    return [cell_text(row[1]) for row in actual[start + 1 : end + shift] if row and cell_text(row[0]) in labels and len(row) > 1]


# --- the whole check ---------------------------------------------------------------------------------


def verify_file(
    path: Path | str, library=None, *, policy_file: Path | None = None, as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Check ``path``; raises :class:`ExchangeError` when it is not a readable export."""
    path = Path(path)
    progress = progress or no_progress
    handle, wb, errors = _open(path)
    try:
        try:
            return _verify(path, wb, library, policy_file, as_of, progress)
        except errors as exc:
            from .spreadsheets import BROKEN_XLSX

            raise ExchangeError(f"无法读取“{path.name}”：{BROKEN_XLSX}") from exc
    finally:
        wb.close()
        handle.close()


def _verify(path, wb, library, policy_file, as_of, progress) -> VerifyReport:
    changes: list[Change] = []
    notes: list[str] = []
    values, stored = _read_data_sheet(_rows(wb, layout.DATA_SHEET), changes)
    if values.get("export.format") != fp.FORMAT:
        raise ExchangeError(f"“{path.name}”不是 desktop832 导出的上报文件")
    if values.get("export.version") != fp.VERSION:
        raise ExchangeError(f"“{path.name}”的格式版本 {values.get('export.version')} 不受本程序支持，请升级后再核验")
    purchases, lines = _read_detail(wb, changes, progress)
    head = _head(values)
    computed = fp.fingerprint(head, lines)
    if values["export.purchase_count"] != len(purchases):
        changes.append(Change(layout.DETAIL_SHEET, "", f"共 {len(purchases)} 行，导出时为 {values['export.purchase_count']} 行"))
    try:
        profile, plans, _ = jsonformat.load(
            {"format": jsonformat.FORMAT, "version": jsonformat.VERSION, "profile": head["profile"], "plans": [head["plan"]]}
        )
        plan = plans[0]
        exported_on = dt.date.fromisoformat(values["export.exported_on"])
    except (jsonformat.JsonFormatError, TypeError, ValueError) as exc:
        notes.append(f"校验数据无法使用，未能复核规则：{exc}")
        return VerifyReport(path, cell_text(values.get("profile.name")), None, None, stored, computed, changes,
                            notes, None, None, None, False)
    info = PolicyInfo(
        head["policy"]["id"] or "", head["policy"]["name"] or "", head["policy"]["year"] or 0,
        tuple(head["policy"]["notices"]),
        *(dt.date.fromisoformat(d) if d else None for d in (head["policy"]["filing_deadline"], head["policy"]["confirmation_deadline"])),
        head["policy"]["sha256"] or "",
    )
    policy = _find_policy(info, library, policy_file, notes)
    as_of = as_of or exported_on
    if policy is not None:
        data = evaluate(profile, plan, policy, purchases, as_of, info=info)
        data.exported_on = exported_on
    else:
        data = ExportData(profile, plan, info, purchases, exported_on, None, None)
    data.fingerprint = stored
    with_policy = policy is not None
    printable = layout.printable_sheet(data)
    written = _compare_printable(printable, _rows(wb, layout.PRINT_SHEET), with_policy, changes)
    _compare_sheet(layout.summary_sheet(data), _rows(wb, layout.SUMMARY_SHEET), with_policy, changes)
    if with_policy:
        _compare_sheet(layout.purchase_summary_sheet(data), _rows(wb, layout.PURCHASE_SUMMARY_SHEET), True, changes)
    differ = with_policy and sorted(written) != sorted(layout.finding_texts(printable))
    return VerifyReport(path, profile.name, plan.year, exported_on, stored, computed, changes, notes, policy, as_of,
                        data.findings, differ)


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
        notes.append(f"本机没有上报文件所用的政策文件“{info.id}”（{info.name}），未复核规则和采购汇总；"
                     "可用 --policy 指定该政策文件")
        return None
    if info.sha256:
        from .export_data import policy_file_digest

        mine = policy_file_digest(policy)
        if mine and mine != info.sha256:
            notes.append(f"本机的政策文件“{policy.id}”与导出时所用的内容不同，复核结果可能与文件中记载的不同")
    return policy
