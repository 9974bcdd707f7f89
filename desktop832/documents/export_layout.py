"""The sheets of the upward export as plain values: what each cell holds and how it looks.

The writer (:mod:`.export_xlsx`) turns these into styled cells; the verifier (:mod:`.verify`)
builds them again from the data found in a file and compares cell by cell, which is how it names
a figure changed after export. So every derived cell is produced here and only here.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata

from ..domain.findings import Severity
from ..domain.model import CanteenMode, Purpose
from ..domain.money import ZERO, format_money, format_percent, to_capital
from ..domain.pace import share_of
from . import fingerprint as fp
from .export_data import (
    NOTICE_SEPARATOR, ExportData, canteen_situation, summary_note, total_reserve,
)
from ..domain.requirements import canteen_reserve_applies

PRINT_SHEET = "预留份额填报表"
SUMMARY_SHEET = "汇总数据"
PURCHASE_SUMMARY_SHEET = "采购汇总"
DETAIL_SHEET = "采购明细"
DATA_SHEET = "校验数据"

NUMBER_FORMATS = {"money": "#,##0.00", "percent": "0.00%", "date": "yyyy-mm-dd", "int": "0"}


@dataclasses.dataclass(slots=True)
class C:
    """One cell: its value, how it is read back, how it looks, and what verification does with it."""

    value: object = None
    kind: str = "text"  # text, money, percent (value in percent points), date, int
    style: str = "value"  # title, subtitle, section, label, value, figure, head, total, finding, small, sign, plain
    span: int = 1  # merged with the cells to its right
    label: str = ""  # what the figure is, for the verification report


@dataclasses.dataclass
class SheetSpec:
    name: str
    widths: list[float]
    rows: list[list[C]]
    heights: dict[int, float] = dataclasses.field(default_factory=dict)  # 1-based row → points
    freeze: str | None = None
    print_rows: str | None = None
    landscape: bool = False
    header: str = ""
    footer_left: str = ""
    breaks: list[int] = dataclasses.field(default_factory=list)  # page breaks after these rows
    print_area: str | None = None
    qr_row: int | None = None  # 1-based row whose right-hand side carries the fingerprint's QR code
    pages_tall: int = 0  # 0: as many as needed; 1: shrunk to one page

    def add(self, *cells: C, height: float | None = None) -> int:
        self.rows.append(list(cells))
        if height:
            self.heights[len(self.rows)] = height
        return len(self.rows)


# --- text measuring for row heights (Excel does not grow merged rows to fit) -------------------

LINE_POINTS = 14.0
ROW_POINTS = 18.0
PAGE_POINTS = 750.0  # printable height of an A4 portrait page inside the margins (0.45 in), at 100%
ONE_PAGE_AT_MOST = 1.45  # a form up to this many pages tall is shrunk onto one page (to about 65% at worst)


def text_lines(text: str, width: float, size: float = 11) -> int:
    """How many lines ``text`` takes in a column ``width`` Excel units wide. A Chinese character
    in 宋体 11 pt is about two units (the unit is a digit of the default font)."""
    lines = 0
    for paragraph in str(text).split("\n"):
        units = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in paragraph) * size / 11
        lines += max(1, math.ceil(units / max(width - 1, 1)))
    return lines


def fit_height(text: str, width: float, minimum: float = ROW_POINTS, size: float = 11) -> float:
    lines = text_lines(text, width, size)
    return minimum if lines == 1 else max(minimum, lines * size * 1.3 + 5)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


# --- the printable sheet ---------------------------------------------------------------------------

PRINT_WIDTHS = [22.0, 25.0, 22.0, 25.0]
SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.OK)


def _pair(sheet: SheetSpec, l1: str, v1: C, l2: str | None = None, v2: C | None = None) -> None:
    v1.label = v1.label or l1
    if l2 is None:
        v1.span = 3
        text = v1.value if isinstance(v1.value, str) else ""
        height = fit_height(text, sum(PRINT_WIDTHS[1:])) if text else ROW_POINTS
        sheet.add(C(l1, style="label"), v1, height=height)
        return
    v2 = v2 or C()
    v2.label = v2.label or l2
    texts = [(v.value, w) for v, w in ((v1, PRINT_WIDTHS[1]), (v2, PRINT_WIDTHS[3])) if isinstance(v.value, str)]
    height = max([fit_height(t, w) for t, w in texts] + [fit_height(l1, PRINT_WIDTHS[0]), fit_height(l2, PRINT_WIDTHS[2])])
    sheet.add(C(l1, style="label"), v1, C(l2, style="label"), v2, height=height)


def _section(sheet: SheetSpec, title: str) -> None:
    sheet.add(C(title, style="section", span=4), height=20)


NOT_APPLICABLE = "不适用"
SEAL_POINTS = 125.0  # a round official seal is about 42 mm across (119 pt): its box is a little taller
FOOTNOTE = (
    "数据指纹是按公开方法由本表全部数据算出的 SHA-256 值，任何人都能重算，因此它不能证明文件由谁制作；"
    "它能证明的是：电子文件中的数据与盖章纸质表上印的指纹所对应的数据一致。"
    "核对方法：desktop832 verify 本文件 --fingerprint 纸质表上的指纹"
)


def _na(value, kind: str, applies: bool) -> C:
    """A figure, or 不适用 where the unit's situation rules it out (no canteen, no union funds)."""
    return C(value, kind) if applies else C(NOT_APPLICABLE, style="figure")


def filing_date_text(data: ExportData) -> str:
    """填报日期 as filed first; a later export is a re-filing and says so beside it."""
    first = data.plan.filed_on
    text = f"填报日期：{first:%Y-%m-%d}" if first else "填报日期："
    if first and data.exported_on != first:
        text += f"（重新填报：{data.exported_on:%Y-%m-%d}）"
    return text


def printable_sheet(data: ExportData) -> SheetSpec:
    p, plan, year = data.profile, data.plan, data.year
    canteen = canteen_reserve_applies(p)
    union = p.has_union_funds
    sheet = SheetSpec(PRINT_SHEET, PRINT_WIDTHS, [], print_rows="1:1")
    sheet.header = f"{year}年度预留份额填报表"
    sheet.footer_left = f"数据指纹 {fp.short(data.fingerprint)}"
    sheet.add(C(f"{year}年度政府采购脱贫地区农副产品预留份额填报表", style="title", span=4), height=30)
    # the unit's name wraps inside its own cell however long it is; the date keeps its own column
    unit = f"填报单位（盖章）：{p.name}"
    date = filing_date_text(data)
    sheet.add(C(unit, style="subtitle", span=2, label="填报单位"), C(date, style="subtitle_right", span=2, label="填报日期"),
              height=max(fit_height(unit, sum(PRINT_WIDTHS[:2]), 20), fit_height(date, sum(PRINT_WIDTHS[2:]), 20)))

    _section(sheet, "一、单位基本情况")
    _pair(sheet, "统一社会信用代码", C(p.credit_code), "单位级次", C(p.level.value + ("（直属单位）" if p.directly_affiliated else "")))
    _pair(sheet, "主管预算单位", C(p.supervising_department), "所在地区", C(f"{p.province}{p.city}"))
    _pair(sheet, "单位负责人", C(p.person_in_charge), "经办人及电话", C(f"{p.contact_name}　{p.phone}".strip()))
    _pair(sheet, "食堂情况", C(canteen_situation(p)))
    if p.canteen_mode is CanteenMode.OUTSOURCED:
        _pair(sheet, "采购执行主体", C(p.executing_purchaser))
        _pair(sheet, "外包合同已约定政策要求", C(yes_no(p.contract_states_policy)),
              "执行主体已开通交易账号", C(yes_no(p.purchaser_account_open)))
    elif p.canteen_mode is CanteenMode.SHARED:
        _pair(sheet, "本单位为代表填报单位", C(yes_no(p.is_representative)), "代表单位信用代码", C(p.representative_code))
    elif p.canteen_mode is CanteenMode.NONE:
        _pair(sheet, "职工就餐方式", C(p.meal_arrangement), "无食堂承诺函", C(letter_status(data)))
    _pair(sheet, "工会经费", C("有独立工会经费" if union else "无独立工会经费"),
          "工会会员 / 职工人数", C(f"{_count(p.union_members)} / {_count(p.employees)}"))

    _section(sheet, "二、预留份额（金额单位：元）")
    _pair(sheet, "年度食堂食材采购总额", _na(plan.canteen_total, "money", canteen),
          "预留比例", _na(plan.reserve_ratio, "percent", canteen))
    _pair(sheet, "食堂食材预留金额", _na(plan.reserve_amount, "money", canteen),
          "预留金额较上年度", _na(_change(plan), "text", canteen))
    _pair(sheet, "上年度预留金额", _na(plan.last_year_amount, "money", canteen),
          "上年度预留比例", _na(plan.last_year_ratio, "percent", canteen))
    if plan.drop_explanation:
        _pair(sheet, "下降说明", C(plan.drop_explanation))
    _pair(sheet, "工会采购农副产品总额", _na(plan.union_farm_total, "money", union),
          "工会预留金额", _na(plan.union_reserve, "money", union))
    total = total_reserve(p, plan)
    _pair(sheet, "预留份额合计", C(total, "money", style="total"),
          "合计（大写）", C(to_capital(total) if total is not None else "", style="total"))
    if summary_note(p, plan):
        _pair(sheet, "备注", C(summary_note(p, plan)))

    _section(sheet, f"三、本年度832平台采购情况（截至 {data.exported_on:%Y-%m-%d}）")
    s = data.summary
    sheet.add(C("用途", style="head"), C("计入预留份额", style="head"), C("不计入", style="head"), C("笔数", style="head"))
    for purpose in Purpose:
        sums = s.by_purpose[purpose]
        if sums.count:
            _sums_row(sheet, purpose.value, sums, "value")
    _sums_row(sheet, "合计", s.total, "total")
    done = s.total.counted
    # rounded down, as everywhere: 149,999.99 of 150,000 is 99.99%, never 100%
    share = format_percent(share_of(done, total)) if total else NOT_APPLICABLE
    _pair(sheet, "完成预留份额", C(share, style="figure"), "尚需采购", C(max(total - done, ZERO) if total else None, "money"))

    findings = data.findings
    bad = [f for f in findings if f.severity >= Severity.WARNING]
    counts = "，".join(
        f"{sev.label} {n} 项" for sev in SEVERITY_ORDER if (n := sum(f.severity is sev for f in findings))
    )
    findings_start = len(sheet.rows)
    _section(sheet, f"四、检查结果（{counts or '无'}；{'有 ' + str(len(bad)) + ' 项未达标' if bad else '各项要求均已达标'}）")
    for severity in SEVERITY_ORDER:
        for f in (f for f in findings if f.severity is severity):
            text = f"{f.message}（依据：{f.citation}）" if f.citation else f.message
            sheet.add(
                C(f.severity.label, style="finding_" + severity.key),
                C(text, style="finding", span=3),
                height=fit_height(text, sum(PRINT_WIDTHS[1:]), minimum=ROW_POINTS, size=9),
            )
    _pair(sheet, "政策依据", C(f"{data.policy.name}（{NOTICE_SEPARATOR.join(data.policy.notices)}）"))

    _section(sheet, "五、签字盖章")
    sheet.add(C("单位负责人（签字）", style="label"), C("", style="sign"), C("经办人（签字）", style="label"), C("", style="sign"), height=30)
    sheet.add(C("主管预算单位确认（盖章）", style="label", span=2), C("财政部门确认（盖章）", style="label", span=2), height=20)
    seal_row = sheet.add(C("年    月    日", style="seal", span=2), C("年    月    日", style="seal", span=2), height=SEAL_POINTS)
    # the QR code (the full fingerprint) sits in column D beside these three rows
    text_width = sum(PRINT_WIDTHS[:3])
    sheet.add(C(f"数据指纹：{fp.short(data.fingerprint)}", style="fingerprint", span=3, label="数据指纹"), C(style="plain"), height=24)
    sheet.qr_row = len(sheet.rows)
    sheet.add(C(f"完整指纹（SHA-256）：{data.fingerprint}", style="small", span=3, label="完整指纹"), C(style="plain"),
              height=fit_height(data.fingerprint + "完整指纹（SHA-256）：", text_width, 14, size=8.5))
    sheet.add(C(FOOTNOTE, style="small", span=3), C(style="plain"), height=max(44, fit_height(FOOTNOTE, text_width, 14, size=8.5)))
    sheet.print_area = f"A1:D{len(sheet.rows)}"
    _fit_pages(sheet, findings_start, seal_row)
    return sheet


def _fit_pages(sheet: SheetSpec, findings_start: int, seal_row: int) -> None:
    """One page when the form is at most ONE_PAGE_AT_MOST pages tall (shrunk to fit, the seal boxes made taller so
    they still print 42 mm); else two pages, broken before the findings, at full size."""
    heights = [sheet.heights.get(i, ROW_POINTS) for i in range(1, len(sheet.rows) + 1)]
    rest = sum(heights) - heights[seal_row - 1]
    if rest + SEAL_POINTS <= PAGE_POINTS:
        return
    if rest + SEAL_POINTS <= PAGE_POINTS * ONE_PAGE_AT_MOST:
        # printed at scale PAGE / (rest + seal), the seal box is seal * scale: make that SEAL_POINTS
        sheet.heights[seal_row] = round(max(SEAL_POINTS, SEAL_POINTS * rest / (PAGE_POINTS - SEAL_POINTS)), 1)
        sheet.pages_tall = 1
    elif sum(heights[:findings_start]) <= PAGE_POINTS:
        sheet.breaks.append(findings_start)


def _count(n) -> str:
    return "—" if n is None else str(n)


def _sums_row(sheet: SheetSpec, name: str, sums, style: str) -> None:
    sheet.add(
        C(name, style=style),
        C(sums.counted, "money", style, label=f"{name} 计入"),
        C(sums.not_counted, "money", style, label=f"{name} 不计入"),
        C(sums.count, "int", style, label=f"{name} 笔数"),
    )


def letter_status(data: ExportData) -> str:
    """The no-canteen commitment letter: only a unit without a canteen sends one."""
    if data.profile.canteen_mode is not CanteenMode.NONE:
        return NOT_APPLICABLE
    return "已报送" if data.plan.letter_sent else "未报送"


def _change(plan) -> str:
    if plan.reserve_amount is None or plan.last_year_amount is None:
        return ""
    diff = plan.reserve_amount - plan.last_year_amount
    if diff > 0:
        return f"增加 {format_money(diff)}"
    if diff < 0:
        return f"减少 {format_money(-diff)}"
    return "持平"


# --- one machine-readable row per unit and year --------------------------------------------------

# (header, kind, value): the columns a finance department stacks from many units' files
SUMMARY_COLUMNS = [
    ("年度", "int", lambda d: d.year),
    ("单位名称", "text", lambda d: d.profile.name),
    ("统一社会信用代码", "text", lambda d: d.profile.credit_code),
    ("主管预算单位", "text", lambda d: d.profile.supervising_department),
    ("单位级次", "text", lambda d: d.profile.level.value),
    ("食堂情况", "text", lambda d: canteen_situation(d.profile)),
    ("年度食堂食材采购总额（元）", "money", lambda d: d.plan.canteen_total),
    ("预留比例", "percent", lambda d: d.plan.reserve_ratio),
    ("食堂预留金额（元）", "money", lambda d: d.plan.reserve_amount),
    ("工会预留金额（元）", "money", lambda d: d.plan.union_reserve),
    ("上年度预留金额（元）", "money", lambda d: d.plan.last_year_amount),
    ("上年度预留比例", "percent", lambda d: d.plan.last_year_ratio),
    ("下降说明", "text", lambda d: d.plan.drop_explanation),
    ("工会年度采购农副产品总额（元）", "money", lambda d: d.plan.union_farm_total),
    ("工会年度福利总额（元）", "money", lambda d: d.plan.welfare_total),
    ("预留份额合计（元）", "money", lambda d: total_reserve(d.profile, d.plan)),
    ("无食堂承诺函", "text", lambda d: letter_status(d)),
    ("经办人", "text", lambda d: d.profile.contact_name),
    ("联系电话", "text", lambda d: d.profile.phone),
    ("备注", "text", lambda d: summary_note(d.profile, d.plan)),
    ("填报日期", "date", lambda d: d.plan.filed_on),
    ("本次报送日期", "date", lambda d: d.exported_on),
    ("已计入采购金额（元）", "money", lambda d: d.summary.total.counted),
    ("数据指纹", "text", lambda d: d.fingerprint),
]
SUMMARY_HEADERS = [c[0] for c in SUMMARY_COLUMNS]
_SUMMARY_WIDTHS = {"int": 8, "money": 18, "percent": 11, "date": 13}
WIDE_SUMMARY_COLUMNS = ("单位名称", "主管预算单位", "下降说明", "备注", "食堂情况")


def summary_widths() -> list[float]:
    """Wide enough that no figure prints as ### (a money column holds 999,999,999.99)."""
    return [
        _SUMMARY_WIDTHS.get(kind, 30 if header in WIDE_SUMMARY_COLUMNS else (68 if header == "数据指纹" else 18))
        for header, kind, _ in SUMMARY_COLUMNS
    ]


def summary_sheet(data: ExportData) -> SheetSpec:
    sheet = SheetSpec(SUMMARY_SHEET, summary_widths(), [], freeze="C2", print_rows="1:1", landscape=True)
    sheet.header = "预留份额汇总数据"
    sheet.add(*(C(h, style="head") for h in SUMMARY_HEADERS), height=30)
    sheet.add(*(C(get(data), kind, "cell", label=header) for header, kind, get in SUMMARY_COLUMNS), height=ROW_POINTS)
    return sheet


# --- purchases by purpose and by month ----------------------------------------------------------


def purchase_summary_sheet(data: ExportData) -> SheetSpec:
    sheet = SheetSpec(PURCHASE_SUMMARY_SHEET, [24, 18, 18, 18, 10], [], freeze="A3", print_rows="1:2")
    sheet.header = f"{data.year}年度832平台采购汇总"
    sheet.add(C(f"{data.year}年度832平台采购汇总（{data.profile.name}）", style="title", span=5), height=30)
    sheet.add(C(f"统计口径：{data.policy.name}；截至 {data.exported_on:%Y-%m-%d}；金额单位：元", style="subtitle", span=5), height=20)
    s = data.summary

    def table(title: str, rows: list[tuple[str, object]], total) -> None:
        sheet.add(C("", style="plain"), height=8)  # a gap: no box
        sheet.add(C(title, style="head"), C("计入", style="head"), C("不计入", style="head"),
                  C("合计", style="head"), C("笔数", style="head"))
        for name, sums in rows + [("合计", total)]:
            style = "total" if name == "合计" else "value"
            sheet.add(
                C(name, style=style),
                C(sums.counted, "money", style, label=f"{title} {name} 计入"),
                C(sums.not_counted, "money", style, label=f"{title} {name} 不计入"),
                C(sums.total, "money", style, label=f"{title} {name} 合计"),
                C(sums.count, "int", style, label=f"{title} {name} 笔数"),
            )

    table("按用途", [(p.value, s.by_purpose[p]) for p in Purpose], s.total)
    table("按月份", [(f"{m}月", s.by_month[m]) for m in range(1, 13)], s.total)
    sheet.add(C("", style="plain"), height=8)  # a gap: no box
    sheet.add(C("不计入原因", style="head", span=3), C("金额", style="head"), C("笔数", style="head"))
    if not s.by_reason:
        sheet.add(C("（无）", span=3), C(None), C(None))
    for reason, sums in s.by_reason.items():
        sheet.add(C(reason, span=3), C(sums.not_counted, "money", label=f"不计入 {reason}"),
                  C(sums.count, "int", label=f"不计入 {reason} 笔数"))
    return sheet


# --- every purchase of the year ----------------------------------------------------------------

DETAIL_COLUMNS = [
    ("下单日期", 12), ("订单编号", 22), ("供应商", 28), ("商品", 30), ("金额（元）", 14), ("用途", 12),
    ("渠道", 10), ("订单状态", 10), ("付款日期", 12), ("履约评价", 9), ("备注", 20), ("收货日期", 12),
    ("发票号", 18), ("费用来源", 10), ("校验码", 14),
]
DETAIL_HEADERS = [c[0] for c in DETAIL_COLUMNS]
INVOICE_AND_FEE_HEADERS = ("发票号", "费用来源")  # from format version 4 on


def detail_headers(version: int) -> list[str]:
    """The columns 采购明细 of an export of ``version`` must have (a file is read by its own)."""
    from .fingerprint import INVOICE_AND_FEE_FROM

    if version >= INVOICE_AND_FEE_FROM:
        return DETAIL_HEADERS
    return [h for h in DETAIL_HEADERS if h not in INVOICE_AND_FEE_HEADERS]


# --- the verification data: every field, its check code, and the fingerprint --------------------

DATA_HEADERS = ["项目", "内容", "字段", "校验码"]
DATA_WIDTHS = [30, 44, 30, 14]


def short_fingerprint(data: ExportData) -> str:
    return fp.short(data.fingerprint)


__all__ = [
    "C", "SheetSpec", "printable_sheet", "summary_sheet", "purchase_summary_sheet", "finding_texts",
    "SUMMARY_COLUMNS", "SUMMARY_HEADERS", "DETAIL_COLUMNS", "DETAIL_HEADERS", "detail_headers", "DATA_HEADERS", "canteen_reserve_applies",
]
