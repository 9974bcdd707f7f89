"""The year at a glance, derived from the findings and the tally: what the 概览 tab shows.

No rule is re-implemented here: the status of each topic is the worst finding of its rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from .counting import Tally
from .filings import STALE_RULE
from .findings import Finding, Severity
from .model import AnnualPlan, FilingStatus, UnitProfile
from .money import format_money, format_percent, round_down_to_fen, round_up_to_fen
from .pace import share_of
from .policy import Policy
from .unreadable import TOPIC_FIELDS, UNREADABLE
from .requirements import (
    PER_MEMBER_AND_WELFARE_SHARE, PER_MEMBER_OR_WELFARE_SHARE, UNION_MODE_PARAMS, deadline_status, reserve_target,
    union_exempt, union_unstated,
)

CANTEEN_RULES = ("canteen-ratio", "canteen-not-below-last-year", "canteen-outsourced", "canteen-shared", "canteen-none")
UNION_RULES = ("union-standard", "union-cap", "union-not-below-last-year", "union-funds-share")
FILING_RULES = ("filing-deadline", "supervisor-deadline", "confirmation-deadline")


@dataclasses.dataclass(frozen=True, slots=True)
class Status:
    severity: Severity | None  # None: nothing to judge
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Overview:
    year: int
    policy_name: str
    filing: Status
    canteen: Status
    union: Status
    counted: Decimal
    target: Decimal
    progress: Status
    errors: int
    warnings: int
    first_problem: Finding | None

    @property
    def progress_percent(self) -> int:
        if self.target <= 0:
            return 0
        return min(100, int(self.counted * 100 / self.target))

    @property
    def progress_label(self) -> str:
        """The bar's words: the share itself, past 100 % too (the bar stops there), as the
        purchase log's bar says it."""
        return format_percent(share_of(self.counted, self.target)) if self.target > 0 else "未填写预留份额"


def _unreadable(findings: list[Finding], topic: str) -> list[Finding]:
    fields = TOPIC_FIELDS.get(topic, frozenset())
    return [f for f in findings if f.rule_id == UNREADABLE and fields & set(f.fields)]


def _status(findings: list[Finding], rule_ids: tuple[str, ...], empty: str, topic: str = "") -> Status:
    """The worst finding of ``rule_ids``; unreadable text in one of the ``topic``'s fields comes
    first, since what the rules judged is then not what the clerk sees."""
    unreadable = _unreadable(findings, topic)
    if unreadable:
        return Status(Severity.ERROR, unreadable[0].message)
    relevant = [f for f in findings if f.rule_id in rule_ids]
    if not relevant:
        return Status(None, empty)
    worst = max(relevant, key=lambda f: f.severity)
    if worst.severity <= Severity.INFO:
        # all met: say the most informative positive line
        ok = next((f for f in relevant if f.severity is Severity.OK), worst)
        return Status(worst.severity, ok.message)
    return Status(worst.severity, worst.message)


def overview(
    profile: UnitProfile, plan: AnnualPlan, policy: Policy, findings: list[Finding], tally: Tally, today: dt.date
) -> Overview:
    target = reserve_target(profile, plan)
    filing_rule = policy.deadline("filing-deadline", profile.level)
    deadline = filing_rule.date if filing_rule else None
    filing = _status(findings, FILING_RULES, "政策未规定填报期限", "filing")
    due = deadline_status(deadline, today)
    if _unreadable(findings, "filing"):
        pass  # unreadable text in a date: that is said, not the deadline
    elif due is not None and plan.filing_status is FilingStatus.DRAFT:
        filing = Status(filing.severity, f"草稿 · 填报截止 {deadline:%Y-%m-%d}（{due.text}）")
    elif plan.filing_status is not FilingStatus.DRAFT:
        # the filing findings judge the date against the deadline: show theirs when they object
        if filing.severity is not None and filing.severity >= Severity.WARNING:
            filing = Status(filing.severity, filing.text)
        else:
            filing = Status(filing.severity, f"{plan.filing_status.value}" + (f"（{plan.filed_on:%Y-%m-%d} 填报）" if plan.filed_on else ""))
    stale = next((f for f in findings if f.rule_id == STALE_RULE), None)
    if stale is not None:  # what was sent no longer matches: said on the filing line, not only in the list
        filing = Status(Severity.INFO if filing.severity is None else filing.severity, f"{filing.text}　提示：{stale.message}")
    counted = tally.counted_total
    if target > 0:
        share = format_percent(share_of(counted, target))
        progress_text = f"已计入 {format_money(counted)} 元 / 预留份额 {format_money(target)} 元（{share}）"
    else:
        progress_text = f"已计入 {format_money(counted)} 元（尚未填写预留份额）"
    progress = _status(findings, ("purchase-progress",), progress_text)
    progress = Status(progress.severity, progress_text if progress.severity in (None, Severity.OK) else progress.text)
    problems = [f for f in findings if f.severity >= Severity.WARNING]
    return Overview(
        year=plan.year,
        policy_name=policy.name,
        filing=filing,
        canteen=_status(findings, CANTEEN_RULES, "不适用", "canteen"),
        union=_status(findings, UNION_RULES, "不适用", "union"),
        counted=counted,
        target=target,
        progress=progress,
        errors=sum(f.severity is Severity.ERROR for f in findings),
        warnings=sum(f.severity is Severity.WARNING for f in findings),
        first_problem=problems[0] if problems else None,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Figure:
    """One derived union figure next to the policy's threshold."""

    label: str
    value: str
    standard: str
    met: bool | None  # None: no threshold applies


def union_figures(profile: UnitProfile, plan: AnnualPlan, policy: Policy) -> list[Figure]:
    """The union reserve per member, per employee and as shares, each beside the standard the
    policy sets for it (whatever the mode) and whether it is met, judged on exact amounts.

    Shown figures never overstate the reserve: a figure held against a minimum is rounded down
    (299.999 yuan per member reads 299.99, not 300.00, beside "不低于 300 元"), one held against a
    cap is rounded up; shares are rounded down to 0.01 point like every ratio.
    """
    reserve = plan.union_reserve
    standard = policy.rule("union-standard")
    cap = policy.rule("union-cap")
    figures: list[Figure] = []

    def ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
        return None if a is None or not b else a / b

    per_member = ratio(reserve, Decimal(profile.union_members) if profile.union_members else None)
    per_employee = ratio(reserve, Decimal(profile.employees) if profile.employees else None)
    welfare_share = ratio(reserve * 100 if reserve is not None else None, plan.welfare_total)
    purchase_share = ratio(reserve * 100 if reserve is not None else None, plan.union_farm_total)

    def money(value: Decimal | None, upper: bool = False) -> str:
        if value is None:
            return "—"
        return format_money(round_up_to_fen(value) if upper else round_down_to_fen(value)) + " 元"

    def percent(value: Decimal | None) -> str:
        return "—" if value is None else format_percent(value.quantize(Decimal("0.01"), rounding=ROUND_FLOOR))

    mode = standard["mode"] if standard is not None else None
    wanted = UNION_MODE_PARAMS.get(mode, ())
    per_member_min = standard["per_member"] if "per_member" in wanted else None
    welfare_min = standard["welfare_share"] if "welfare_share" in wanted else None
    purchase_min = standard["union_purchase_share"] if "union_purchase_share" in wanted else None
    either = mode == PER_MEMBER_OR_WELFARE_SHARE
    both = mode == PER_MEMBER_AND_WELFARE_SHARE
    either_met = either and (
        (per_member is not None and per_member >= per_member_min) or (welfare_share is not None and welfare_share >= welfare_min)
    )
    member_note = "（与福利占比满足其一）" if either else "（与福利占比都要达到）" if both else ""
    welfare_note = "（与人均满足其一）" if either else "（与人均都要达到）" if both else ""

    def met(value, minimum, upper=False):
        if minimum is None or value is None:
            return None
        return value <= minimum if upper else value >= minimum

    figures.append(Figure(
        "人均（每名会员）", money(per_member),
        f"不低于 {format_money(per_member_min)} 元{member_note}" if per_member_min is not None else "—",
        (either_met if either and per_member is not None else met(per_member, per_member_min)),
    ))
    cap_max = cap["per_employee_max"] if cap else None
    cap_min = cap["per_employee_min"] if cap else None
    employee_standard = "，".join(
        words for words in (
            f"不低于 {format_money(cap_min)} 元" if cap_min is not None else "",
            f"不超过 {format_money(cap_max)} 元" if cap_max is not None else "",
        ) if words
    ) or "—"
    employee_met = None
    if per_employee is not None and (cap_min is not None or cap_max is not None):
        employee_met = (cap_min is None or per_employee >= cap_min) and (cap_max is None or per_employee <= cap_max)
    # against a cap alone the figure is rounded up; against a minimum, down
    figures.append(Figure("人均（每名职工）", money(per_employee, upper=cap_min is None), employee_standard, employee_met))
    figures.append(Figure(
        "占年度福利总额", percent(welfare_share),
        f"不低于 {format_percent(welfare_min)}{welfare_note}" if welfare_min is not None else "—",
        (either_met if either and welfare_share is not None else met(welfare_share, welfare_min)),
    ))
    figures.append(Figure(
        "占工会农副产品采购总额", percent(purchase_share),
        f"不低于 {format_percent(purchase_min)}" if purchase_min is not None else "—", met(purchase_share, purchase_min),
    ))
    if union_exempt(profile, policy) or union_unstated(profile, policy):
        # no union standard applies to this unit: no 达标 mark for it (the per-employee cap still does)
        figures = [dataclasses.replace(f, met=None) if "每名职工" not in f.label else f for f in figures]
    return figures
