"""What the year-end report (年度采购情况报告) says, as values: pure, from the records, the tally,
the findings and the filing record. The PDF (:mod:`desktop832.documents.year_report`) only sets
them; :mod:`desktop832.app.year_report` gathers them from a data file.

Nothing is judged here that the rules did not judge: completion is the tally against the reserve,
the verdicts are the findings (with their citations), and a year without a policy of its own says
that its figures are not judged against an official ratio.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from .counting import Counting, OverduePayment, Tally, payment_due
from .filings import FilingEvent
from .findings import Finding, Severity
from .model import AnnualPlan, Purchase, Purpose, UnitProfile
from .money import ZERO
from .pace import share_of
from .year_chart import YearChart

UNKNOWN_COUNTY = "名称中未见县名"
COUNTY_HINT = (
    "提示（本程序推断，非通知规定）：数据文件不记录供应商所在县，这里从供应商名称中的县（旗）名推断；"
    f"名称中没有县名的列为“{UNKNOWN_COUNTY}”。"
)
MAX_LISTED = 1000  # orders listed by name in a section; more are counted, not listed

# a county-level name at the start of the supplier's name, after an optional province (its short
# name, with or without 省) and city: 光山县原味农业 → 光山县, 河南省信阳市光山县… → 光山县,
# 宁夏盐池县… → 盐池县, 科尔沁右翼中旗… → 科尔沁右翼中旗
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆",
)
_COUNTY = re.compile(
    rf"^(?:(?:{'|'.join(PROVINCES)})(?:省|市|回族自治区|壮族自治区|维吾尔自治区|自治区)?)?"
    r"(?:[\u4e00-\u9fff]{2,10}?(?:市|州|盟|地区))?"
    r"([\u4e00-\u9fff]{1,8}?(?:自治县|县|自治旗|旗))"
)


def supplier_county(supplier: str) -> str:
    """The county named at the start of a supplier's name, or :data:`UNKNOWN_COUNTY` (a guess
    from the name: the data file records no supplier's county)."""
    match = _COUNTY.match((supplier or "").strip())
    return match.group(1) if match else UNKNOWN_COUNTY


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One line of a summary table: what it is, how many orders, how much."""

    label: str
    count: int
    amount: Decimal
    detail: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class OrderLine:
    order_no: str
    date: dt.date
    supplier: str
    amount: Decimal
    unpaid: bool
    unevaluated: bool
    overdue_days: int | None = None  # beyond the policy's payment term


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One attachment in the evidence index."""

    order_no: str
    date: dt.date | None
    kind: str
    file_name: str
    size: int
    sha256: str


@dataclasses.dataclass(frozen=True)
class YearReport:
    year: int
    today: dt.date
    profile: UnitProfile
    plan: AnnualPlan
    policy_name: str  # '' without a policy of the year's own
    policy_reason: str  # why this policy (or none) governs the year
    notices: tuple[str, ...]  # the policy's notices, by number and title
    judged: bool
    target: Decimal
    canteen_reserve: Decimal
    union_reserve: Decimal
    filing_lines: tuple[str, ...]
    counted: Decimal
    not_counted: Decimal
    purchase_count: int
    progress: str  # the purchase-progress finding's words, or what stands in for them
    progress_citation: str
    chart: YearChart
    by_purpose: tuple[Row, ...]
    not_counted_by_reason: tuple[Row, ...]
    by_county: tuple[Row, ...]
    open_orders: tuple[OrderLine, ...]  # unpaid or unevaluated completed platform orders (at most MAX_LISTED)
    open_count: int  # all of them
    unpaid_count: int
    unevaluated_count: int
    payment_term: int | None  # the policy's days, None when it sets none
    findings: tuple[Finding, ...]  # warnings and errors, with their citations
    evidence: tuple[EvidenceLine, ...]  # the year's attachments, the purchases' first
    fingerprint: str = ""  # the last filing's

    @property
    def share(self) -> Decimal | None:
        return share_of(self.counted, self.target) if self.target > 0 else None

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.counted, ZERO)


def purpose_rows(tally: Tally, purchases: Iterable[Purchase], counting: Counting) -> tuple[Row, ...]:
    """Counted purchases by purpose (every purpose, in the catalogue's order), with their counts."""
    counts: dict[Purpose, int] = defaultdict(int)
    for p in purchases:
        if counting.reason(p) is None:
            counts[p.purpose] += 1
    return tuple(Row(purpose.value, counts[purpose], tally.counted_by_purpose.get(purpose, ZERO)) for purpose in Purpose)


def reason_rows(purchases: Iterable[Purchase], counting: Counting) -> tuple[Row, ...]:
    sums: dict[str, list] = defaultdict(lambda: [0, ZERO])
    for p in purchases:
        reason = counting.reason(p)
        if reason is not None:
            sums[reason][0] += 1
            sums[reason][1] += p.amount
    return tuple(sorted((Row(r, n, a) for r, (n, a) in sums.items()), key=lambda row: (-row.amount, row.label)))


def county_rows(purchases: Iterable[Purchase], counting: Counting) -> tuple[Row, ...]:
    """Counted purchases by the supplier's county (guessed from its name), largest first; the
    detail names the suppliers."""
    sums: dict[str, list] = defaultdict(lambda: [0, ZERO, set()])
    for p in purchases:
        if counting.reason(p) is None:
            entry = sums[supplier_county(p.supplier)]
            entry[0] += 1
            entry[1] += p.amount
            entry[2].add(p.supplier.strip() or "（未填写供应商）")
    rows = [Row(county, n, amount, "、".join(sorted(suppliers))) for county, (n, amount, suppliers) in sums.items()]
    return tuple(sorted(rows, key=lambda row: (row.label == UNKNOWN_COUNTY, -row.amount, row.label)))


def open_orders(purchases: Iterable[Purchase], overdue: Iterable[OverduePayment]) -> list[OrderLine]:
    """Completed platform orders still unpaid or without a performance evaluation, oldest first."""
    late = {(o.purchase_id, o.order_no, o.date): o.days for o in overdue}
    lines = []
    for p in purchases:
        if not payment_due(p.channel, p.state):
            continue
        unpaid, unevaluated = p.paid_on is None, not p.evaluated
        if unpaid or unevaluated:
            lines.append(OrderLine(p.order_no, p.date, p.supplier, p.amount, unpaid, unevaluated,
                                   late.get((p.id, p.order_no, p.date))))
    return sorted(lines, key=lambda line: (line.date, line.order_no))


def report_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted((f for f in findings if f.severity >= Severity.WARNING), key=lambda f: -f.severity))


def filing_lines(events: list[FilingEvent]) -> tuple[str, ...]:
    return tuple(e.line() for e in events)


__all__ = [
    "COUNTY_HINT", "EvidenceLine", "MAX_LISTED", "OrderLine", "Row", "UNKNOWN_COUNTY", "YearReport",
    "county_rows", "filing_lines", "open_orders", "purpose_rows", "reason_rows", "report_findings", "supplier_county",
]
