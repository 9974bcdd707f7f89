"""What the policy asks of this unit, computed once: the rule engine, the overview and the forms all
read these values, so a minimum or a deadline's wording never differs between two places.

Pure functions of the profile, the plan, the policy and a date; the callers only format and show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from .model import AnnualPlan, CanteenMode, UnitProfile, amount_for_ratio
from .money import ZERO, format_money, format_percent
from .policy import Policy

# --- canteen ---------------------------------------------------------------------------------


def canteen_reserve_applies(profile: UnitProfile) -> bool:
    """Whether this unit itself must reserve a canteen share.

    Own and outsourced canteens do; of a shared canteen only the representative unit files; a unit
    without a canteen notes 无食堂 and reserves nothing for it.
    """
    mode = profile.canteen_mode
    return mode in (CanteenMode.OWN, CanteenMode.OUTSOURCED) or (
        mode is CanteenMode.SHARED and profile.is_representative
    )


@dataclasses.dataclass(frozen=True, slots=True)
class CanteenMinimum:
    """The canteen reserve the policy requires, as money (rounded up to the fen, never undercut)."""

    floor_ratio: Decimal
    amount: Decimal
    encouraged_ratio: Decimal | None = None
    encouraged_amount: Decimal | None = None

    @property
    def summary(self) -> str:
        """One line for the clerk, as :attr:`UnionMinimum.summary` is for the union."""
        return f"按政策（{format_percent(self.floor_ratio)}）应不低于 {format_money(self.amount)} 元"


def canteen_minimum(profile: UnitProfile, plan: AnnualPlan, policy: Policy | None) -> CanteenMinimum | None:
    """The ``canteen-ratio`` minimum: floor ratio × annual canteen food total, rounded up to the fen.

    ``None`` where there is no such minimum: no policy or the policy does not switch the rule on,
    the unit reserves no canteen share (:func:`canteen_reserve_applies`), or the canteen total is
    not filled in yet. A total of zero gives a minimum of zero (the rule asks the clerk to check it).
    """
    rule = policy.rule("canteen-ratio") if policy else None
    if rule is None or not canteen_reserve_applies(profile) or plan.canteen_total is None:
        return None
    total, floor, encouraged = plan.canteen_total, rule["floor_ratio"], rule["encouraged_ratio"]
    return CanteenMinimum(
        floor_ratio=floor,
        amount=amount_for_ratio(total, floor),
        encouraged_ratio=encouraged,
        encouraged_amount=None if encouraged is None else amount_for_ratio(total, encouraged),
    )


def reserve_target(profile: UnitProfile, plan: AnnualPlan) -> Decimal:
    """What the year's counted purchases are measured against: canteen reserve + union reserve.

    The canteen reserve counts only where the unit itself reserves a canteen share.
    """
    canteen = (plan.reserve_amount or ZERO) if canteen_reserve_applies(profile) else ZERO
    return canteen + (plan.union_reserve or ZERO)


# --- union -----------------------------------------------------------------------------------

SHARE_OF_UNION_PURCHASES = "share-of-union-purchases"
PER_MEMBER_OR_WELFARE_SHARE = "per-member-or-welfare-share"
PER_MEMBER_AND_WELFARE_SHARE = "per-member-and-welfare-share"
PER_MEMBER = "per-member"
WELFARE_SHARE = "welfare-share"
UNION_MODES = (PER_MEMBER_OR_WELFARE_SHARE, PER_MEMBER_AND_WELFARE_SHARE, PER_MEMBER, WELFARE_SHARE, SHARE_OF_UNION_PURCHASES)
# which parameters each mode reads
UNION_MODE_PARAMS = {
    PER_MEMBER_OR_WELFARE_SHARE: ("per_member", "welfare_share"),
    PER_MEMBER_AND_WELFARE_SHARE: ("per_member", "welfare_share"),
    PER_MEMBER: ("per_member",),
    WELFARE_SHARE: ("welfare_share",),
    SHARE_OF_UNION_PURCHASES: ("union_purchase_share",),
}


@dataclasses.dataclass(frozen=True, slots=True)
class UnionMinimum:
    """The union reserve the ``union-standard`` rule requires.

    ``amount`` is ``None`` while the figures it is computed from are not filled in; ``basis`` then
    is empty. Otherwise ``basis`` says in Chinese how the amount was reached. ``standard`` is the
    policy's standard in words, whatever the unit's figures.
    """

    mode: str
    amount: Decimal | None
    basis: str
    standard: str

    @property
    def summary(self) -> str:
        """One line for the clerk: the amount where one standard gives it, otherwise the standard
        (two standards, either of which is met, have no one amount)."""
        if self.mode != PER_MEMBER_OR_WELFARE_SHARE:
            return f"按政策应不低于 {format_money(self.amount)} 元" if self.amount is not None else f"按政策应{self.standard}"
        return f"按政策：{self.standard}"


def union_exempt(profile: UnitProfile, policy: Policy | None) -> bool:
    """A unit without independent union funds, where the policy exempts it (注明“无独立工会经费”)."""
    rule = policy.rule("union-standard") if policy else None
    return rule is not None and not profile.has_union_funds and rule["no_funds_exempt"]


def union_unstated(profile: UnitProfile, policy: Policy | None) -> bool:
    """A unit without independent union funds under a policy that says nothing about such units:
    no minimum is computed and no verdict given (the notice is silent)."""
    rule = policy.rule("union-standard") if policy else None
    return rule is not None and not profile.has_union_funds and not rule["no_funds_exempt"]


def union_minimum(profile: UnitProfile, plan: AnnualPlan, policy: Policy | None) -> UnionMinimum | None:
    """The ``union-standard`` minimum, or ``None`` where the rule asks nothing of the unit (no policy,
    the rule switched off, the unit is exempt: :func:`union_exempt`, or the policy says nothing
    about units without union funds: :func:`union_unstated`).

    Every share is rounded up to the fen. ``per-member-or-welfare-share`` takes the lower of the
    two standards it can compute, since the notice is met by either one ("每人每年不低于300元或者
    年度福利总额15%"); ``per-member-and-welfare-share`` needs both and takes the higher.
    """
    rule = policy.rule("union-standard") if policy else None
    if rule is None or union_exempt(profile, policy) or union_unstated(profile, policy):
        return None
    mode = rule["mode"]
    if mode == SHARE_OF_UNION_PURCHASES:
        share = rule["union_purchase_share"]
        standard = f"不低于工会年度农副产品采购总额的 {format_percent(share)}"
        if plan.union_farm_total is None:
            return UnionMinimum(mode, None, "", standard)
        return UnionMinimum(
            mode, amount_for_ratio(plan.union_farm_total, share),
            f"工会年度采购农副产品总额 {format_money(plan.union_farm_total)} 元的 {format_percent(share)}", standard,
        )
    wanted = UNION_MODE_PARAMS[mode]
    words = []
    if "per_member" in wanted:
        words.append(f"会员每人每年不低于 {format_money(rule['per_member'])} 元")
    if "welfare_share" in wanted:
        words.append(f"年度福利总额的 {format_percent(rule['welfare_share'])}")
    standard = ("，或" if mode == PER_MEMBER_OR_WELFARE_SHARE else "，且不低于").join(words)
    options: list[tuple[Decimal, str]] = []
    if "per_member" in wanted and profile.union_members:
        options.append((
            rule["per_member"] * profile.union_members,
            f"会员 {profile.union_members} 人 × {format_money(rule['per_member'])} 元",
        ))
    if "welfare_share" in wanted and plan.welfare_total is not None:
        options.append((
            amount_for_ratio(plan.welfare_total, rule["welfare_share"]),
            f"年度福利总额 {format_money(plan.welfare_total)} 元的 {format_percent(rule['welfare_share'])}",
        ))
    if not options or (mode == PER_MEMBER_AND_WELFARE_SHARE and len(options) < 2):
        return UnionMinimum(mode, None, "", standard)
    if mode == PER_MEMBER_AND_WELFARE_SHARE:
        amount, basis = max(options, key=lambda o: o[0])
        return UnionMinimum(mode, amount, basis + "（两项标准均须满足，取较高者）", standard)
    amount, basis = min(options, key=lambda o: o[0])
    return UnionMinimum(mode, amount, basis + ("（两项标准满足其一即可）" if len(options) > 1 else ""), standard)


# --- deadlines -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """How a deadline stands on a day: ``days`` left, negative once it has passed."""

    deadline: dt.date
    days: int

    @property
    def overdue(self) -> bool:
        """The deadline day itself is still in time; the day after is one day overdue."""
        return self.days < 0

    @property
    def text(self) -> str:
        """``还有 3 天`` / ``还有 0 天`` on the day / ``已逾期 2 天``: the one wording everywhere."""
        return f"已逾期 {-self.days} 天" if self.overdue else f"还有 {self.days} 天"


def deadline_status(deadline: dt.date | None, today: dt.date) -> DeadlineStatus | None:
    """``None`` when the policy sets no such deadline."""
    if deadline is None:
        return None
    return DeadlineStatus(deadline, (deadline - today).days)
