"""The clerk's records: unit profile, annual plan and purchases, as immutable values.

Edits produce new values (``dataclasses.replace``), so undo keeps the old value and nothing is
shared by accident. Money is ``Decimal`` yuan; ratios are ``Decimal`` percent points (15 = 15%).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import ROUND_FLOOR, Decimal

from .money import FEN, PERCENT_PLACES, ZERO, round_down_to_fen, round_up_to_fen


class Level(enum.StrEnum):
    PROVINCIAL = "省级"
    MUNICIPAL = "市级"
    COUNTY = "县级"


class CanteenMode(enum.StrEnum):
    OWN = "自有食堂"
    OUTSOURCED = "食堂外包"
    SHARED = "共用食堂"
    NONE = "无食堂"


class Purpose(enum.StrEnum):
    CANTEEN = "食堂食材"
    UNION = "工会福利"
    EMPLOYEE = "职工个人"
    STATE_ENTERPRISE = "所属国有企业"
    OTHER = "其他"


class Channel(enum.StrEnum):
    PLATFORM = "832平台"
    OTHER = "其他渠道"


class OrderState(enum.StrEnum):
    DONE = "已完结"
    OPEN = "未完结"
    REFUNDED = "已退款"


class FeeSource(enum.StrEnum):
    """Which budget paid (费用来源): supervising departments collecting proof ask for it."""

    UNSET = ""  # not given (every purchase recorded before the field was kept)
    WELFARE = "福利费"
    UNION = "工会经费"
    CANTEEN = "食堂"
    OTHER = "其他"


class FilingStatus(enum.StrEnum):
    DRAFT = "草稿"
    EXPORTED = "已导出待确认"
    SUPERVISOR_CONFIRMED = "主管部门已确认"
    FINANCE_CONFIRMED = "财政部门已确认"
    RETURNED = "退回修改"  # a department sent the filing back for correction

    @property
    def step(self) -> int:
        """How far the filing has come: a returned filing was filed, and is confirmed by no one."""
        return _STEPS[self]


_STEPS = {
    FilingStatus.DRAFT: 0, FilingStatus.EXPORTED: 1, FilingStatus.RETURNED: 1,
    FilingStatus.SUPERVISOR_CONFIRMED: 2, FilingStatus.FINANCE_CONFIRMED: 3,
}


class ReserveBasis(enum.StrEnum):
    """Which of ratio and amount the clerk entered; the other one is derived from it."""

    AMOUNT = "amount"
    RATIO = "ratio"


@dataclasses.dataclass(frozen=True, slots=True)
class UnitProfile:
    name: str = ""
    credit_code: str = ""
    level: Level = Level.MUNICIPAL
    directly_affiliated: bool = False  # 直属单位
    province: str = ""
    city: str = ""
    county: str = ""  # 区县, for a county's own notice (empty: not in a county, or not given)
    supervising_department: str = ""
    contact_name: str = ""
    phone: str = ""
    canteen_mode: CanteenMode = CanteenMode.OWN
    # 食堂外包
    contractor_name: str = ""
    contract_states_policy: bool = False
    executing_purchaser: str = ""
    purchaser_account_open: bool = False
    # 共用食堂
    representative_name: str = ""
    representative_code: str = ""
    is_representative: bool = False
    # 无食堂
    meal_arrangement: str = ""
    # 工会
    has_union_funds: bool = True
    union_members: int | None = None
    employees: int | None = None
    person_in_charge: str = ""  # 单位负责人, for the letter


@dataclasses.dataclass(frozen=True, slots=True)
class AnnualPlan:
    year: int
    policy_id: str = ""  # empty: chosen automatically
    canteen_total: Decimal | None = None
    reserve_ratio: Decimal | None = None
    reserve_amount: Decimal | None = None
    reserve_basis: ReserveBasis = ReserveBasis.AMOUNT
    last_year_amount: Decimal | None = None
    last_year_ratio: Decimal | None = None
    drop_explanation: str = ""
    welfare_total: Decimal | None = None
    union_farm_total: Decimal | None = None
    union_reserve: Decimal | None = None
    union_funds_total: Decimal | None = None  # 工会年度经费总额 (a share of it for units without a canteen)
    last_year_union_reserve: Decimal | None = None  # from last year's plan when the file has one
    filing_status: FilingStatus = FilingStatus.DRAFT
    filed_on: dt.date | None = None
    supervisor_confirmed_on: dt.date | None = None
    finance_confirmed_on: dt.date | None = None
    letter_sent: bool = False  # 无食堂承诺函已报送
    note: str = ""

    # --- keeping ratio and amount consistent --------------------------------------------------
    # Rounding rule: an amount derived from a ratio is rounded UP to the fen, so the reserve is
    # never below the ratio the clerk chose; a ratio derived from an amount is rounded DOWN to
    # 0.01 percent point, so the shown ratio never overstates what was reserved.

    def with_canteen_total(self, total: Decimal | None) -> AnnualPlan:
        return self._rederive(dataclasses.replace(self, canteen_total=total))

    def with_reserve_ratio(self, ratio: Decimal | None) -> AnnualPlan:
        return self._rederive(
            dataclasses.replace(self, reserve_ratio=ratio, reserve_basis=ReserveBasis.RATIO)
        )

    def with_reserve_amount(self, amount: Decimal | None) -> AnnualPlan:
        return self._rederive(
            dataclasses.replace(self, reserve_amount=amount, reserve_basis=ReserveBasis.AMOUNT)
        )

    def rederived(self) -> AnnualPlan:
        """This plan with the derived one of ratio and amount recomputed from the entered one
        (``reserve_basis``). Every plan the edits above produce equals its own ``rederived()``."""
        return self._rederive(self)

    @staticmethod
    def _rederive(plan: AnnualPlan) -> AnnualPlan:
        total = plan.canteen_total
        if plan.reserve_basis is ReserveBasis.RATIO:
            amount = None
            if total is not None and plan.reserve_ratio is not None:
                amount = amount_for_ratio(total, plan.reserve_ratio)
            return dataclasses.replace(plan, reserve_amount=amount)
        ratio = None
        if total and plan.reserve_amount is not None:
            ratio = ratio_of(plan.reserve_amount, total)
        return dataclasses.replace(plan, reserve_ratio=ratio)

    def with_(self, **changes) -> AnnualPlan:
        """Change plain fields; ratio/amount/total go through their own methods."""
        return dataclasses.replace(self, **changes)

    def with_field(self, name: str, value, today: dt.date | None = None) -> AnnualPlan:
        """Change one field by name, keeping derived fields consistent (what a form edit does)."""
        if name == "canteen_total":
            return self.with_canteen_total(value)
        if name == "reserve_ratio":
            return self.with_reserve_ratio(value)
        if name == "reserve_amount":
            return self.with_reserve_amount(value)
        if name == "filing_status":
            return self.with_filing_status(value, today or dt.date.today())
        return dataclasses.replace(self, **{name: value})

    def with_filing_status(self, status: FilingStatus, today: dt.date) -> AnnualPlan:
        """Set the status and date the step it reaches, unless the clerk already gave that date."""
        status = FilingStatus(status)
        plan = dataclasses.replace(self, filing_status=status)
        for reached, field in (
            (FilingStatus.EXPORTED, "filed_on"),
            (FilingStatus.SUPERVISOR_CONFIRMED, "supervisor_confirmed_on"),
            (FilingStatus.FINANCE_CONFIRMED, "finance_confirmed_on"),
        ):
            if status.step >= reached.step and getattr(plan, field) is None:
                plan = dataclasses.replace(plan, **{field: today})
        return plan

    def drops_below_last_year(self) -> bool:
        """Whether the reserve amount or ratio is below last year's (an explanation may be due)."""
        return (
            self.reserve_amount is not None
            and self.last_year_amount is not None
            and self.reserve_amount < self.last_year_amount
        ) or (
            self.reserve_ratio is not None
            and self.last_year_ratio is not None
            and self.reserve_ratio < self.last_year_ratio
        )

    def following(self, previous: AnnualPlan | None) -> AnnualPlan:
        """This plan with last year's figures taken from last year's plan, where it has them.

        Last year's reserve is a fact of last year's plan: when the clerk corrects that plan, this
        year's comparison follows. Without a plan for last year (the first year in the file) the
        figures the clerk typed stay.
        """
        plan = self
        if sets_last_year(previous):
            plan = plan.with_(last_year_amount=previous.reserve_amount, last_year_ratio=previous.reserve_ratio)
        if sets_last_year_union(previous):
            plan = plan.with_(last_year_union_reserve=previous.union_reserve)
        return plan

    def next_year(self) -> AnnualPlan:
        """A new year's plan starting from this one: totals carried, this reserve becomes last year's."""
        return AnnualPlan(
            year=self.year + 1,
            canteen_total=self.canteen_total,
            reserve_ratio=self.reserve_ratio,
            reserve_amount=self.reserve_amount,
            reserve_basis=self.reserve_basis,
            last_year_amount=self.reserve_amount,
            last_year_ratio=self.reserve_ratio,
            welfare_total=self.welfare_total,
            union_farm_total=self.union_farm_total,
            union_reserve=self.union_reserve,
            union_funds_total=self.union_funds_total,
            last_year_union_reserve=self.union_reserve,
        )


def amount_for_ratio(total: Decimal, ratio: Decimal) -> Decimal:
    """``ratio`` percent of ``total``, rounded UP to the fen, so it never falls below the ratio:
    15% of 1,000,000.01 = 150,000.0015 → 150,000.01."""
    return round_up_to_fen(total * ratio / 100)


def ratio_of(amount: Decimal, total: Decimal) -> Decimal | None:
    """``amount`` as percent points of ``total``, rounded DOWN (toward zero) to 0.01 point, so the
    ratio shown never overstates the amount: 149,999.99 of 1,000,000 = 14.999999% → 14.99 (not
    15.00); 2 of 3 = 66.666…% → 66.66. ``None`` when ``total`` is zero or missing (no ratio of it)."""
    if not total:
        return None
    return (amount * 100 / total).quantize(PERCENT_PLACES, rounding=ROUND_FLOOR)


@dataclasses.dataclass(frozen=True, slots=True)
class Purchase:
    date: dt.date
    amount: Decimal
    order_no: str = ""
    supplier: str = ""
    description: str = ""
    purpose: Purpose = Purpose.CANTEEN
    channel: Channel = Channel.PLATFORM
    state: OrderState = OrderState.DONE
    paid_on: dt.date | None = None
    evaluated: bool = False  # 履约评价 done
    note: str = ""
    id: int | None = None
    delivered_on: dt.date | None = None  # goods received / accepted (收货、验货): payment counts from it
    refunded: Decimal = ZERO  # refunded part of the order; ``amount`` is what remains counted
    hand_edited: frozenset[str] = frozenset()  # fields the clerk changed in the log: re-imports leave them
    invoice_no: str = ""  # 发票号
    fee_source: FeeSource = FeeSource.UNSET  # 费用来源

    def __post_init__(self):
        if self.amount != self.amount.quantize(FEN):  # pragma: no cover - guarded by the parser
            raise ValueError("amount must have at most two places")


# what a re-import of the platform's list may bring up to date, unless the clerk changed it by hand
RECONCILED_FIELDS = ("amount", "refunded", "state", "date", "paid_on", "delivered_on")


def mark_hand_edits(before: Purchase, after: Purchase) -> Purchase:
    """``after`` remembering which reconciled fields the clerk changed from ``before``."""
    changed = {name for name in RECONCILED_FIELDS if getattr(before, name) != getattr(after, name)}
    if not changed or changed <= after.hand_edited:
        return after
    return dataclasses.replace(after, hand_edited=after.hand_edited | changed)


__all__ = [
    "RECONCILED_FIELDS", "mark_hand_edits", "AnnualPlan", "CanteenMode", "Channel", "FeeSource", "FilingStatus", "Level", "OrderState", "Purchase",
    "Purpose", "ReserveBasis", "UnitProfile", "amount_for_ratio", "plan_for_year", "ratio_of", "round_down_to_fen",
    "sets_last_year", "sets_last_year_union",
]


def sets_last_year(previous: AnnualPlan | None) -> bool:
    """Whether last year's plan decides this year's "last year" figures (see ``AnnualPlan.following``)."""
    return previous is not None and previous.reserve_amount is not None


def sets_last_year_union(previous: AnnualPlan | None) -> bool:
    """Whether last year's plan decides this year's "last year's union reserve"."""
    return previous is not None and previous.union_reserve is not None


def plan_for_year(year: int, stored: AnnualPlan | None, previous: AnnualPlan | None) -> AnnualPlan:
    """The year's plan as shown: the stored one following last year's, or a new one started from
    last year's figures."""
    if stored is not None:
        return stored.following(previous)
    return previous.next_year() if previous is not None else AnnualPlan(year)
