"""How far the year's counted purchases are from the reserve, and the pace still needed.

The same arithmetic as the ``purchase-progress`` rule (a test keeps the two equal), as a value the
purchase log can show beside its progress bar without parsing a finding's text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from .money import ZERO, round_up_to_fen

_SHARE_PLACES = Decimal("0.01")


@dataclasses.dataclass(frozen=True, slots=True)
class Pace:
    target: Decimal
    done: Decimal
    finish_by: dt.date | None
    share: Decimal  # percent points of the target reached, two places (may exceed 100)
    remaining: Decimal  # never negative
    per_month: Decimal | None  # what each month left must add; None when done, late or no date
    months_left: int | None
    behind: bool  # below the straight line from 1 January to ``finish_by``
    late: bool  # ``finish_by`` has passed with the target not reached

    @property
    def complete(self) -> bool:
        return self.done >= self.target


def pace(target: Decimal, done: Decimal, year: int, finish_by: dt.date | None, today: dt.date) -> Pace | None:
    """``None`` when there is no target to measure against."""
    if target <= 0:
        return None
    share = (done * 100 / target).quantize(_SHARE_PLACES)
    remaining = max(target - done, ZERO)
    per_month = months_left = None
    behind = late = False
    if remaining and finish_by is not None:
        start = dt.date(year, 1, 1)
        if today > finish_by:
            late = True
        else:
            # before the year starts, the whole year up to the finishing month is still ahead
            from_day = max(today, start)
            months_left = max(1, (finish_by.year - from_day.year) * 12 + finish_by.month - from_day.month + 1)
            per_month = round_up_to_fen(remaining / months_left)
            if today >= start:
                expected = target * Decimal((today - start).days) / Decimal(max(1, (finish_by - start).days))
                behind = done < expected
    return Pace(target, done, finish_by, share, remaining, per_month, months_left, behind, late)
