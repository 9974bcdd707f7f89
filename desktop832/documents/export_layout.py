"""The sheets of the upward export as plain values: what each cell holds and how it looks.

The writer (:mod:`.export_xlsx`) turns these into styled cells; the verifier (:mod:`.verify`)
builds them again from the data found in a file and compares cell by cell, which is how it names
a figure changed after export. So every derived cell is produced here and only here.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from decimal import Decimal

from ..domain.findings import Severity
from ..domain.model import CanteenMode, Purpose
from ..domain.money import format_money, format_percent
from . import fingerprint as fp
from .export_data import (
    PLAN_LABELS, PROFILE_LABELS, ExportData, canteen_situation, summary_note,
)
from ..domain.requirements import reserve_target

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
    check: str = "data"  # data: compare always; policy: needs the policy; skip: not compared cell-wise


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

    def add(self, *cells: C, height: float | None = None) -> int:
        self.rows.append(list(cells))
        if height:
            self.heights[len(self.rows)] = height
        return len(self.rows)


# --- text measuring for row heights (Excel does not grow merged rows to fit) -------------------

LINE_POINTS = 14.0
ROW_POINTS = 20.0
PAGE_POINTS = 700.0  # printable height of an A4 portrait page inside the margins, at 100%


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
    return minimum if lines == 1 else max(minimum, lines * LINE_POINTS * size / 11 + 6)


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


def _section(sheet: SheetSpec, title: str, check: str = "data") -> None:
    sheet.add(C(title, style="section", span=4, check=check), height=22)


def printable_sheet(data: ExportData) -> SheetSpec:
    p, plan, year = data.profile, data.plan, data.year
    sheet = SheetSpec(PRINT_SHEET, PRINT_WIDTHS, [], freeze="A3", print_rows="1:2")
    sheet.header = f"{year}年度预留份额填报表"
    sheet.footer_left = f"数据指纹 {data.fingerprint[:16]}"
    sheet.add(C(f"{year}年度政府采购脱贫地区农副产品预留份额填报表", style="title", span=4), height=32)
    sheet.add(
        C(f"填报单位（盖章）：{p.name}", style="subtitle", span=3, label="填报单位"),
        C(f"填报日期：{plan.filed_on:%Y-%m-%d}" if plan.filed_on else "填报日期：", style="subtitle", label="填报日期"),
        height=22,
    )

    _section(sheet, "一、单位基本情况")
    _pair(sheet, "单位全称", C(p.name))
    _pair(sheet, "统一社会信用代码", C(p.credit_code), "单位级次", C(p.level.value + ("（直属单位）" if p.directly_affiliated else "")))
    _pair(sheet, "主管预算单位", C(p.supervising_department))
    _pair(sheet, "所在地区", C(f"{p.province}{p.city}"), "单位负责人", C(p.person_in_charge))
    _pair(sheet, "经办人", C(p.contact_name), "联系电话", C(p.phone))
    _pair(sheet, "食堂情况", C(canteen_situation(p)))
    if p.canteen_mode is CanteenMode.OUTSOURCED:
        _pair(sheet, "食堂承包方", C(p.contractor_name))
        _pair(sheet, "采购执行主体", C(p.executing_purchaser))
        _pair(sheet, "外包合同已约定政策要求", C(yes_no(p.contract_states_policy)),
              "执行主体已开通交易账号", C(yes_no(p.purchaser_account_open)))
    elif p.canteen_mode is CanteenMode.SHARED:
        _pair(sheet, "本单位为代表填报单位", C(yes_no(p.is_representative)), "代表单位信用代码", C(p.representative_code))
        _pair(sheet, "代表填报单位", C(p.representative_name))
    elif p.canteen_mode is CanteenMode.NONE:
        _pair(sheet, "职工就餐方式", C(p.meal_arrangement))
        _pair(sheet, "无食堂承诺函", C("已报送" if plan.letter_sent else "未报送"))
    _pair(sheet, "工会经费", C("有独立工会经费" if p.has_union_funds else "无独立工会经费"),
          "工会会员人数", C(p.union_members, "int"))
    _pair(sheet, "职工人数", C(p.employees, "int"), "填报状态", C(plan.filing_status.value))

    _section(sheet, "二、预留份额（金额单位：元）")
    _pair(sheet, "年度食堂食材采购总额", C(plan.canteen_total, "money"), "预留比例", C(plan.reserve_ratio, "percent"))
    _pair(sheet, "食堂食材预留金额", C(plan.reserve_amount, "money"), "上年度预留金额", C(plan.last_year_amount, "money"))
    _pair(sheet, "上年度预留比例", C(plan.last_year_ratio, "percent"), "预留金额较上年度", C(_change(plan)))
    _pair(sheet, "下降说明", C(plan.drop_explanation))
    _pair(sheet, "工会年度福利总额", C(plan.welfare_total, "money"),
          "工会年度采购农副产品总额", C(plan.union_farm_total, "money"))
    _pair(sheet, "工会预留金额", C(plan.union_reserve, "money"), "预留份额合计", C(reserve_target(p, plan), "money"))
    _pair(sheet, "备注", C(summary_note(p, plan)))

    _section(sheet, "三、政策依据")
    _pair(sheet, "适用政策", C(data.policy.name))
    _pair(sheet, "文件依据", C("、".join(data.policy.notices)))
    _pair(sheet, "填报截止日期", C(data.policy.filing_deadline, "date"),
          "确认汇总截止日期", C(data.policy.confirmation_deadline, "date"))

    _section(sheet, f"四、本年度832平台采购情况（截至 {data.exported_on:%Y-%m-%d}）")
    s = data.summary
    target = reserve_target(p, plan)
    done = s.total.counted if s else None
    share = format_percent((done * 100 / target).quantize(Decimal("0.01"))) if s and target else ""
    _pair(sheet, "已计入采购金额", C(done, "money", check="policy"),
          "不计入采购金额", C(s.total.not_counted if s else None, "money", check="policy"))
    _pair(sheet, "完成预留份额", C(share, style="figure", check="policy"), "采购笔数", C(s.total.count if s else None, "int", check="policy"))

    findings = data.findings or []
    bad = [f for f in findings if f.severity >= Severity.WARNING]
    counts = "，".join(
        f"{sev.label} {n} 项" for sev in SEVERITY_ORDER if (n := sum(f.severity is sev for f in findings))
    )
    findings_start = len(sheet.rows)
    _section(sheet, f"五、检查结果（{counts or '无'}；{'有 ' + str(len(bad)) + ' 项未达标' if bad else '各项要求均已达标'}）", "skip")
    for severity in SEVERITY_ORDER:
        for f in (f for f in findings if f.severity is severity):
            text = f"{f.message}\n依据：{f.citation}" if f.citation else f.message
            sheet.add(
                C(f.severity.label, style="finding_" + severity.key, check="skip"),
                C(text, style="finding", span=3, check="skip"),
                height=fit_height(text, sum(PRINT_WIDTHS[1:]), size=10),
            )

    _section(sheet, "六、确认")
    sheet.add(C("单位负责人（签字）", style="label"), C("", style="sign"), C("经办人（签字）", style="label"), C("", style="sign"), height=32)
    sheet.add(C("主管预算单位确认（盖章）", style="label"), C("年    月    日", style="sign", span=3), height=44)
    sheet.add(C("财政部门确认（盖章）", style="label"), C("年    月    日", style="sign", span=3), height=44)
    sheet.add(C(f"数据指纹（SHA-256）：{data.fingerprint}", style="small", span=4, label="数据指纹"), height=18)
    sheet.add(C("本表由 desktop832 导出。核对数据是否在导出后被改动：desktop832 verify 本文件", style="small", span=4), height=18)
    # A form longer than a page breaks before the findings, so the figures stay on one sheet of paper
    heights = [sheet.heights.get(i, ROW_POINTS) for i in range(1, len(sheet.rows) + 1)]
    if sum(heights) > PAGE_POINTS and sum(heights[:findings_start]) <= PAGE_POINTS:
        sheet.breaks.append(findings_start)
    return sheet


def _change(plan) -> str:
    if plan.reserve_amount is None or plan.last_year_amount is None:
        return ""
    diff = plan.reserve_amount - plan.last_year_amount
    if diff > 0:
        return f"增加 {format_money(diff)}"
    if diff < 0:
        return f"减少 {format_money(-diff)}"
    return "持平"


def finding_texts(sheet: SheetSpec) -> list[str]:
    """The findings as the printable sheet states them (compared separately by verification)."""
    return [row[1].value for row in sheet.rows if len(row) > 1 and row[1].style == "finding"]


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
    ("下降说明", "text", lambda d: d.plan.drop_explanation),
    ("经办人", "text", lambda d: d.profile.contact_name),
    ("联系电话", "text", lambda d: d.profile.phone),
    ("备注", "text", lambda d: summary_note(d.profile, d.plan)),
    ("填报日期", "date", lambda d: d.plan.filed_on),
    ("数据指纹", "text", lambda d: d.fingerprint),
]
SUMMARY_HEADERS = [c[0] for c in SUMMARY_COLUMNS]
_SUMMARY_WIDTHS = {"int": 7, "money": 16, "percent": 10, "date": 12}


def summary_sheet(data: ExportData) -> SheetSpec:
    widths = []
    for header, kind, _ in SUMMARY_COLUMNS:
        widths.append(_SUMMARY_WIDTHS.get(kind, 30 if header in ("单位名称", "主管预算单位", "下降说明", "备注") else 18))
    sheet = SheetSpec(SUMMARY_SHEET, widths, [], freeze="C2", print_rows="1:1", landscape=True)
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
    if s is None:
        sheet.add(C("（核验时没有该政策文件，未重算本表）", check="skip", span=5))
        return sheet

    def table(title: str, rows: list[tuple[str, object]], total) -> None:
        sheet.add(C("", style="plain"), height=8)  # a gap: no box
        sheet.add(C(title, style="head"), C("计入", style="head"), C("不计入", style="head"),
                  C("合计", style="head"), C("笔数", style="head"))
        for name, sums in rows + [("合计", total)]:
            style = "total" if name == "合计" else "value"
            sheet.add(
                C(name, style=style),
                C(sums.counted, "money", style, label=f"{title} {name} 计入", check="policy"),
                C(sums.not_counted, "money", style, label=f"{title} {name} 不计入", check="policy"),
                C(sums.total, "money", style, label=f"{title} {name} 合计", check="policy"),
                C(sums.count, "int", style, label=f"{title} {name} 笔数", check="policy"),
            )

    table("按用途", [(p.value, s.by_purpose[p]) for p in Purpose], s.total)
    table("按月份", [(f"{m}月", s.by_month[m]) for m in range(1, 13)], s.total)
    sheet.add(C("", style="plain"), height=8)  # a gap: no box
    sheet.add(C("不计入原因", style="head", span=3), C("金额", style="head"), C("笔数", style="head"))
    if not s.by_reason:
        sheet.add(C("（无）", span=3, check="policy"), C(None), C(None))
    for reason, sums in s.by_reason.items():
        sheet.add(C(reason, span=3, check="policy"), C(sums.not_counted, "money", label=f"不计入 {reason}", check="policy"),
                  C(sums.count, "int", label=f"不计入 {reason} 笔数", check="policy"))
    return sheet


# --- every purchase of the year ----------------------------------------------------------------

DETAIL_COLUMNS = [
    ("下单日期", 12), ("订单编号", 22), ("供应商", 28), ("商品", 30), ("金额（元）", 14), ("用途", 12),
    ("渠道", 10), ("订单状态", 10), ("付款日期", 12), ("履约评价", 9), ("备注", 20), ("校验码", 14),
]
DETAIL_HEADERS = [c[0] for c in DETAIL_COLUMNS]


# --- the verification data: every field, its check code, and the fingerprint --------------------

DATA_HEADERS = ["项目", "内容", "字段", "校验码"]
DATA_WIDTHS = [30, 44, 30, 14]


def field_label(key: str) -> str:
    scope, _, name = key.partition(".")
    return {"profile": PROFILE_LABELS, "plan": PLAN_LABELS}.get(scope, {}).get(name, name)


def short_fingerprint(data: ExportData) -> str:
    return fp.short(data.fingerprint)


__all__ = [
    "C", "SheetSpec", "printable_sheet", "summary_sheet", "purchase_summary_sheet", "finding_texts",
    "SUMMARY_COLUMNS", "SUMMARY_HEADERS", "DETAIL_COLUMNS", "DETAIL_HEADERS", "DATA_HEADERS",
]
