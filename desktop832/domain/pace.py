"""How far the year's counted purchases are from the reserve, and the pace still needed.

The same arithmetic as the ``purchase-progress`` rule (a test keeps the two equal), as a value the
purchase log can show beside its progress bar without parsing a finding's text.

Whether a unit is "behind" is only judged where the policy names a pace: ``linear`` from a start
day the policy names, or ``milestones`` (a share of the target by a date). With pace ``none`` (the
notices say only "力争10月底前完成", or name no finishing date at all) nobody is behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from .money import ZERO, round_up_to_fen

_SHARE_PLACES = Decimal("0.01")
PACE_NONE, PACE_LINEAR, PACE_MILESTONES = "none", "linear", "milestones"


@dataclasses.dataclass(frozen=True, slots=True)
class Pace:
    target: Decimal
    done: Decimal
    finish_by: dt.date | None
    share: Decimal  # percent points of the target reached, rounded DOWN to two places (may exceed 100)
    remaining: Decimal  # never negative
    per_month: Decimal | None  # what each month left must add; None when done, late or no date
    months_left: int | None
    behind: bool  # below the pace the policy names (never with pace "none")
    late: bool  # ``finish_by`` has passed with the target not reached
    expected_share: Decimal | None = None  # where the policy's pace says the unit should be today
    milestone: dt.date | None = None  # the milestone missed, with pace "milestones"

    @property
    def complete(self) -> bool:
        return self.done >= self.target


def share_of(done: Decimal, target: Decimal) -> Decimal:
    """Percent of ``target`` reached, rounded down: 149,999.99 of 150,000 is 99.99%, never 100%."""
    return (done * 100 / target).quantize(_SHARE_PLACES, rounding=ROUND_FLOOR)


def pace(
    target: Decimal, done: Decimal, year: int, finish_by: dt.date | None, today: dt.date,
    mode: str = PACE_NONE, start: dt.date | None = None, milestones: tuple = (),
) -> Pace | None:
    """``None`` when there is no target to measure against."""
    if target <= 0:
        return None
    share = share_of(done, target)
    remaining = max(target - done, ZERO)
    per_month = months_left = expected = missed = None
    behind = late = False
    if remaining and finish_by is not None:
        if today > finish_by:
            late = True
        else:
            # before the year starts, the whole year up to the finishing month is still ahead
            from_day = max(today, dt.date(year, 1, 1))
            months_left = max(1, (finish_by.year - from_day.year) * 12 + finish_by.month - from_day.month + 1)
            per_month = round_up_to_fen(remaining / months_left)
    if remaining and not late:
        if mode == PACE_LINEAR and start is not None and finish_by is not None and today >= start:
            span = max(1, (finish_by - start).days)
            expected = min(Decimal(100), Decimal(100) * Decimal((today - start).days) / Decimal(span)).quantize(_SHARE_PLACES)
            behind = done < target * Decimal((today - start).days) / Decimal(span)
        elif mode == PACE_MILESTONES:
            passed = [(day, need) for day, need in milestones if day < today]
            if passed:
                missed, expected = passed[-1]
                behind = done * 100 < target * expected
                if not behind:
                    missed = None
    return Pace(target, done, finish_by, share, remaining, per_month, months_left, behind, late, expected, missed)


def policy_pace(policy, target: Decimal, done: Decimal, year: int, today: dt.date) -> Pace | None:
    """:func:`pace` with the policy's ``purchase-progress`` settings (none when it has no such rule)."""
    rule = policy.rule("purchase-progress") if policy is not None else None
    if rule is None:
        return pace(target, done, year, None, today)
    return pace(target, done, year, rule["finish_by"], today, rule["pace"], rule["pace_start"], rule["milestones"] or ())
