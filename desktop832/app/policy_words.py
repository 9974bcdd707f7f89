"""A policy's rules in the words a clerk reads in a notice (比例不低于 10%、填报截止 2025年3月31日).

The command line (``policies --show``) and the window's policy form both use these words, so a
clerk sees one wording wherever a policy is shown; the change list compares them too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from ..domain.policy import RULE_PARAMS, RULE_TITLES, Policy, Rule

CHOICES = {
    ("canteen-not-below-last-year", "mode"): {
        "hard": "预留金额不得低于上年度", "explain": "低于上年度须说明原因", "in-principle": "原则上不低于上年度",
    },
    ("union-not-below-last-year", "mode"): {
        "hard": "工会预留不得低于上年度", "explain": "工会预留低于上年度须说明原因", "in-principle": "工会预留原则上不低于上年度",
    },
    ("union-standard", "mode"): {
        "per-member-or-welfare-share": "按会员人数或福利总额比例（二者取一）",
        "per-member-and-welfare-share": "按会员人数和福利总额比例（二者都要达到）",
        "per-member": "按会员人数", "welfare-share": "按年度福利总额比例",
        "share-of-union-purchases": "按工会农副产品采购总额比例",
    },
    ("what-counts", "count_when"): {
        "completed": "订单已完结即计入", "paid": "订单已完结且已付款才计入", "paid-and-accepted": "已付款并验货验票才计入",
    },
    ("purchase-progress", "pace"): {"none": "", "linear": "全年均匀推进", "milestones": "按节点完成"},
}

_DEADLINE_WORDS = {
    "filing-deadline": "填报截止", "supervisor-deadline": "主管部门确认截止", "confirmation-deadline": "确认汇总截止",
}

# the template for each parameter: "{}" is the value in words; a bool names what true means
_TEMPLATES = {
    "floor_ratio": "比例不低于 {}", "encouraged_ratio": "鼓励达到 {}",
    "per_member": "工会每人不低于 {}", "welfare_share": "不低于年度福利总额的 {}",
    "union_purchase_share": "不低于工会农副产品采购总额的 {}", "per_employee_max": "职工每人每年不超过 {}",
    "per_employee_min": "职工每人每年不低于 {}", "purposes": "计入：{}", "excluded": "不计入：{}",
    "finish_by": "{}前完成年度采购", "pace_start": "自 {} 起均匀推进", "max_unpaid_days": "交付后 {}内付款",
    "contract_max_days": "合同另有约定的最长 {}", "warn_days": "截止前 {}起提醒", "holidays": "法定节假日：{}",
    "commitment_letter_levels": "须报送无食堂承诺函的级次：{}", "letter_addressee": "承诺函报送：{}",
    "letter_deadline": "承诺函截止 {}",
    "no_funds_exempt": "无独立工会经费的单位不作要求", "zero_filing": "无食堂单位须零填报",
    "contract_must_state_policy": "外包合同须约定落实政策和预留比例", "executing_purchaser_required": "须确定采购执行主体",
    "account_required": "须为承包方开通交易账号",
    "funds_share": "工会预留不低于工会年度经费总额的 {}", "canteen_modes": "适用于：{}",
}
_UNITS = {"per_member": "元", "per_employee_max": "元", "per_employee_min": "元"}
_DAYS = {"max_unpaid_days", "contract_max_days", "warn_days"}


@dataclasses.dataclass(frozen=True, slots=True)
class RuleWords:
    rule_id: str
    title: str
    phrases: tuple[str, ...]
    citation: str

    @property
    def text(self) -> str:
        return "；".join(self.phrases) or "（无参数）"


def day_words(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def value_words(rule_id: str, name: str, value: Any) -> str:
    """One parameter's value in words, without the template."""
    if isinstance(value, dt.date):
        return day_words(value)
    if isinstance(value, Decimal):
        unit = _UNITS.get(name, "%")
        return f"{value} {unit}" if unit == "元" else f"{value}%"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value}天" if name in _DAYS else str(value)
    if isinstance(value, str):
        return CHOICES.get((rule_id, name), {}).get(value, value)
    if isinstance(value, dict):
        return "、".join(f"{getattr(k, 'value', k)} {day_words(v)}" for k, v in value.items())
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return "、".join(f"{day_words(d)}前完成 {s}%" for d, s in value)
        return "、".join(day_words(v) if isinstance(v, dt.date) else str(getattr(v, "value", v)) for v in value) or "（无）"
    return str(value)


def param_phrase(rule_id: str, name: str, value: Any) -> str:
    """One parameter in a clerk's words; ``''`` when it says nothing (unset, false, no pace)."""
    if value is None or value == () or value == {} or value == "":
        return ""
    if isinstance(value, bool):
        template = _TEMPLATES.get(name)
        if template:
            return template if value else ""
        return f"{RULE_PARAMS[rule_id][name].doc}：{value_words(rule_id, name, value)}"
    words = value_words(rule_id, name, value)
    if not words:
        return ""
    if name == "date":
        return f"{_DEADLINE_WORDS.get(rule_id, '截止')} {words}"
    if name == "by_level":
        return "、".join(f"{getattr(k, 'value', k)}{_DEADLINE_WORDS.get(rule_id, '截止')} {day_words(v)}" for k, v in value.items())
    if name in ("mode", "count_when", "pace"):
        return words
    template = _TEMPLATES.get(name)
    if template:
        return template.format(words)
    spec = RULE_PARAMS.get(rule_id, {}).get(name)
    return f"{spec.doc if spec else name}：{words}"


def rule_words(rule: Rule) -> RuleWords:
    phrases = tuple(p for p in (param_phrase(rule.id, n, v) for n, v in rule.params.items()) if p)
    return RuleWords(rule.id, RULE_TITLES.get(rule.id, rule.id), phrases, rule.citation)


def policy_words(policy: Policy) -> list[RuleWords]:
    return [rule_words(rule) for rule in policy.rules.values()]


def describe(policy: Policy) -> list[str]:
    """The whole policy as lines of text (``desktop832 policies --show``)."""
    lines = [
        f"{policy.name}（{policy.id}）", f"年度：{policy.year}", f"适用范围：{policy.scope.text}",
        "文件依据：" + "；".join(
            f"{n.number}《{n.title}》" + (f"，{n.issuer}" if n.issuer else "") + (f"，{day_words(n.date)}" if n.date else "")
            for n in policy.notices
        ),
    ]
    if policy.extends:
        lines.append(f"在“{policy.extends}”之上")
    lines.append("规则：")
    for words in policy_words(policy):
        lines.append(f"  {words.title}：{words.text}")
        lines.append(f"      依据：{words.citation}")
    return lines
