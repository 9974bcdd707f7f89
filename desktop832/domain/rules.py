"""The rule engine: one pure function from the unit's records, a policy and a date to findings.

Each rule is a small function registered under the id policy files use. A rule runs only when the
policy switches it on, reads its numbers from the policy, and cites the notice the policy names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Iterable, Iterator, Sequence

from .counting import Tally, tally as make_tally
from .errors import InputError
from .findings import Finding, Severity
from .identifiers import parse_credit_code, parse_phone
from .model import AnnualPlan, CanteenMode, FilingStatus, Purchase, UnitProfile
from .money import format_money as m, format_percent as pct, round_up_to_fen
from .pace import pace
from .policy import RULE_PARAMS, Policy, Rule
from .requirements import (
    SHARE_OF_UNION_PURCHASES, canteen_minimum, canteen_reserve_applies, deadline_status, reserve_target, union_minimum,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    profile: UnitProfile
    plan: AnnualPlan
    tally: Tally
    policy: Policy
    today: dt.date
    rule: Rule

    def finding(self, severity: Severity, message: str, *fields: str) -> Finding:
        return Finding(self.rule.id, severity, message, self.rule.citation, fields)

    @property
    def policy_is_for_this_year(self) -> bool:
        """Dates in a policy of another year say nothing about this year's deadlines."""
        return self.policy.year == self.plan.year

    @property
    def canteen_reserve_applies(self) -> bool:
        """Whether this unit itself must reserve a canteen share."""
        return canteen_reserve_applies(self.profile)


RuleFunction = Callable[[Context], Iterable[Finding]]
RULES: dict[str, RuleFunction] = {}


def rule(rule_id: str):
    def register(function: RuleFunction) -> RuleFunction:
        RULES[rule_id] = function
        return function

    return register


def evaluate(
    profile: UnitProfile,
    plan: AnnualPlan,
    purchases: Sequence[Purchase] | Tally,
    policy: Policy,
    today: dt.date,
) -> list[Finding]:
    """All findings, worst first. ``purchases`` may be a precomputed :class:`Tally` of them."""
    year_tally = purchases if isinstance(purchases, Tally) else make_tally(purchases, policy, plan.year, today)
    findings: list[Finding] = []
    for rule_id, config in policy.rules.items():
        findings.extend(RULES[rule_id](Context(profile, plan, year_tally, policy, today, config)))
    findings.sort(key=lambda f: -f.severity)
    return findings


# --- the unit's data -------------------------------------------------------------------------


@rule("profile-complete")
def _profile_complete(c: Context) -> Iterator[Finding]:
    p = c.profile
    required = [
        ("name", "单位全称"), ("supervising_department", "主管预算单位"),
        ("contact_name", "经办人"), ("province", "所在省份"),
    ]
    for field, label in required:
        if not getattr(p, field).strip():
            yield c.finding(Severity.ERROR, f"请填写{label}", f"profile.{field}")
    for field, check in (("credit_code", parse_credit_code), ("phone", parse_phone)):
        try:
            check(getattr(p, field))
        except InputError as exc:
            yield c.finding(Severity.ERROR, exc.message, f"profile.{field}")


@rule("policy-year")
def _policy_year(c: Context) -> Iterator[Finding]:
    if c.policy.year != c.plan.year:
        yield c.finding(
            Severity.WARNING,
            f"当前使用的是 {c.policy.year} 年度的政策（{c.policy.name}），与填报年度 {c.plan.year} 不符；"
            "请加载本年度的政策文件",
            "plan.policy_id",
        )


# --- canteen ---------------------------------------------------------------------------------


@rule("canteen-ratio")
def _canteen_ratio(c: Context) -> Iterator[Finding]:
    if not c.canteen_reserve_applies:
        return
    plan = c.plan
    required = canteen_minimum(c.profile, plan, c.policy)
    if required is None:  # the rule is on and applies: only the total can be missing
        yield c.finding(Severity.ERROR, "请填写年度食堂食材采购总额", "plan.canteen_total")
        return
    if plan.reserve_amount is None:
        yield c.finding(Severity.ERROR, "请填写食堂食材预留金额或预留比例", "plan.reserve_amount", "plan.reserve_ratio")
        return
    floor, minimum = required.floor_ratio, required.amount
    if plan.reserve_amount < minimum:
        yield c.finding(
            Severity.ERROR,
            f"食堂预留金额 {m(plan.reserve_amount)} 元低于年度食堂食材采购总额 {m(plan.canteen_total)} 元的"
            f" {pct(floor)}：应不低于 {m(minimum)} 元，还差 {m(minimum - plan.reserve_amount)} 元",
            "plan.reserve_amount", "plan.reserve_ratio",
        )
        return
    encouraged = required.encouraged_ratio
    if required.encouraged_amount is not None and plan.reserve_amount < required.encouraged_amount:
        yield c.finding(
            Severity.INFO,
            f"食堂预留比例 {pct(plan.reserve_ratio)} 已达到 {pct(floor)} 的要求；政策鼓励达到 {pct(encouraged)}",
            "plan.reserve_ratio",
        )
        return
    yield c.finding(
        Severity.OK,
        f"食堂预留金额 {m(plan.reserve_amount)} 元（{pct(plan.reserve_ratio)}）不低于 {pct(floor)}（{m(minimum)} 元）",
        "plan.reserve_amount",
    )


@rule("canteen-not-below-last-year")
def _not_below_last_year(c: Context) -> Iterator[Finding]:
    plan = c.plan
    if not c.canteen_reserve_applies or plan.reserve_amount is None:
        return
    drops = []
    if plan.last_year_amount is not None and plan.reserve_amount < plan.last_year_amount:
        drops.append(f"预留金额由上年度 {m(plan.last_year_amount)} 元降至 {m(plan.reserve_amount)} 元")
    if (
        c.rule["mode"] == "explain"
        and plan.last_year_ratio is not None
        and plan.reserve_ratio is not None
        and plan.reserve_ratio < plan.last_year_ratio
    ):
        drops.append(f"预留比例由上年度 {pct(plan.last_year_ratio)} 降至 {pct(plan.reserve_ratio)}")
    if not drops:
        if plan.last_year_amount is not None:
            yield c.finding(Severity.OK, f"预留金额不低于上年度（{m(plan.last_year_amount)} 元）", "plan.reserve_amount")
        return
    what = "；".join(drops)
    if c.rule["mode"] == "hard":
        yield c.finding(Severity.ERROR, f"{what}：预留金额不得低于上年度数额", "plan.reserve_amount", "plan.last_year_amount")
    elif not plan.drop_explanation.strip():
        yield c.finding(Severity.ERROR, f"{what}：须向本级财政部门作出说明，请填写下降说明", "plan.drop_explanation")
    else:
        yield c.finding(Severity.INFO, f"{what}；已填写下降说明，报送时一并提交本级财政部门", "plan.drop_explanation")


@rule("canteen-outsourced")
def _outsourced(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.OUTSOURCED:
        return
    ok = True
    if not p.contractor_name.strip():
        ok = False
        yield c.finding(Severity.ERROR, "食堂外包：请填写食堂承包方名称", "profile.contractor_name")
    if c.rule["contract_must_state_policy"] and not p.contract_states_policy:
        ok = False
        yield c.finding(
            Severity.ERROR,
            "食堂外包：外包合同须明确约定落实政策要求、不低于规定比例的预留比例和具体采购执行主体",
            "profile.contract_states_policy",
        )
    if c.rule["executing_purchaser_required"] and not p.executing_purchaser.strip():
        ok = False
        yield c.finding(Severity.ERROR, "食堂外包：请填写具体采购执行主体", "profile.executing_purchaser")
    if c.rule["account_required"] and not p.purchaser_account_open:
        ok = False
        yield c.finding(
            Severity.ERROR, "食堂外包：须在“832平台”采购人管理系统为采购执行主体（承包方）开通交易账号",
            "profile.purchaser_account_open",
        )
    if ok:
        yield c.finding(Severity.OK, "食堂外包：承包方、合同约定和交易账号均已落实", "profile.canteen_mode")


@rule("canteen-shared")
def _shared(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.SHARED:
        return
    if p.is_representative:
        yield c.finding(Severity.INFO, "共用食堂：本单位作为代表单位填报共用食堂的预留份额", "profile.is_representative")
        return
    if not p.representative_name.strip():
        yield c.finding(Severity.ERROR, "共用食堂：请填写代表填报单位的名称", "profile.representative_name")
        return
    try:
        parse_credit_code(p.representative_code, label="代表单位统一社会信用代码")
    except InputError as exc:
        yield c.finding(Severity.ERROR, "共用食堂：" + exc.message, "profile.representative_code")
        return
    yield c.finding(
        Severity.OK,
        f"共用食堂：由“{p.representative_name}”代表填报，本单位在系统中注明情况，不另行预留食堂份额",
        "profile.representative_name",
    )


@rule("canteen-none")
def _no_canteen(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.NONE:
        return
    yield c.finding(Severity.INFO, "无食堂：在系统中注明“无食堂”，对食堂部分预留份额不作要求", "profile.canteen_mode")
    if p.level in c.rule["commitment_letter_levels"]:
        to = c.rule["letter_addressee"] or "本级财政部门"
        if c.plan.letter_sent:
            yield c.finding(Severity.OK, f"无食堂承诺函已报送{to}", "plan.letter_sent")
        else:
            deadline = c.policy.filing_deadline
            late = deadline is not None and c.today > deadline
            yield c.finding(
                Severity.ERROR if late else Severity.WARNING,
                f"{p.level.value}无食堂单位须经主管部门确认盖章后向{to}报送《无食堂承诺函》；"
                "未报送或虚假承诺的，以未完成计入考评",
                "plan.letter_sent",
            )
        if not p.meal_arrangement.strip():
            yield c.finding(Severity.INFO, "请填写职工就餐方式（写入承诺函）", "profile.meal_arrangement")


# --- union -----------------------------------------------------------------------------------


@rule("union-standard")
def _union_standard(c: Context) -> Iterator[Finding]:
    required = union_minimum(c.profile, c.plan, c.policy)
    if required is None:  # the rule is on: only the exemption leaves no minimum
        yield c.finding(Severity.INFO, "无独立工会经费：在系统中注明“无独立工会经费”，对工会部分预留份额不作要求", "profile.has_union_funds")
        return
    if required.amount is None:
        if required.mode == SHARE_OF_UNION_PURCHASES:
            yield c.finding(Severity.ERROR, "请填写工会年度采购农副产品总额", "plan.union_farm_total")
        else:
            yield c.finding(Severity.ERROR, "请填写工会会员人数或年度福利总额", "profile.union_members", "plan.welfare_total")
        return
    reserve, minimum, basis = c.plan.union_reserve, required.amount, required.basis
    if reserve is None:
        yield c.finding(Severity.ERROR, f"请填写工会预留金额（应不低于 {m(minimum)} 元）", "plan.union_reserve")
    elif reserve < minimum:
        yield c.finding(
            Severity.ERROR,
            f"工会预留金额 {m(reserve)} 元低于标准：{basis}，应不低于 {m(minimum)} 元，还差 {m(minimum - reserve)} 元",
            "plan.union_reserve",
        )
    else:
        yield c.finding(Severity.OK, f"工会预留金额 {m(reserve)} 元达到标准（{basis}，{m(minimum)} 元）", "plan.union_reserve")


@rule("union-cap")
def _union_cap(c: Context) -> Iterator[Finding]:
    employees, cap = c.profile.employees, c.rule["per_employee_max"]
    if not employees or (not c.profile.has_union_funds and c.plan.union_reserve is None):
        return
    ceiling = cap * employees  # compared exactly, in money, never on a rounded per-head figure
    for amount, what, field in (
        (c.plan.union_reserve, "工会预留金额", "plan.union_reserve"),
        (c.tally.union_counted, "本年度已计入的工会福利采购", "purchases"),
    ):
        if amount and amount > ceiling:
            # the per-head figure is rounded up, so it never reads as within the cap
            yield c.finding(
                Severity.WARNING,
                f"{what} {m(amount)} 元折合职工每人约 {m(round_up_to_fen(amount / employees))} 元，超过每人每年 {m(cap)} 元的标准"
                f"（职工 {employees} 人，合计不超过 {m(ceiling)} 元，超出 {m(amount - ceiling)} 元）",
                field,
            )


# --- purchases -------------------------------------------------------------------------------


@rule("what-counts")
def _what_counts(c: Context) -> Iterator[Finding]:
    t = c.tally
    if not t.not_counted_by_reason:
        return
    parts = "；".join(f"{reason} {m(amount)} 元" for reason, amount in sorted(t.not_counted_by_reason.items()))
    yield c.finding(Severity.INFO, f"本年度有 {m(t.not_counted_total)} 元采购不计入年度采购总额：{parts}", "purchases")


@rule("purchase-progress")
def _progress(c: Context) -> Iterator[Finding]:
    plan = c.plan
    target = reserve_target(c.profile, plan)
    progress = pace(target, c.tally.counted_total, plan.year, c.policy.finish_by_in(plan.year), c.today)
    if progress is None:
        return
    done, finish, share = progress.done, progress.finish_by, pct(progress.share)
    if progress.complete:
        yield c.finding(Severity.OK, f"已计入采购 {m(done)} 元，完成预留份额 {m(target)} 元（{share}）", "purchases")
    elif progress.late:
        yield c.finding(
            Severity.WARNING,
            f"已过 {finish:%m月%d日} 的完成目标，已计入采购 {m(done)} 元，仅完成预留份额的 {share}，"
            f"尚差 {m(progress.remaining)} 元",
            "purchases",
        )
    elif progress.per_month is not None:
        yield c.finding(
            Severity.WARNING if progress.behind else Severity.INFO,
            f"已计入采购 {m(done)} 元，完成预留份额 {m(target)} 元的 {share}"
            + ("，进度落后" if progress.behind else "")
            + f"；要在 {finish:%Y-%m-%d} 前完成，每月还需采购约 {m(progress.per_month)} 元",
            "purchases",
        )


@rule("pay-on-time")
def _pay_on_time(c: Context) -> Iterator[Finding]:
    t = c.tally
    if t.overdue:
        yield c.finding(
            Severity.WARNING,
            f"{len(t.overdue)} 笔已完结订单超过 {c.rule['max_unpaid_days']} 天未付款，共 {m(t.overdue_total)} 元，"
            f"最早一笔 {t.overdue[0].order_no or '（无订单号）'}（{t.overdue[0].date:%Y-%m-%d}）",
            "purchases",
        )


@rule("performance-evaluation")
def _performance_evaluation(c: Context) -> Iterator[Finding]:
    if c.tally.unevaluated:
        yield c.finding(Severity.INFO, f"{c.tally.unevaluated} 笔已完结订单尚未在“832平台”进行履约评价", "purchases")


# --- deadlines -------------------------------------------------------------------------------


@rule("filing-deadline")
def _filing_deadline(c: Context) -> Iterator[Finding]:
    deadline, plan = c.rule["date"], c.plan
    if plan.filing_status is FilingStatus.DRAFT and not c.policy_is_for_this_year:
        yield c.finding(
            Severity.INFO, f"{plan.year} 年度的填报截止日期以该年度的政策文件为准（当前政策为 {c.policy.year} 年度）",
            "plan.filing_status",
        )
        return
    if plan.filing_status is not FilingStatus.DRAFT:
        when = f"（{plan.filed_on:%Y-%m-%d}）" if plan.filed_on else ""
        yield c.finding(Severity.OK, f"预留份额已填报{when}，状态：{plan.filing_status.value}", "plan.filing_status")
        return
    status = deadline_status(deadline, c.today)
    if status.overdue:
        yield c.finding(Severity.ERROR, f"已超过填报截止日期 {deadline:%Y-%m-%d}（{status.text}），请尽快填报", "plan.filing_status")
    elif status.days <= c.rule["warn_days"]:
        yield c.finding(Severity.WARNING, f"距填报截止日期 {deadline:%Y-%m-%d} {status.text}", "plan.filing_status")
    else:
        yield c.finding(Severity.INFO, f"填报截止日期 {deadline:%Y-%m-%d}，{status.text}", "plan.filing_status")


@rule("confirmation-deadline")
def _confirmation_deadline(c: Context) -> Iterator[Finding]:
    deadline, status = c.rule["date"], c.plan.filing_status
    if not c.policy_is_for_this_year and status is not FilingStatus.FINANCE_CONFIRMED:
        return
    if status is FilingStatus.FINANCE_CONFIRMED:
        yield c.finding(Severity.OK, "财政部门已确认汇总", "plan.filing_status")
    elif deadline_status(deadline, c.today).overdue:
        yield c.finding(
            Severity.WARNING,
            f"财政部门确认汇总截止日期 {deadline:%Y-%m-%d} 已过，当前状态“{status.value}”：请跟进主管部门和财政部门确认",
            "plan.filing_status",
        )


def check_registry() -> None:
    """Every rule a policy file may name has an implementation, and every implementation a schema."""
    missing, extra = set(RULE_PARAMS) - set(RULES), set(RULES) - set(RULE_PARAMS)
    if missing or extra:  # pragma: no cover - a programming error caught by the tests
        raise RuntimeError(f"rule registry mismatch: missing {missing}, unknown {extra}")


check_registry()
