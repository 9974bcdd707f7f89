"""The picture of the year: the series the overview's chart and the year-end report both draw.

One definition, computed here from the year's tally (:mod:`.counting`, the same sums the rules
read) and the policy; the drawing (:mod:`desktop832.documents.year_chart`) only lays them out.

- counted purchases per month, and their running total against the reserve (食堂 + 工会);
- the pace the policy asks for, only where its ``purchase-progress`` rule names one (``linear``
  or ``milestones``, with the notice's words); with pace ``none`` (every shipped policy: the
  notices say "力争10月底前完成" or name no date at all) no pace line is drawn and none is claimed;
- what counted against what did not, by the reason it did not.

A year without a policy of its own is drawn with what the tally has (everything completed on the
platform counts, with no limits) and says that nothing is judged against an official ratio.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from decimal import Decimal

from .counting import Tally
from .money import FEN, ZERO
from .pace import PACE_LINEAR, PACE_MILESTONES
from .policy import Policy

MONTHS = tuple(range(1, 13))
COUNTED_LABEL = "计入"
NO_POLICY_NOTE = "本年度没有适用的政策文件：图中金额按全部已完结的832平台订单汇总，未按正式比例判断"
NO_TARGET_NOTE = "尚未填写预留份额：只显示已计入的采购"


@dataclasses.dataclass(frozen=True, slots=True)
class YearChart:
    year: int
    by_month: tuple[Decimal, ...]  # counted purchases in each month, January first
    cumulative: tuple[Decimal, ...]  # the running total at each month's end
    target: Decimal  # the reserve (食堂 + 工会); ZERO when none is entered
    pace: tuple[Decimal, ...] | None  # where the policy's pace puts the running total at each month's end
    pace_citation: str  # the notice's words for that pace ('' without one)
    counted_total: Decimal
    not_counted: tuple[tuple[str, Decimal], ...]  # (reason, amount), largest first
    judged: bool  # a policy of this year decided what counts
    notes: tuple[str, ...] = ()  # said under the chart: what it does not judge, and why
    months_past: int = 12  # the running total is drawn up to this month (in the current year the current
    # one, or the last with counted purchases if that is later)

    @property
    def not_counted_total(self) -> Decimal:
        return sum((amount for _reason, amount in self.not_counted), ZERO)

    @property
    def top(self) -> Decimal:
        """The largest amount any series reaches (the axis' upper end before rounding)."""
        values = [*self.cumulative, self.target, *(self.pace or ()), *(a for _r, a in self.not_counted), self.counted_total]
        return max(values, default=ZERO)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def pace_series(policy: Policy | None, target: Decimal, year: int) -> tuple[tuple[Decimal, ...] | None, str]:
    """The running total the policy's pace expects at each month's end, and its citation.

    The same reading of the ``purchase-progress`` rule as :func:`desktop832.domain.pace.pace`:
    ``linear`` grows evenly from ``pace_start`` to ``finish_by``; ``milestones`` asks a share of
    the target by each date. ``(None, '')`` where the policy names no pace or there is no target.
    """
    rule = policy.rule("purchase-progress") if policy is not None else None
    if rule is None or target <= 0:
        return None, ""
    mode = rule["pace"]
    values: list[Decimal] = []
    if mode == PACE_LINEAR and rule["pace_start"] is not None and rule["finish_by"] is not None:
        start, finish = rule["pace_start"], rule["finish_by"]
        span = max(1, (finish - start).days)
        for month in MONTHS:
            days = min(max((month_end(year, month) - start).days, 0), span)
            values.append((target * days / span).quantize(FEN))
    elif mode == PACE_MILESTONES and rule["milestones"]:
        for month in MONTHS:
            reached = [share for day, share in rule["milestones"] if day <= month_end(year, month)]
            values.append((target * reached[-1] / 100).quantize(FEN) if reached else ZERO)
    else:
        return None, ""
    return tuple(values), rule.citation


def year_chart(tally: Tally, target: Decimal, policy: Policy | None, today: dt.date | None = None) -> YearChart:
    """The chart's series for ``tally``'s year, against ``target`` (``reserve_target``); with
    ``today`` in that year, the running total stops at today's month (the months ahead are not
    drawn flat), unless purchases are dated later."""
    by_month = tuple(tally.counted_by_month.get(month, ZERO) for month in MONTHS)
    running, cumulative = ZERO, []
    for amount in by_month:
        running += amount
        cumulative.append(running)
    target = target if target and target > 0 else ZERO
    pace, citation = pace_series(policy, target, tally.year)
    not_counted = tuple(sorted(
        ((reason, amount) for reason, amount in tally.not_counted_by_reason.items() if amount),
        key=lambda item: (-item[1], item[0]),
    ))
    notes = []
    if policy is None:
        notes.append(NO_POLICY_NOTE)
    if not target:
        notes.append(NO_TARGET_NOTE)
    return YearChart(
        year=tally.year, by_month=by_month, cumulative=tuple(cumulative), target=target, pace=pace,
        pace_citation=citation, counted_total=tally.counted_total, not_counted=not_counted,
        judged=policy is not None, notes=tuple(notes),
        months_past=max(
            12 if today is None or today.year > tally.year else 0 if today.year < tally.year else today.month,
            max((month for month, amount in zip(MONTHS, by_month) if amount), default=0),  # orders dated ahead
        ),
    )


__all__ = ["MONTHS", "NO_POLICY_NOTE", "NO_TARGET_NOTE", "YearChart", "month_end", "pace_series", "year_chart"]
