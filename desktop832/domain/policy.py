"""Policy files: one TOML file per year and region, naming whom it governs, its notices and rules.

The rule engine never hard-codes a ratio, amount or date: it reads them from a :class:`Policy`.
A file states its scope (province, city, levels, directly affiliated units), may extend another
file of the same year (a city's notice on top of its province's) and overrides only the rules it
sets itself; every rule keeps the citation of the file that set it. For a unit and a year,
:func:`select` picks the most specific file whose scope contains the unit and whose year is that
year, and says why; a year without such a file has no policy (never another year's).

A malformed file raises :class:`PolicyError` naming the file, the key and the problem in Chinese.
The format is documented in ``docs/policy-format.md``. Each rule's parameters are declared where
the rule is registered (:mod:`.rules`, through :func:`declare_rule`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping

from .errors import ClerkError
from .findings import Severity
from .model import Level, UnitProfile

FORMAT_VERSION = 1
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class PolicyError(ClerkError, ValueError):
    """A policy file that cannot be used; ``str()`` is the Chinese message for the clerk."""

    def __init__(self, source: str, key: str, problem: str):
        self.source, self.key, self.problem = source, key, problem
        where = f"{source}：" + (f"“{key}”" if key else "")
        super().__init__(f"政策文件 {where}{problem}")


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    key: str
    number: str  # 文号, e.g. 财办库〔2023〕252号
    title: str
    date: dt.date | None = None
    issuer: str = ""
    text: str = ""  # file name of the shipped text under resources/notices/ ('' if not shipped)
    checked: bool = False  # the file's figures were checked against the notice's original text
    source: str = ""  # where the figures come from when they were not checked (public reposts, ...)


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One switched-on rule with its parameters and where it comes from."""

    id: str
    params: dict[str, Any]
    notice: Notice | None  # None: no notice states it; its findings are hints at most
    clause: str = ""
    quotes: tuple[str, ...] = ()
    severity: Severity | None = None  # the policy's severity for a breach of this rule
    policy_id: str = ""  # the file that set the rule (a file extending another inherits rules)

    @property
    def citation(self) -> str:
        """``文号 条款：“原文”`` plus ``（未核对原文）`` for an unchecked notice; a hint's label."""
        if self.notice is None:
            return HINT_CITATION
        text = f"{self.notice.number} {self.clause}".strip()
        if self.quotes:
            text += "：" + "……".join(f"“{q}”" for q in self.quotes)
        if not self.notice.checked:
            text += UNCHECKED_MARK
        return text

    def __getitem__(self, name: str) -> Any:
        return self.params[name]


HINT_CITATION = "提示（非文件要求，无文件依据）"
UNCHECKED_MARK = "（未核对原文）"


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """Whom a policy governs. Empty province: every province (a national notice)."""

    province: str = ""
    city: str = ""
    county: str = ""  # a county's (区县) own notice
    levels: tuple[Level, ...] = tuple(Level)
    directly_affiliated_only: bool = False  # only 直属单位, where a notice says so

    @property
    def specificity(self) -> int:
        place = 3 if self.county else 2 if self.city else 1 if self.province else 0
        return place * 2 + (len(self.levels) < len(Level)) + self.directly_affiliated_only

    @property
    def region(self) -> str:
        return (self.province + self.city + self.county) or "全国"

    @property
    def text(self) -> str:
        levels = "、".join(level.value for level in self.levels)
        return f"{self.region} · {levels}" + ("（仅直属单位）" if self.directly_affiliated_only else "") + "单位"

    def excludes(self, unit: UnitProfile) -> str:
        """Why the unit is outside this scope, in Chinese; ``''`` when it is inside."""
        if self.province and _region_key(self.province) != _region_key(unit.province):
            return f"适用于{self.province}，本单位所在省份为{unit.province or '（未填写）'}"
        if self.city and _region_key(self.city) != _region_key(unit.city):
            return f"适用于{self.city}，本单位所在城市为{unit.city or '（未填写）'}"
        if self.county and _county_key(self.county) != _county_key(unit.county):
            return f"适用于{self.county}，本单位所在区县为{unit.county or '（未填写）'}"
        if unit.level not in self.levels:
            return f"适用于{'、'.join(level.value for level in self.levels)}单位，本单位为{unit.level.value}单位"
        if self.directly_affiliated_only and not unit.directly_affiliated:
            return "仅适用于直属单位"
        return ""


def unit_text(unit: UnitProfile) -> str:
    where = (unit.province + unit.city + unit.county) or "（未填写所在地区）"
    return f"{where}{unit.level.value}单位"


@dataclasses.dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    year: int
    scope: Scope
    notices: tuple[Notice, ...]  # this file's own and those of the files it extends
    rules: dict[str, Rule]  # in effect: this file's, then the inherited ones it did not override
    source: str = ""
    description: str = ""
    extends: str = ""
    parent: Policy | None = None
    own_rules: dict[str, Rule] = dataclasses.field(default_factory=dict)
    disabled: frozenset[str] = frozenset()  # inherited rules this file switches off

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    # --- compatibility with the single-layer format --------------------------------------------

    @property
    def province(self) -> str:
        return self.scope.province

    @property
    def city(self) -> str:
        return self.scope.city

    @property
    def levels(self) -> tuple[Level, ...]:
        return self.scope.levels

    @property
    def region(self) -> str:
        return self.scope.region

    @property
    def specificity(self) -> int:
        return self.scope.specificity

    @property
    def layers(self) -> tuple[Policy, ...]:
        """This file first, then the file it extends, and so on."""
        return (self,) + (self.parent.layers if self.parent else ())

    @property
    def name_with_year(self) -> str:
        """The name, with the year after it unless the name says it already (“全国 2024 年度（…）”
        is not followed by “为 2024 年度”)."""
        return self.name if re.search(rf"{self.year}\s*年", self.name) else f"{self.name}（{self.year} 年度）"

    @property
    def notice_numbers(self) -> str:
        return "、".join(n.number for n in self.notices)

    @property
    def unchecked_notices(self) -> tuple[Notice, ...]:
        return tuple(n for n in self.notices if not n.checked)

    # --- deadlines -----------------------------------------------------------------------------

    def deadline(self, rule_id: str, level: Level) -> Deadline | None:
        """The date ``rule_id`` sets for units of ``level``, from the most specific layer that
        sets one for that level (a city's notice may name only its county units' date)."""
        for layer in self.layers:
            if rule_id in layer.disabled:
                return None
            rule = layer.own_rules.get(rule_id)
            if rule is None:
                continue
            by_level = rule.params.get("by_level") or {}
            day = by_level.get(level) or rule.params.get("date")
            if day is not None:
                return Deadline(day, rule)
        return None

    def finish_by(self) -> dt.date | None:
        rule = self.rule("purchase-progress")
        return rule["finish_by"] if rule else None


@dataclasses.dataclass(frozen=True, slots=True)
class Deadline:
    date: dt.date
    rule: Rule


def _region_key(name: str) -> str:
    name = (name or "").strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _county_key(name: str) -> str:
    """A county's name with or without its 县/区/旗: ``中牟县`` = ``中牟``."""
    name = (name or "").strip()
    for suffix in ("自治县", "自治旗", "县", "区", "旗", "市"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


# --- parameter types ---------------------------------------------------------------------------

Check = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True, slots=True)
class Param:
    """One parameter a rule reads from its table: how to check it, whether it is required, its
    default, whether (being a date) it must fall in the policy's year, and a line for the docs."""

    check: Check
    required: bool = False
    default: Any = None
    in_year: bool = False
    doc: str = ""


def percent(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("应为百分数（如 15 表示 15%）")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("应为百分数（如 15 表示 15%）") from None
    if not result.is_finite():
        raise ValueError("应为 0 到 100 之间的百分数（不能是 nan 或 inf）")
    if not 0 <= result <= 100:
        raise ValueError("百分数应在 0 到 100 之间")
    return result


def money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("应为金额（整数或带引号的小数，如 \"300.00\"）")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("应为金额") from None
    if not result.is_finite() or result < 0 or result != result.quantize(Decimal("0.01")):
        raise ValueError("金额应为非负数且最多两位小数")
    return result


def integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("应为非负整数")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("应为 true 或 false")
    return value


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError("应为日期，如 2024-02-20（不加引号）")
    return value


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("应为文字（加引号）")
    return value


def choice(*options: str) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError("应为以下之一：" + "、".join(options))
        return value

    check.kind = "之一：" + "、".join(f"`{o}`" for o in options)  # type: ignore[attr-defined]
    return check


def list_of(enum_type) -> Check:
    def check(value: Any) -> tuple:
        if not isinstance(value, list):
            raise ValueError("应为列表，如 [\"" + next(iter(enum_type)).value + "\"]")
        try:
            return tuple(enum_type(v) for v in value)
        except ValueError:
            raise ValueError("列表中只能有：" + "、".join(e.value for e in enum_type)) from None

    check.kind = "列表，取自 " + "、".join(e.value for e in enum_type)  # type: ignore[attr-defined]
    return check


def dates_by_level(value: Any) -> dict[Level, dt.date]:
    """``{ "省级" = 2023-04-20, "县级" = 2023-03-25 }``."""
    if not isinstance(value, dict):
        raise ValueError("应为表，如 { \"省级\" = 2024-02-20 }")
    result = {}
    for key, day in value.items():
        try:
            level = Level(key)
        except ValueError:
            raise ValueError("级次只能是：" + "、".join(e.value for e in Level)) from None
        result[level] = date(day)
    return result


def dates(value: Any) -> tuple[dt.date, ...]:
    """``[2026-02-16, 2026-02-17]``."""
    if not isinstance(value, list):
        raise ValueError("应为日期列表，如 [2026-02-16, 2026-02-17]")
    return tuple(sorted(date(v) for v in value))


def milestones(value: Any) -> tuple[tuple[dt.date, Decimal], ...]:
    """``[{ date = 2025-06-30, share = 50 }, ...]``: by each date, this percent of the target."""
    if not isinstance(value, list) or not value:
        raise ValueError("应为列表，如 [{ date = 2025-06-30, share = 50 }]")
    result = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"date", "share"}:
            raise ValueError("每一项应为 { date = 日期, share = 百分数 }")
        result.append((date(item["date"]), percent(item["share"])))
    result.sort()
    if any(a[1] > b[1] for a, b in zip(result, result[1:])):
        raise ValueError("后面日期的完成比例不能低于前面的")
    return tuple(result)


KINDS = {
    percent: "百分数（15 表示 15%）", money: "金额（元，整数或带引号的小数）", integer: "非负整数", boolean: "true 或 false",
    date: "日期（如 2024-02-20，不加引号）", text: "文字", dates_by_level: "表：级次 = 日期",
    milestones: "列表：{ date = 日期, share = 百分数 }", dates: "日期列表",
}


def kind_of(check: Check) -> str:
    """The parameter's type in words, for the documentation."""
    return getattr(check, "kind", None) or KINDS.get(check, "")


# Every rule the engine knows, with its parameters. Filled by :func:`declare_rule` where each
# rule is registered (:mod:`.rules`), so a new rule touches the rule module and policy files only.
RULE_PARAMS: dict[str, dict[str, Param]] = {}
RULE_CHECKS: dict[str, Callable[[dict], tuple[str, str] | None]] = {}
RULE_DOCS: dict[str, str] = {}
RULE_TITLES: dict[str, str] = {}


def declare_rule(rule_id: str, params: Mapping[str, Param], doc: str = "", check=None, title: str = "") -> None:
    """Register ``rule_id``'s parameters, what it checks (``doc``) and its short Chinese name
    (``title``); ``check(params)`` may return ``(name, problem)``."""
    RULE_PARAMS[rule_id] = dict(params)
    RULE_DOCS[rule_id] = doc
    RULE_TITLES[rule_id] = title or rule_id
    if check is not None:
        RULE_CHECKS[rule_id] = check


# --- choosing the policy for a unit and a year -------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Selection:
    """The policy that governs a unit's year, why, and why each other file was passed over."""

    year: int
    policy: Policy | None
    reason: str
    passed_over: tuple[tuple[Policy, str], ...] = ()

    @property
    def lines(self) -> list[str]:
        """The reason and the files passed over, one line each (window and ``check``)."""
        return [self.reason] + [f"未采用 {p.name}（{p.id}）：{why}" for p, why in self.passed_over]


def select(policies: Iterable[Policy], year: int, unit: UnitProfile, chosen_id: str = "") -> Selection:
    """The file for ``year`` whose scope contains ``unit``, the most specific one; or the
    clerk's choice (``chosen_id``) when it is a file of that year. Never a file of another year."""
    policies = sorted(policies, key=lambda p: (-p.year, -p.specificity, p.id))
    who = unit_text(unit)
    passed: list[tuple[Policy, str]] = []
    chosen = next((p for p in policies if p.id == chosen_id), None) if chosen_id else None
    if chosen is not None and chosen.year == year:
        outside = chosen.scope.excludes(unit)
        reason = f"按选择使用“{chosen.name}”" + (f"（注意：该文件{outside}）" if outside else f"，适用范围（{chosen.scope.text}）包含本单位")
        passed = [(p, "未选择") for p in policies if p.year == year and p is not chosen]
        return Selection(year, chosen, reason, tuple(passed))
    fitting: list[Policy] = []
    for p in policies:
        if p.year != year:
            continue
        outside = p.scope.excludes(unit)
        if outside:
            passed.append((p, outside))
        else:
            fitting.append(p)
    note = ""
    if chosen_id:
        note = (f"所选政策“{chosen.name_with_year}”不适用于 {year} 年度；" if chosen
                else f"所选政策“{chosen_id}”已不在政策文件中；")
    if not fitting:
        others = sorted({p.year for p in policies})
        have = f"（已有的政策文件年度：{'、'.join(map(str, others))}）" if others else "（没有任何政策文件）"
        return Selection(year, None, f"{note}没有适用于 {year} 年度、{who}的政策文件{have}", tuple(passed))
    best = fitting[0]
    for p in fitting[1:]:
        passed.append((p, f"适用范围（{p.scope.text}）也包含本单位，但“{best.name}”更具体"))
    reason = f"{note}本单位为{who}；“{best.name}”的适用范围（{best.scope.text}）包含本单位" + (
        "，且最具体" if len(fitting) > 1 else ""
    )
    return Selection(year, best, reason, tuple(passed))
