"""Policy files: one TOML file per year and region, naming its notices, deadlines and rules.

The rule engine never hard-codes a ratio, amount or date: it reads them from a :class:`Policy`.
A malformed file raises :class:`PolicyError` naming the file, the key and the problem in Chinese.
The format is documented in ``docs/policy-format.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import ClerkError
from .model import Level, Purpose

FORMAT_VERSION = 1


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


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One switched-on rule with its parameters and where it comes from."""

    id: str
    params: dict[str, Any]
    notice: Notice
    clause: str

    @property
    def citation(self) -> str:
        return f"{self.notice.number} {self.clause}".strip()

    def __getitem__(self, name: str) -> Any:
        return self.params[name]


@dataclasses.dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    year: int
    province: str
    city: str
    levels: tuple[Level, ...]
    notices: tuple[Notice, ...]
    rules: dict[str, Rule]
    source: str = ""
    description: str = ""

    def rule(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    @property
    def filing_deadline(self) -> dt.date | None:
        rule = self.rule("filing-deadline")
        return rule["date"] if rule else None

    @property
    def confirmation_deadline(self) -> dt.date | None:
        rule = self.rule("confirmation-deadline")
        return rule["date"] if rule else None

    @property
    def finish_by(self) -> dt.date | None:
        rule = self.rule("purchase-progress")
        return rule["finish_by"] if rule else None

    def finish_by_in(self, year: int) -> dt.date | None:
        """The day purchases should be done by in ``year``: the policy's own date for its year,
        the same day of the year otherwise (a policy of another year is standing in)."""
        day = self.finish_by
        if day is None or day.year == year:
            return day
        try:
            return day.replace(year=year)
        except ValueError:  # 29 February
            return day.replace(year=year, day=28)

    @property
    def notice_numbers(self) -> str:
        return "、".join(n.number for n in self.notices)

    @property
    def region(self) -> str:
        return self.city or self.province or "全国"

    def applies_to(self, province: str, city: str, level: Level) -> bool:
        return (
            (not self.province or _region_key(self.province) == _region_key(province))
            and (not self.city or _region_key(self.city) == _region_key(city))
            and level in self.levels
        )

    @property
    def specificity(self) -> int:
        return 2 if self.city else 1 if self.province else 0


def _region_key(name: str) -> str:
    name = (name or "").strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


# --- parameter types ---------------------------------------------------------------------------

Param = Callable[[Any], Any]


def _percent(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("应为百分数（如 15 表示 15%）")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("应为百分数（如 15 表示 15%）") from None
    if not 0 <= result <= 100:
        raise ValueError("百分数应在 0 到 100 之间")
    return result


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("应为金额（整数或带引号的小数，如 \"300.00\"）")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("应为金额") from None
    if result < 0 or result != result.quantize(Decimal("0.01")):
        raise ValueError("金额应为非负数且最多两位小数")
    return result


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("应为非负整数")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("应为 true 或 false")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError("应为日期，如 2024-02-20（不加引号）")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("应为文字（加引号）")
    return value


def _choice(*options: str) -> Param:
    def check(value: Any) -> str:
        if value not in options:
            raise ValueError("应为以下之一：" + "、".join(options))
        return value

    return check


def _list_of(enum_type) -> Param:
    def check(value: Any) -> tuple:
        if not isinstance(value, list):
            raise ValueError("应为列表，如 [\"" + next(iter(enum_type)).value + "\"]")
        try:
            return tuple(enum_type(v) for v in value)
        except ValueError:
            raise ValueError("列表中只能有：" + "、".join(e.value for e in enum_type)) from None

    return check


# Every rule the engine knows, with its parameters: (type, required, default).
RULE_PARAMS: dict[str, dict[str, tuple[Param, bool, Any]]] = {
    "profile-complete": {},
    "policy-year": {},
    "canteen-ratio": {"floor_ratio": (_percent, True, None), "encouraged_ratio": (_percent, False, None)},
    "canteen-not-below-last-year": {"mode": (_choice("hard", "explain"), True, None)},
    "canteen-outsourced": {
        "contract_must_state_policy": (_bool, False, False),
        "executing_purchaser_required": (_bool, False, False),
        "account_required": (_bool, False, True),
    },
    "canteen-shared": {},
    "canteen-none": {
        "commitment_letter_levels": (_list_of(Level), False, ()),
        "letter_addressee": (_str, False, ""),
    },
    "union-standard": {
        "mode": (_choice("per-member-or-welfare-share", "share-of-union-purchases"), True, None),
        "per_member": (_money, False, None),
        "welfare_share": (_percent, False, None),
        "union_purchase_share": (_percent, False, None),
        "no_funds_exempt": (_bool, False, True),
    },
    "union-cap": {"per_employee_max": (_money, True, None)},
    "what-counts": {"purposes": (_list_of(Purpose), True, None)},
    "filing-deadline": {"date": (_date, True, None), "warn_days": (_int, False, 14)},
    "confirmation-deadline": {"date": (_date, True, None)},
    "purchase-progress": {"finish_by": (_date, True, None)},
    "pay-on-time": {"max_unpaid_days": (_int, True, None)},
    "performance-evaluation": {},
}

_RULE_META_KEYS = {"notice", "clause"}
_TOP_KEYS = {"format", "id", "name", "year", "province", "city", "levels", "description", "notice", "rules"}
_NOTICE_KEYS = {"key", "number", "title", "date", "issuer"}


def parse_policy(data: bytes | str, source: str = "<policy>") -> Policy:
    """Build a :class:`Policy` from TOML text, checking every key."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PolicyError(source, "", "不是 UTF-8 编码的文本文件") from None
    try:
        doc = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, "", f"TOML 格式错误{_where_in_toml(exc)}") from None

    def need(table: dict, key: str, check: Param, path: str, default: Any = ..., required=True):
        if key not in table:
            if required:
                raise PolicyError(source, path, "缺少此项")
            return default
        try:
            return check(table[key])
        except ValueError as exc:
            raise PolicyError(source, path, str(exc)) from None

    def no_unknown(table: dict, allowed: set, prefix: str):
        for key in table:
            if key not in allowed:
                raise PolicyError(source, prefix + key, "不认识的项（拼写错误？）")

    no_unknown(doc, _TOP_KEYS, "")
    version = need(doc, "format", _int, "format")
    if version != FORMAT_VERSION:
        raise PolicyError(source, "format", f"格式版本 {version} 不受支持（本程序支持 {FORMAT_VERSION}）")
    policy_id = need(doc, "id", _str, "id")
    if not policy_id or not all(c.isalnum() or c in "-_." for c in policy_id):
        raise PolicyError(source, "id", "只能由字母、数字、-、_ 组成")
    year = need(doc, "year", _int, "year")
    if not 2000 <= year <= 2100:
        raise PolicyError(source, "year", f"年份 {year} 不合理")
    levels = need(doc, "levels", _list_of(Level), "levels", tuple(Level), required=False)

    raw_notices = doc.get("notice", [])
    if not isinstance(raw_notices, list) or not raw_notices:
        raise PolicyError(source, "notice", "至少要有一个 [[notice]]（文件依据）")
    notices: dict[str, Notice] = {}
    for i, raw in enumerate(raw_notices):
        path = f"notice[{i}]."
        if not isinstance(raw, dict):
            raise PolicyError(source, f"notice[{i}]", "应为表")
        no_unknown(raw, _NOTICE_KEYS, path)
        notice = Notice(
            key=need(raw, "key", _str, path + "key"),
            number=need(raw, "number", _str, path + "number"),
            title=need(raw, "title", _str, path + "title"),
            date=need(raw, "date", _date, path + "date", None, required=False),
            issuer=need(raw, "issuer", _str, path + "issuer", "", required=False),
        )
        if notice.key in notices:
            raise PolicyError(source, path + "key", f"文件依据“{notice.key}”重复")
        notices[notice.key] = notice

    raw_rules = doc.get("rules", {})
    if not isinstance(raw_rules, dict) or not raw_rules:
        raise PolicyError(source, "rules", "至少要启用一条规则")
    rules: dict[str, Rule] = {}
    for rule_id, raw in raw_rules.items():
        path = f"rules.{rule_id}"
        if rule_id not in RULE_PARAMS:
            raise PolicyError(source, path, "未知规则（本程序认识的规则：" + "、".join(RULE_PARAMS) + "）")
        if not isinstance(raw, dict):
            raise PolicyError(source, path, "应为表")
        schema = RULE_PARAMS[rule_id]
        no_unknown(raw, set(schema) | _RULE_META_KEYS | {"enabled"}, path + ".")
        if not need(raw, "enabled", _bool, path + ".enabled", True, required=False):
            continue
        notice_key = need(raw, "notice", _str, path + ".notice")
        if notice_key not in notices:
            raise PolicyError(source, path + ".notice", f"引用了未定义的文件依据“{notice_key}”")
        params = {
            name: need(raw, name, check, f"{path}.{name}", default, required=required)
            for name, (check, required, default) in schema.items()
        }
        rules[rule_id] = Rule(rule_id, params, notices[notice_key], need(raw, "clause", _str, path + ".clause", "", False))

    if not rules:
        raise PolicyError(source, "rules", "至少要启用一条规则")
    union = rules.get("union-standard")
    if union:
        wanted = ("per_member", "welfare_share") if union["mode"] == "per-member-or-welfare-share" else ("union_purchase_share",)
        for name in wanted:
            if union[name] is None:
                raise PolicyError(source, f"rules.union-standard.{name}", f"模式 {union['mode']} 需要此项")

    return Policy(
        id=policy_id,
        name=need(doc, "name", _str, "name"),
        year=year,
        province=need(doc, "province", _str, "province", "", required=False),
        city=need(doc, "city", _str, "city", "", required=False),
        levels=levels,
        notices=tuple(notices.values()),
        rules=rules,
        source=source,
        description=need(doc, "description", _str, "description", "", required=False),
    )


def _where_in_toml(exc: tomllib.TOMLDecodeError) -> str:
    """Where the parser stopped, in Chinese (its own message is English)."""
    import re

    found = re.search(r"line (\d+), column (\d+)", str(exc))
    return f"：第 {found[1]} 行第 {found[2]} 列附近写法不对（检查引号、等号和方括号）" if found else ""


def load_policy_file(path: Path) -> Policy:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PolicyError(str(path), "", f"无法读取：{exc.strerror or exc}") from None
    return parse_policy(data, source=Path(path).name)


def discover(directories: Iterable[Path]) -> tuple[dict[str, Policy], list[PolicyError]]:
    """All policy files in ``directories``; a later directory's file overrides an earlier one's id.

    Broken files do not hide the good ones: their errors are returned beside the policies.
    """
    found: dict[str, Policy] = {}
    errors: list[PolicyError] = []
    for directory in directories:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            if path.name.startswith("."):
                continue  # hidden: a copy still being written, an editor's lock file
            try:
                policy = load_policy_file(path)
            except PolicyError as exc:
                errors.append(exc)
                continue
            found[policy.id] = dataclasses.replace(policy, source=str(path))
    return found, errors


def select(policies: Iterable[Policy], year: int, province: str, city: str, level: Level) -> Policy | None:
    """The policy that governs a unit for ``year``: the most specific region match for that year,
    else the nearest year's (the engine then warns that the year differs)."""
    fitting = [p for p in policies if p.applies_to(province, city, level)]
    if not fitting:
        return None
    # exact year first, then the nearest earlier year, then the nearest later one
    return max(fitting, key=lambda p: (p.year == year, p.year <= year, -abs(p.year - year), p.specificity, p.id))
