"""Which purchases count toward the unit's annual total, and the year's tally.

The policy decides what counts (:func:`why_not_counted`); the tally is computed once per change of
the purchases, so re-running the rules on a keystroke in the plan costs nothing per purchase.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from .model import Channel, OrderState, Purchase, Purpose
from .money import ZERO
from .policy import Policy

REASON_CHANNEL = "非832平台采购，不计入"
REASON_OPEN = "订单未完结，不计入"
REASON_REFUNDED = "已退款，不计入"
REASON_OTHER_YEAR = "不属于本年度"
REASON_UNPAID = "尚未付款，不计入（政策按付款计入）"
REASON_UNACCEPTED = "尚未验货验票（没有收货日期），不计入（政策按付款并验货验票计入）"
COUNT_COMPLETED, COUNT_PAID, COUNT_PAID_AND_ACCEPTED = "completed", "paid", "paid-and-accepted"
COUNT_WHEN = (COUNT_COMPLETED, COUNT_PAID, COUNT_PAID_AND_ACCEPTED)


def reason_purpose(purpose: Purpose) -> str:
    return f"用途“{purpose.value}”按政策不计入"


def reason_unstated(purpose: Purpose) -> str:
    """A purpose the policy neither counts nor excludes: a hint, never "按政策不计入"."""
    return f"用途“{purpose.value}”文件未提及是否计入，暂未计入（提示）"


def counted_purposes(policy: Policy | None) -> frozenset[Purpose]:
    rule = policy.rule("what-counts") if policy else None
    return frozenset(rule["purposes"]) if rule else frozenset(Purpose)


def excluded_purposes(policy: Policy | None) -> frozenset[Purpose]:
    """Purposes the policy's notice says do not count; the others it does not list are unstated."""
    rule = policy.rule("what-counts") if policy else None
    return frozenset(rule["excluded"] or ()) if rule else frozenset()


def count_when(policy: Policy | None) -> str:
    """When an order counts under the policy: completed (已完结), paid, or paid and accepted."""
    rule = policy.rule("what-counts") if policy else None
    return rule["count_when"] if rule else COUNT_COMPLETED


@dataclasses.dataclass(frozen=True, slots=True)
class Counting:
    """A policy's whole counting rule, for callers that judge one purchase at a time."""

    purposes: frozenset[Purpose]
    excluded: frozenset[Purpose]
    when: str = "completed"

    @classmethod
    def of(cls, policy: Policy | None) -> Counting:
        return cls(counted_purposes(policy), excluded_purposes(policy), count_when(policy))

    def reason(self, purchase: Purchase) -> str | None:
        return why_not_counted(
            purchase.channel, purchase.state, purchase.purpose, self.purposes, self.excluded,
            purchase.paid_on is not None, purchase.delivered_on is not None, self.when,
        )


def why_not_counted(
    channel: Channel, state: OrderState, purpose: Purpose, purposes: frozenset[Purpose],
    excluded: frozenset[Purpose] | None = None, paid: bool = True, accepted: bool = True,
    when: str = COUNT_COMPLETED,
) -> str | None:
    """``None`` when a purchase counts, else the reason the clerk reads beside it.

    ``excluded`` are the purposes the notice excludes; a purpose neither in ``purposes`` nor in
    ``excluded`` is one the notice does not mention (``None``: every unlisted purpose is excluded).
    ``when`` (:func:`count_when`) adds, to a completed order, that it is paid (``paid``: a payment
    date) and accepted (``accepted``: a delivery date, 验货验票).
    """
    if channel is not Channel.PLATFORM:
        return REASON_CHANNEL
    if state is OrderState.REFUNDED:
        return REASON_REFUNDED
    if state is not OrderState.DONE:
        return REASON_OPEN
    if when in (COUNT_PAID, COUNT_PAID_AND_ACCEPTED) and not paid:
        return REASON_UNPAID
    if when == COUNT_PAID_AND_ACCEPTED and not accepted:
        return REASON_UNACCEPTED
    if purpose not in purposes:
        if excluded is None or purpose in excluded:
            return reason_purpose(purpose)
        return reason_unstated(purpose)
    return None


def payment_due(channel: Channel, state: OrderState) -> bool:
    """Whether the unit owes the supplier payment and a performance evaluation: a completed platform order."""
    return channel is Channel.PLATFORM and state is OrderState.DONE


def max_unpaid_days(policy: Policy | None) -> int | None:
    """The policy's limit on days between an order and its payment, if it sets one."""
    rule = policy.rule("pay-on-time") if policy else None
    return rule["max_unpaid_days"] if rule else None


def overdue_days(
    channel: Channel, state: OrderState, date: dt.date, paid_on: dt.date | None, today: dt.date, max_days: int | None,
    delivered_on: dt.date | None = None,
) -> int | None:
    """Days an unpaid order has waited when that is beyond ``max_days``, else ``None``.

    The term runs from delivery (国务院令第728号 第八条: 自货物……交付之日起); an order without a
    delivery date falls back to its order date (the rule says so)."""
    if max_days is None or paid_on is not None or not payment_due(channel, state):
        return None
    days = (today - (delivered_on or date)).days
    return days if days > max_days else None


@dataclasses.dataclass(frozen=True, slots=True)
class OverduePayment:
    purchase_id: int | None
    order_no: str
    date: dt.date
    amount: Decimal
    days: int
    delivered_on: dt.date | None = None  # None: counted from the order date

    @property
    def from_order_date(self) -> bool:
        return self.delivered_on is None


@dataclasses.dataclass(frozen=True, slots=True)
class Tally:
    year: int
    count: int
    counted_total: Decimal
    not_counted_total: Decimal
    counted_by_purpose: dict[Purpose, Decimal]
    not_counted_by_reason: dict[str, Decimal]
    counted_by_month: dict[int, Decimal]
    overdue: tuple[OverduePayment, ...]
    unevaluated: int
    # summed once here: the rules read them on every keystroke, and a big log has many overdue orders
    overdue_total: Decimal = ZERO
    # the sums it was made from (a few hundred at most): what the export's purchase summary is
    # read from, so an export sums the purchases once; not part of what a tally equals
    groups: tuple["Group", ...] = dataclasses.field(default=(), compare=False, repr=False)
    overdue_from_order_date: int = 0  # overdue orders without a delivery date (counted from the order)
    overdue_days_sorted: tuple[int, ...] = ()  # every overdue order's days, ascending

    def overdue_beyond(self, days: int) -> int:
        """How many overdue orders have waited more than ``days``."""
        return len(self.overdue_days_sorted) - bisect.bisect_right(self.overdue_days_sorted, days)

    @property
    def union_counted(self) -> Decimal:
        return self.counted_by_purpose.get(Purpose.UNION, ZERO)


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """Purchases alike in everything that decides counting, summed: one row of a GROUP BY."""

    channel: Channel
    state: OrderState
    purpose: Purpose
    month: int
    count: int
    amount: Decimal
    not_evaluated: int
    paid: bool = True  # every purchase of the group has a payment date
    accepted: bool = True  # every purchase of the group has a delivery date


def tally_groups(
    groups: Iterable[Group], overdue: Iterable[OverduePayment], policy: Policy | None, year: int
) -> Tally:
    """The year's tally from summed groups: the one place that adds up what counts and why not.

    :func:`tally` feeds it from purchase values; the store feeds it from SQL for big logs.
    """
    purposes, excluded, when = counted_purposes(policy), excluded_purposes(policy), count_when(policy)
    groups = tuple(groups)
    counted = defaultdict(lambda: ZERO)
    by_month = defaultdict(lambda: ZERO)
    not_counted = defaultdict(lambda: ZERO)
    count = unevaluated = 0
    for g in groups:
        count += g.count
        reason = why_not_counted(g.channel, g.state, g.purpose, purposes, excluded, g.paid, g.accepted, when)
        if reason is None:
            counted[g.purpose] += g.amount
            by_month[g.month] += g.amount
        else:
            not_counted[reason] += g.amount
        if payment_due(g.channel, g.state):
            unevaluated += g.not_evaluated
    return Tally(
        year=year,
        count=count,
        counted_total=sum(counted.values(), ZERO),
        not_counted_total=sum(not_counted.values(), ZERO),
        counted_by_purpose=dict(counted),
        not_counted_by_reason=dict(not_counted),
        counted_by_month=dict(by_month),
        overdue=(overdue := tuple(sorted(overdue, key=_overdue_order))),
        unevaluated=unevaluated,
        overdue_total=sum((o.amount for o in overdue), ZERO),
        groups=groups,
        overdue_from_order_date=sum(o.delivered_on is None for o in overdue),
        overdue_days_sorted=tuple(sorted(o.days for o in overdue)),
    )


def _overdue_order(o: OverduePayment) -> tuple:
    return (o.date, o.purchase_id or 0)


def tally(purchases: Iterable[Purchase], policy: Policy | None, year: int, today: dt.date) -> Tally:
    """Sum the year's purchases by whether and why they count."""
    max_days = max_unpaid_days(policy)
    sums: dict[tuple, list] = defaultdict(lambda: [0, ZERO, 0])
    overdue: list[OverduePayment] = []
    for p in purchases:
        if p.date.year != year:
            continue
        entry = sums[(p.channel, p.state, p.purpose, p.date.month, p.paid_on is not None, p.delivered_on is not None)]
        entry[0] += 1
        entry[1] += p.amount
        entry[2] += not p.evaluated
        days = overdue_days(p.channel, p.state, p.date, p.paid_on, today, max_days, p.delivered_on)
        if days is not None:
            overdue.append(OverduePayment(p.id, p.order_no, p.date, p.amount, days, p.delivered_on))
    groups = (
        Group(*key[:4], n, amount, not_evaluated, *key[4:]) for key, (n, amount, not_evaluated) in sums.items()
    )
    return tally_groups(groups, overdue, policy, year)


def _group_key(p: Purchase) -> tuple:
    return (p.channel, p.state, p.purpose, p.date.month, p.paid_on is not None, p.delivered_on is not None)


class RunningTally:
    """A year's tally under one policy on one day, kept up to date write by write.

    It holds what :func:`tally_groups` is made from, the purchases summed by everything that
    decides counting (a few hundred groups however long the log) and the overdue orders by id, so
    a write costs what it touches and the :class:`Tally` it gives equals a fresh :func:`tally` of
    the purchases as they now are. Purchases of other years are left out as :func:`tally` does.
    """

    def __init__(
        self, year: int, policy: Policy | None, today: dt.date, groups: Iterable[Group] = (),
        overdue: Iterable[OverduePayment] = (),
    ):
        self.year, self.policy, self.today = year, policy, today
        self._max_days = max_unpaid_days(policy)
        self._groups: dict[tuple, list] = {}
        for g in groups:
            self._add_group((g.channel, g.state, g.purpose, g.month, g.paid, g.accepted), g.count, g.amount, g.not_evaluated)
        self._overdue: dict[int | None, OverduePayment] = {o.purchase_id: o for o in overdue}
        self._tally: Tally | None = None

    def _add_group(self, key: tuple, count: int, amount: Decimal, not_evaluated: int) -> None:
        entry = self._groups.get(key)
        if entry is None:
            entry = self._groups[key] = [0, ZERO, 0]
        entry[0] += count
        entry[1] += amount
        entry[2] += not_evaluated
        if entry[0] == 0:  # no purchase left in it: gone, as a fresh tally would not have it
            del self._groups[key]

    def apply(self, removed: Iterable[Purchase] = (), added: Iterable[Purchase] = ()) -> None:
        """Take ``removed`` (purchases as they were before the write) out and put ``added`` (as
        written, with their ids) in; an edit is its old value removed and its new one added."""
        for sign, purchases in ((-1, removed), (1, added)):
            for p in purchases:
                if p.date.year != self.year:
                    continue
                self._tally = None
                self._add_group(_group_key(p), sign, p.amount if sign > 0 else -p.amount, sign * (not p.evaluated))
                if sign < 0:
                    self._overdue.pop(p.id, None)
                    continue
                days = overdue_days(p.channel, p.state, p.date, p.paid_on, self.today, self._max_days, p.delivered_on)
                if days is not None:
                    self._overdue[p.id] = OverduePayment(p.id, p.order_no, p.date, p.amount, days, p.delivered_on)

    def subtract(self, groups: Iterable[Group], ids: Iterable[int]) -> None:
        """Take out purchases already summed (``groups``, as a GROUP BY over them gives) whose ids
        are ``ids``: a bulk delete, told without its purchases."""
        for g in groups:
            self._tally = None
            self._add_group((g.channel, g.state, g.purpose, g.month, g.paid, g.accepted), -g.count, -g.amount, -g.not_evaluated)
        if self._overdue:
            for pid in ids:
                if self._overdue.pop(pid, None) is not None:
                    self._tally = None

    def add_summed(self, groups: Iterable[Group], unpaid: Iterable[Purchase]) -> None:
        """Put in purchases already summed (``groups``); ``unpaid`` are those of them that may be
        overdue (the others cannot be): the undo of a bulk delete."""
        for g in groups:
            self._tally = None
            self._add_group((g.channel, g.state, g.purpose, g.month, g.paid, g.accepted), g.count, g.amount, g.not_evaluated)
        for p in unpaid:
            if p.date.year != self.year:
                continue
            days = overdue_days(p.channel, p.state, p.date, p.paid_on, self.today, self._max_days, p.delivered_on)
            if days is not None:
                self._tally = None
                self._overdue[p.id] = OverduePayment(p.id, p.order_no, p.date, p.amount, days, p.delivered_on)

    def tally(self) -> Tally:
        if self._tally is None:
            groups = (
                Group(*key[:4], count, amount, not_evaluated, *key[4:])
                for key, (count, amount, not_evaluated) in self._groups.items()
            )
            self._tally = tally_groups(groups, self._overdue.values(), self.policy, self.year)
        return self._tally
