"""The rule engine: one pure function from the unit's records, a policy and a date to findings.

Each rule is a small function registered under the id policy files use, together with the
parameters its table may set (:func:`rule`), so a new rule touches this module and the policy
files only. A rule runs only when the policy switches it on, reads its numbers from the policy and
cites the notice the policy names. The engine then applies what the policy says of the rule's
standing: a rule no notice states gives hints at most, a rule resting on a notice whose text was
not checked gives warnings at most and says so, and the policy may set a breach's severity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Callable, Iterable, Iterator, Sequence

from .counting import COUNT_COMPLETED, COUNT_WHEN, Tally, tally as make_tally
from .errors import InputError
from .findings import Finding, Severity
from .identifiers import parse_credit_code, parse_phone
from .model import AnnualPlan, CanteenMode, FilingStatus, Level, Purchase, Purpose, UnitProfile, amount_for_ratio
from .money import format_money as m, format_percent as pct, round_up_to_fen
from .pace import PACE_LINEAR, PACE_MILESTONES, PACE_NONE, policy_pace
from .policy import (
    RULE_PARAMS, Deadline, Param, Policy, Rule, Selection, boolean, choice, date, dates, dates_by_level, declare_rule,
    integer,
    list_of, milestones, money, percent, text,
)
from .requirements import (
    SHARE_OF_UNION_PURCHASES, UNION_MODE_PARAMS, UNION_MODES, canteen_minimum, canteen_reserve_applies,
    deadline_status, reserve_target, union_minimum, union_unstated,
)

GB_32100 = "GB 32100-2015 法人和其他组织统一社会信用代码编码规则（校验码）"
FORMAT_CHECK = "无（号码格式校验，非文件要求）"
NO_POLICY = "no-policy"


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    profile: UnitProfile
    plan: AnnualPlan
    tally: Tally
    policy: Policy
    today: dt.date
    rule: Rule

    def finding(self, severity: Severity, message: str, *fields: str, rule: Rule | None = None, citation: str | None = None) -> Finding:
        """A finding of this rule (or of ``rule``: the layer that set a deadline), citing its notice
        unless ``citation`` names another source (a standard)."""
        rule = rule or self.rule
        return Finding(self.rule.id, severity, message, rule.citation if citation is None else citation, fields)

    def deadline(self, rule_id: str) -> Deadline | None:
        return self.policy.deadline(rule_id, self.profile.level)

    @property
    def canteen_reserve_applies(self) -> bool:
        """Whether this unit itself must reserve a canteen share."""
        return canteen_reserve_applies(self.profile)


RuleFunction = Callable[[Context], Iterable[Finding]]
RULES: dict[str, RuleFunction] = {}


TITLES = {
    "profile-complete": "单位信息完整", "policy-year": "政策年度", "canteen-ratio": "食堂预留比例",
    "canteen-not-below-last-year": "不低于上年度", "canteen-outsourced": "食堂外包", "canteen-shared": "共用食堂",
    "canteen-none": "无食堂", "union-standard": "工会标准", "union-cap": "职工人均上限", "what-counts": "计入范围",
    "filing-deadline": "填报期限", "supervisor-deadline": "主管部门确认期限", "confirmation-deadline": "确认汇总期限",
    "purchase-progress": "采购进度", "pay-on-time": "及时付款", "performance-evaluation": "履约评价",
    "union-not-below-last-year": "工会不低于上年度", "union-funds-share": "工会经费比例",
}


def rule(rule_id: str, doc: str = "", check=None, **params: Param):
    """Register a rule function under ``rule_id`` with the parameters its policy table may set."""

    def register(function: RuleFunction) -> RuleFunction:
        RULES[rule_id] = function
        declare_rule(rule_id, params, doc, check, TITLES.get(rule_id, ""))
        return function

    return register


def standing(finding: Finding, config: Rule) -> Finding:
    """The policy's word on a finding's severity: hints for a rule no notice states, at most a
    warning on an unchecked notice, the policy's own severity for a breach."""
    if finding.citation != config.citation:
        return finding  # the rule cites another source itself (a standard)
    severity = finding.severity
    if config.notice is None:
        severity = min(severity, Severity.INFO)
    else:
        if config.severity is not None and severity >= Severity.WARNING:
            severity = config.severity
        if not config.notice.checked:
            severity = min(severity, Severity.WARNING)
    return finding if severity is finding.severity else dataclasses.replace(finding, severity=severity)


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
        context = Context(profile, plan, year_tally, policy, today, config)
        findings.extend(standing(f, config) for f in RULES[rule_id](context))
    findings.sort(key=lambda f: -f.severity)
    return findings


def no_policy_findings(selection: Selection, profile: UnitProfile | None = None) -> list[Finding]:
    """A year without a policy of its own: one error, no verdict borrowed from another year; with
    ``profile``, the profile hints too (they rest on no notice, so they need none)."""
    year = selection.year
    hints = profile_findings(profile, year) if profile is not None else []
    return [Finding(
        NO_POLICY, Severity.ERROR,
        f"{selection.reason}。本程序不借用其他年度或地区的政策，因此不显示 {year} 年度的填报截止日期、预留比例和达标结论。"
        f"获取办法：收到 {year} 年度的通知后，用“政策 → 新建年度政策…”从上一年度的政策开始，按通知逐条改写；"
        "或在“预留份额”页点“加载政策文件…”加载别处做好的该年度政策文件",
        "无（本年度没有政策文件）", ("plan.policy_id",),
    )] + sorted(hints, key=lambda f: -f.severity)


def profile_findings(profile: UnitProfile, year: int) -> list[Finding]:
    """What the profile-complete rule finds in ``profile``, whatever the year's policy: nothing
    once the unit's name, supervisor, contact and province are in and the code and phone parse."""
    hint_rule = Rule("profile-complete", {}, None)
    context = Context(profile, AnnualPlan(year), make_tally((), None, year, dt.date(year, 1, 1)), None, dt.date(year, 1, 1), hint_rule)
    return [standing(f, hint_rule) for f in _profile_complete(context)]


# --- the unit's data -------------------------------------------------------------------------


@rule("profile-complete", "单位信息：名称、主管预算单位、经办人、省份已填写；统一社会信用代码（GB 32100-2015）和电话格式正确。"
      "填报需要这些信息，但通知并未逐项规定：除信用代码外均为提示。")
def _profile_complete(c: Context) -> Iterator[Finding]:
    p = c.profile
    required = [
        ("name", "单位全称"), ("supervising_department", "主管预算单位"),
        ("contact_name", "经办人"), ("province", "所在省份"),
    ]
    for field, label in required:
        if not getattr(p, field).strip():
            yield c.finding(Severity.INFO, f"请填写{label}（填报时需要）", f"profile.{field}")
    try:
        parse_credit_code(p.credit_code)
    except InputError as exc:
        yield c.finding(Severity.WARNING, exc.message, "profile.credit_code", citation=GB_32100)
    try:
        parse_phone(p.phone)
    except InputError as exc:
        yield c.finding(Severity.WARNING, exc.message, "profile.phone", citation=FORMAT_CHECK)


@rule("policy-year", "保留供旧文件使用：程序从不使用其他年度的政策，因此此规则不再产生结果。")
def _policy_year(c: Context) -> Iterator[Finding]:
    return iter(())


# --- canteen ---------------------------------------------------------------------------------


@rule(
    "canteen-ratio", "食堂预留金额不低于 年度食堂食材采购总额 × floor_ratio（向上取整到分）；低于 encouraged_ratio 时提示政策鼓励的比例。",
    floor_ratio=Param(percent, True, doc="最低预留比例（百分数）"),
    encouraged_ratio=Param(percent, doc="鼓励达到的比例（百分数，可省略）"),
)
def _canteen_ratio(c: Context) -> Iterator[Finding]:
    if not c.canteen_reserve_applies:
        return
    plan = c.plan
    required = canteen_minimum(c.profile, plan, c.policy)
    if required is None:  # the rule is on and applies: only the total can be missing
        yield c.finding(Severity.ERROR, "请填写年度食堂食材采购总额", "plan.canteen_total")
        return
    if plan.canteen_total == 0:
        yield c.finding(
            Severity.WARNING,
            f"年度食堂食材采购总额填的是 0 元，按 {pct(required.floor_ratio)} 计预留金额为 0 元；"
            f"本单位为{c.profile.canteen_mode.value}，请核对该总额",
            "plan.canteen_total",
        )
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


@rule(
    "canteen-not-below-last-year",
    "hard：预留金额不得低于上年度（错误）；explain：金额或比例下降须填写下降说明（向本级财政部门说明）；"
    "in-principle：“原则上不低于上年度”，下降时给出警告。",
    mode=Param(choice("hard", "explain", "in-principle"), True, doc="hard、explain 或 in-principle"),
)
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
    yield _a_drop(
        c, "；".join(drops), hard="预留金额不得低于上年度数额", explain="须向本级财政部门作出说明，请填写下降说明",
        filed="报送时一并提交本级财政部门", fields=("plan.reserve_amount", "plan.last_year_amount"),
    )


def _a_drop(c: Context, what: str, *, hard: str, explain: str, filed: str, fields: tuple[str, ...]) -> Finding:
    """A reserve below last year's, judged by the policy's mode: forbidden (hard), a warning
    (原则上), or allowed with an explanation (explain) that the drop explanation field holds."""
    mode = c.rule["mode"]
    if mode == "hard":
        return c.finding(Severity.ERROR, f"{what}：{hard}", *fields)
    if mode == "in-principle":
        return c.finding(Severity.WARNING, f"{what}：政策要求原则上不低于上年度", *fields)
    if not c.plan.drop_explanation.strip():
        return c.finding(Severity.ERROR, f"{what}：{explain}", "plan.drop_explanation")
    return c.finding(Severity.INFO, f"{what}；已填写下降说明，{filed}", "plan.drop_explanation")


@rule(
    "canteen-outsourced", "食堂外包单位：按开关检查外包合同约定、采购执行主体和为承包方（执行主体）开通交易账号。",
    contract_must_state_policy=Param(boolean, default=False, doc="外包合同须约定落实政策、预留比例和采购执行主体"),
    executing_purchaser_required=Param(boolean, default=False, doc="须确定具体采购执行主体"),
    account_required=Param(boolean, default=True, doc="须为承包方（执行主体）开通交易账号"),
)
def _outsourced(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.OUTSOURCED:
        return
    ok = True
    if not p.contractor_name.strip():
        ok = False
        yield c.finding(Severity.INFO, "食堂外包：请填写食堂承包方名称", "profile.contractor_name")
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


@rule("canteen-shared", "共用食堂：代表单位填报；其余单位注明代表单位（名称，信用代码按 GB 32100-2015 校验）。")
def _shared(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.SHARED:
        return
    if p.is_representative:
        yield c.finding(Severity.INFO, "共用食堂：本单位作为代表单位填报共用食堂的预留份额", "profile.is_representative")
        return
    if not p.representative_name.strip():
        yield c.finding(Severity.WARNING, "共用食堂：请填写代表填报单位的名称（在系统中注明情况）", "profile.representative_name")
        return
    try:
        parse_credit_code(p.representative_code, label="代表单位统一社会信用代码")
    except InputError as exc:
        yield c.finding(Severity.WARNING, "共用食堂：" + exc.message, "profile.representative_code", citation=GB_32100)
        return
    yield c.finding(
        Severity.OK,
        f"共用食堂：由“{p.representative_name}”代表填报，本单位在系统中注明情况，不另行预留食堂份额",
        "profile.representative_name",
    )


@rule(
    "canteen-none", "无食堂：注明“无食堂”，不要求食堂预留；commitment_letter_levels 所列级次须报送无食堂承诺函；zero_filing：须零填报。",
    commitment_letter_levels=Param(list_of(Level), default=(), doc="须报送无食堂承诺函的级次"),
    letter_addressee=Param(text, default="", doc="承诺函报送的处室"),
    letter_deadline=Param(date, in_year=True, doc="承诺函截止日期（省略：随填报，截止日期为填报截止日期）"),
    zero_filing=Param(boolean, default=False, doc="无食堂单位须进行零填报"),
)
def _no_canteen(c: Context) -> Iterator[Finding]:
    p = c.profile
    if p.canteen_mode is not CanteenMode.NONE:
        return
    if c.rule["zero_filing"]:
        yield c.finding(Severity.INFO, "无食堂：须进行零填报（在系统中注明“无食堂”，预留份额填 0）", "profile.canteen_mode")
    else:
        yield c.finding(Severity.INFO, "无食堂：在系统中注明“无食堂”，对食堂部分预留份额不作要求", "profile.canteen_mode")
    if p.level in c.rule["commitment_letter_levels"]:
        to = c.rule["letter_addressee"] or "本级财政部门"
        if c.plan.letter_sent:
            yield c.finding(Severity.OK, f"无食堂承诺函已报送{to}", "plan.letter_sent")
        else:
            due = c.rule["letter_deadline"]
            if due is None:
                filing = c.deadline("filing-deadline")
                due = filing.date if filing else None
            late = due is not None and c.today > due
            when = f"（随填报报送，截止 {due:%Y-%m-%d}）" if due else ""
            yield c.finding(
                Severity.ERROR if late else Severity.WARNING,
                f"{p.level.value}无食堂单位须经主管部门确认盖章后向{to}报送《无食堂承诺函》{when}；"
                "未报送或虚假承诺的，以未完成计入考评",
                "plan.letter_sent",
            )
        if not p.meal_arrangement.strip():
            yield c.finding(Severity.INFO, "请填写职工就餐方式（写入承诺函）", "profile.meal_arrangement")


# --- union -----------------------------------------------------------------------------------


def _union_check(params: dict):
    for name in UNION_MODE_PARAMS[params["mode"]]:
        if params[name] is None:
            return name, f"模式 {params['mode']} 需要此项"
    return None


@rule(
    "union-standard",
    "工会预留金额达到标准：per-member（会员每人每年不低于 per_member 元）、welfare-share（年度福利总额的 welfare_share）、"
    "per-member-or-welfare-share（两者满足其一）、per-member-and-welfare-share（两者都要满足）、"
    "share-of-union-purchases（工会年度农副产品采购总额的 union_purchase_share）。",
    check=_union_check,
    mode=Param(choice(*UNION_MODES), True, doc="标准的计算方式"),
    per_member=Param(money, doc="会员每人每年不低于（元）"),
    welfare_share=Param(percent, doc="年度福利总额的比例"),
    union_purchase_share=Param(percent, doc="工会年度农副产品采购总额的比例"),
    no_funds_exempt=Param(boolean, default=True, doc="true：通知写明无独立工会经费的单位不作要求；false：通知未提及（只作提示，不下结论）"),
)
def _union_standard(c: Context) -> Iterator[Finding]:
    if union_unstated(c.profile, c.policy):
        yield c.finding(
            Severity.INFO, "本单位无独立工会经费：政策文件未提及无独立工会经费的单位，本程序对工会部分不作判断（提示）",
            "profile.has_union_funds", citation="提示（文件未提及，无文件依据）",
        )
        return
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


@rule(
    "union-not-below-last-year",
    "工会预留金额与上年度工会预留金额（有上年度计划时取自该计划）比较：hard：不得低于（错误）；explain：下降须填写下降说明；"
    "in-principle：“原则上不低于”，下降时给出警告。",
    mode=Param(choice("hard", "explain", "in-principle"), True, doc="hard、explain 或 in-principle"),
)
def _union_not_below_last_year(c: Context) -> Iterator[Finding]:
    plan = c.plan
    if not c.profile.has_union_funds and plan.union_reserve is None:
        return
    last = plan.last_year_union_reserve
    if last is None:
        yield c.finding(Severity.INFO, "请填写上年度工会预留金额，才能核对工会预留不低于上年度", "plan.last_year_union_reserve")
        return
    if plan.union_reserve is None:
        return  # union-standard (or the clerk) asks for the reserve itself
    if plan.union_reserve >= last:
        yield c.finding(Severity.OK, f"工会预留金额不低于上年度（{m(last)} 元）", "plan.union_reserve")
        return
    yield _a_drop(
        c, f"工会预留金额由上年度 {m(last)} 元降至 {m(plan.union_reserve)} 元", hard="不得低于上年度工会预留金额",
        explain="须作出说明，请填写下降说明", filed="报送时一并提交", fields=("plan.union_reserve", "plan.last_year_union_reserve"),
    )


@rule(
    "union-funds-share",
    "canteen_modes 所列食堂情况的单位（默认无食堂单位）：工会预留金额不低于工会年度经费总额 × funds_share（向上取整到分）。",
    funds_share=Param(percent, True, doc="工会年度经费总额的比例（百分数）"),
    canteen_modes=Param(list_of(CanteenMode), default=(CanteenMode.NONE,), doc="适用的食堂情况（默认只有无食堂）"),
)
def _union_funds_share(c: Context) -> Iterator[Finding]:
    p, plan = c.profile, c.plan
    if p.canteen_mode not in c.rule["canteen_modes"]:
        return
    share = c.rule["funds_share"]
    if plan.union_funds_total is None:
        yield c.finding(
            Severity.ERROR, f"{p.canteen_mode.value}单位：请填写工会年度经费总额（工会预留应不低于其 {pct(share)}）",
            "plan.union_funds_total",
        )
        return
    minimum = amount_for_ratio(plan.union_funds_total, share)
    reserve = plan.union_reserve
    basis = f"工会年度经费总额 {m(plan.union_funds_total)} 元的 {pct(share)}"
    if reserve is None or reserve < minimum:
        have = "未填写" if reserve is None else f"{m(reserve)} 元"
        short = "" if reserve is None else f"，还差 {m(minimum - reserve)} 元"
        yield c.finding(
            Severity.ERROR, f"{p.canteen_mode.value}单位：工会预留金额{have}，应不低于{basis}（{m(minimum)} 元）{short}",
            "plan.union_reserve",
        )
    else:
        yield c.finding(Severity.OK, f"工会预留金额 {m(reserve)} 元不低于{basis}（{m(minimum)} 元）", "plan.union_reserve")


def _cap_check(params: dict):
    if params["per_employee_max"] is None and params["per_employee_min"] is None:
        return "per_employee_max", "缺少此项（或写 per_employee_min）"
    return None


@rule(
    "union-cap", "按职工人数折合：工会预留金额和已计入的工会福利采购每人每年不超过 per_employee_max 元；"
    "工会预留金额每人每年不低于 per_employee_min 元。",
    check=_cap_check,
    per_employee_max=Param(money, doc="职工每人每年不超过（元）"),
    per_employee_min=Param(money, doc="职工每人每年不低于（元）"),
)
def _union_cap(c: Context) -> Iterator[Finding]:
    employees, cap, floor = c.profile.employees, c.rule["per_employee_max"], c.rule["per_employee_min"]
    if not c.profile.has_union_funds and c.plan.union_reserve is None:
        return
    if not employees:
        standard = "、".join(
            text for text in (
                f"每人每年不超过 {m(cap)} 元" if cap is not None else "",
                f"每人每年不低于 {m(floor)} 元" if floor is not None else "",
            ) if text
        )
        yield c.finding(Severity.INFO, f"请填写职工人数，才能核对职工{standard}的标准", "profile.employees")
        return
    if floor is not None:
        needed = floor * employees
        reserve = c.plan.union_reserve
        if reserve is None or reserve < needed:
            have = "未填写" if reserve is None else f"{m(reserve)} 元"
            yield c.finding(
                Severity.ERROR,
                f"工会预留金额{have}，低于职工每人每年 {m(floor)} 元的标准（职工 {employees} 人，应不低于 {m(needed)} 元）",
                "plan.union_reserve",
            )
    if cap is None:
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


@rule(
    "what-counts", "已完结（count_when 另有规定的，还须已付款或已付款并验货验票）的 832 平台订单中，purposes 所列用途计入年度采购总额；excluded 所列按政策不计入；"
    "两者都未列的用途为“文件未提及”，只作提示、暂不计入。",
    purposes=Param(list_of(Purpose), True, doc="通知写明计入的用途"),
    excluded=Param(list_of(Purpose), doc="通知写明不计入的用途（省略：没有）"),
    count_when=Param(choice(*COUNT_WHEN), default=COUNT_COMPLETED,
                     doc="completed：订单已完结即计入；paid：还须已付款；paid-and-accepted：还须已付款并验货验票（有收货日期）"),
)
def _what_counts(c: Context) -> Iterator[Finding]:
    t = c.tally
    if not t.not_counted_by_reason:
        return
    parts = "；".join(f"{reason} {m(amount)} 元" for reason, amount in sorted(t.not_counted_by_reason.items()))
    yield c.finding(Severity.INFO, f"本年度有 {m(t.not_counted_total)} 元采购未计入年度采购总额：{parts}", "purchases")


def _progress_check(params: dict):
    if params["pace"] == PACE_LINEAR and (params["pace_start"] is None or params["finish_by"] is None):
        return "pace_start", "pace = \"linear\" 需要 pace_start 和 finish_by"
    if params["pace"] == PACE_MILESTONES and not params["milestones"]:
        return "milestones", "pace = \"milestones\" 需要 milestones"
    return None


@rule(
    "purchase-progress",
    "已计入采购与（食堂 + 工会）预留份额的比较：finish_by 为完成目标日期（可省略）；pace 为 none（不判断进度）、"
    "linear（从 pace_start 到 finish_by 均匀推进）或 milestones（到各日期完成的比例）。",
    check=_progress_check,
    finish_by=Param(date, in_year=True, doc="完成年度采购任务的日期（通知未规定则省略）"),
    pace=Param(choice(PACE_NONE, PACE_LINEAR, PACE_MILESTONES), default=PACE_NONE, doc="进度要求"),
    pace_start=Param(date, in_year=True, doc="linear：均匀推进的起始日期"),
    milestones=Param(milestones, in_year=True, doc="milestones：[{ date = 日期, share = 百分数 }, …]"),
)
def _progress(c: Context) -> Iterator[Finding]:
    plan = c.plan
    target = reserve_target(c.profile, plan)
    progress = policy_pace(c.policy, target, c.tally.counted_total, plan.year, c.today)
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
    elif finish is None:
        yield c.finding(
            Severity.INFO, f"已计入采购 {m(done)} 元，完成预留份额 {m(target)} 元的 {share}（政策未规定完成日期）", "purchases",
        )
    else:
        behind = ""
        if progress.behind and progress.milestone is not None:
            behind = f"，未达到 {progress.milestone.month}月{progress.milestone.day}日前完成 {pct(progress.expected_share)} 的进度要求"
        elif progress.behind:
            behind = f"，低于按时间均匀推进应达到的 {pct(progress.expected_share)}"
        yield c.finding(
            Severity.WARNING if progress.behind else Severity.INFO,
            f"已计入采购 {m(done)} 元，完成预留份额 {m(target)} 元的 {share}{behind}"
            f"；要在 {finish:%Y-%m-%d} 前完成，每月还需采购约 {m(progress.per_month)} 元",
            "purchases",
        )


@rule(
    "pay-on-time", "已完结订单自收货（交付）日起超过 max_unpaid_days 天仍未付款；没有收货日期的按下单日计算并说明。"
    "合同另有约定的，付款期限最长 contract_max_days 天：超过它的另行指出。",
    max_unpaid_days=Param(integer, True, doc="付款期限（天，自交付之日起）"),
    contract_max_days=Param(integer, doc="合同另有约定时的最长付款期限（天，可省略）"),
)
def _pay_on_time(c: Context) -> Iterator[Finding]:
    t = c.tally
    if not t.overdue:
        return
    limit, longest = c.rule["max_unpaid_days"], c.rule["contract_max_days"]
    first = t.overdue[0]
    parts = [
        f"{len(t.overdue)} 笔已完结订单自收货之日起超过 {limit} 天未付款，共 {m(t.overdue_total)} 元，"
        f"最早一笔 {first.order_no or '（无订单号）'}（{first.date:%Y-%m-%d} 下单）"
    ]
    if longest:
        beyond = t.overdue_beyond(longest)  # counted without walking the overdue orders on each keystroke
        parts.append(
            f"其中 {beyond} 笔已超过合同另有约定时的最长期限 {longest} 天" if beyond
            else f"合同另有约定的，付款期限最长不超过 {longest} 天"
        )
    guessed = t.overdue_from_order_date
    if guessed:
        parts.append(f"{guessed} 笔没有收货日期，按下单日计算")
    yield c.finding(Severity.WARNING, "；".join(parts), "purchases")


@rule("performance-evaluation", "已完结订单尚未进行履约评价（提示）。")
def _performance_evaluation(c: Context) -> Iterator[Finding]:
    if c.tally.unevaluated:
        yield c.finding(Severity.INFO, f"{c.tally.unevaluated} 笔已完结订单尚未在“832平台”进行履约评价", "purchases")


# --- deadlines -------------------------------------------------------------------------------


def _deadline_check(params: dict):
    if params["date"] is None and not params["by_level"]:
        return "date", "缺少此项（或用 by_level 按级次写明日期）"
    return None


def _deadline_params(**extra: Param) -> dict[str, Param]:
    return {
        "date": Param(date, in_year=True, doc="截止日期（各级次通用）"),
        "by_level": Param(dates_by_level, in_year=True, doc="按级次的截止日期，如 { \"县级\" = 2023-03-25 }"),
        "holidays": Param(dates, in_year=True, doc="本年度的法定节假日（据国务院办公厅放假通知）：截止日落在其中时加以说明"),
        **extra,
    }


def _holiday(due: Deadline) -> str:
    """A deadline on a public holiday the policy lists: said, not counted around silently."""
    if due.date in (due.rule.params.get("holidays") or ()):
        return f"（{due.date:%Y-%m-%d} 为法定节假日，天数按日历日计算；请按通知或财政部门的安排办理）"
    return ""


def _late(day: dt.date, deadline: dt.date) -> str:
    return f"晚于截止日期 {deadline:%Y-%m-%d} {(day - deadline).days} 天"


@rule(
    "filing-deadline", "预留份额填报：草稿状态对照截止日期倒数或逾期；已填报的，按填报日期判断是否按期（逾期几天）。",
    check=_deadline_check,
    **_deadline_params(warn_days=Param(integer, default=14, doc="截止前多少天起提醒")),
)
def _filing_deadline(c: Context) -> Iterator[Finding]:
    due = c.deadline("filing-deadline")
    if due is None:
        return
    deadline, plan = due.date, c.plan
    if plan.filing_status is FilingStatus.DRAFT:
        status = deadline_status(deadline, c.today)
        if status.overdue:
            yield c.finding(Severity.ERROR, f"已超过填报截止日期 {deadline:%Y-%m-%d}（{status.text}），请尽快填报" + _holiday(due), "plan.filing_status", rule=due.rule)
        elif status.days <= c.rule["warn_days"]:
            yield c.finding(Severity.WARNING, f"距填报截止日期 {deadline:%Y-%m-%d} {status.text}" + _holiday(due), "plan.filing_status", rule=due.rule)
        else:
            yield c.finding(Severity.INFO, f"填报截止日期 {deadline:%Y-%m-%d}，{status.text}" + _holiday(due), "plan.filing_status", rule=due.rule)
        if plan.filed_on is not None:
            # the state and the date are judged together: a draft with a filing date is one or the other
            yield c.finding(
                Severity.WARNING,
                f"状态为“草稿”，但填有填报日期 {plan.filed_on:%Y-%m-%d}：已填报的请改填报状态，未填报的请删去填报日期"
                f"（按“草稿”判断是否逾期）",
                "plan.filing_status", "plan.filed_on", rule=due.rule,
            )
        return
    filed = plan.filed_on
    if filed is None:
        yield c.finding(
            Severity.WARNING, f"状态为“{plan.filing_status.value}”，但没有填报日期：请填写填报日期，以核对是否在 {deadline:%Y-%m-%d} 前填报",
            "plan.filed_on", rule=due.rule,
        )
    elif filed > c.today:
        yield c.finding(Severity.WARNING, f"填报日期 {filed:%Y-%m-%d} 晚于今天，请核对", "plan.filed_on", rule=due.rule)
    elif filed > deadline:
        yield c.finding(
            Severity.WARNING, f"预留份额于 {filed:%Y-%m-%d} 填报，{_late(filed, deadline)}（逾期填报），状态：{plan.filing_status.value}",
            "plan.filed_on", rule=due.rule,
        )
    else:
        yield c.finding(
            Severity.OK, f"预留份额已于 {filed:%Y-%m-%d} 填报（截止日期 {deadline:%Y-%m-%d}），状态：{plan.filing_status.value}",
            "plan.filing_status", rule=due.rule,
        )


def _confirmation(c: Context, rule_id: str, reached: FilingStatus, field: str, who: str) -> Iterator[Finding]:
    due = c.deadline(rule_id)
    if due is None:
        return
    deadline, plan = due.date, c.plan
    if plan.filing_status.step >= reached.step:
        day = getattr(plan, field)
        if day is not None and plan.filed_on is not None and day < plan.filed_on:
            yield c.finding(
                Severity.WARNING, f"{who}确认日期 {day:%Y-%m-%d} 早于填报日期 {plan.filed_on:%Y-%m-%d}，请核对",
                f"plan.{field}", rule=due.rule,
            )
        elif day is not None and day > deadline:
            yield c.finding(Severity.WARNING, f"{who}于 {day:%Y-%m-%d} 确认，{_late(day, deadline)}", f"plan.{field}", rule=due.rule)
        else:
            when = f"（{day:%Y-%m-%d}）" if day else ""
            yield c.finding(Severity.OK, f"{who}已确认{when}", "plan.filing_status", rule=due.rule)
    elif deadline_status(deadline, c.today).overdue:
        yield c.finding(
            Severity.WARNING,
            f"{who}确认截止日期 {deadline:%Y-%m-%d} 已过，当前状态“{plan.filing_status.value}”：请跟进确认",
            "plan.filing_status", rule=due.rule,
        )


@rule(
    "supervisor-deadline", "主管预算单位确认：截止日期已过仍未确认时提醒，确认晚于截止日期时说明晚了几天。",
    check=_deadline_check, **_deadline_params(),
)
def _supervisor_deadline(c: Context) -> Iterator[Finding]:
    yield from _confirmation(c, "supervisor-deadline", FilingStatus.SUPERVISOR_CONFIRMED, "supervisor_confirmed_on", "主管预算单位")


@rule(
    "confirmation-deadline", "财政部门确认汇总：截止日期已过仍未确认时提醒，确认晚于截止日期时说明晚了几天。",
    check=_deadline_check, **_deadline_params(),
)
def _confirmation_deadline(c: Context) -> Iterator[Finding]:
    yield from _confirmation(c, "confirmation-deadline", FilingStatus.FINANCE_CONFIRMED, "finance_confirmed_on", "财政部门")


def check_registry() -> None:
    """Every rule a policy file may name has an implementation, and every implementation a schema."""
    missing, extra = set(RULE_PARAMS) - set(RULES), set(RULES) - set(RULE_PARAMS)
    if missing or extra:  # pragma: no cover - a programming error caught by the tests
        raise RuntimeError(f"rule registry mismatch: missing {missing}, unknown {extra}")


check_registry()
