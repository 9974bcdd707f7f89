"""Reading policy files: TOML text to :class:`~.policy.Policy` values, checked key by key, and a
folder of files joined into layers (``extends``).

Kept apart from :mod:`.policy` (the values and the choice of a file) because checking a rule's
table needs every rule registered, and the rules (:mod:`.rules`) are built on those values.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..oserrors import read_failure_reason
from . import rules as _rules  # noqa: F401  (registers every rule's parameters)
from .model import Level
from .findings import Severity
from .policy import (
    _ID, FORMAT_VERSION, RULE_CHECKS, RULE_PARAMS, Check, Notice, Policy, PolicyError, Rule, Scope, boolean, choice,
    date, integer, list_of, text,
)


def _known_rules() -> dict:
    return RULE_PARAMS


_RULE_META_KEYS = {"notice", "clause", "quote", "severity", "enabled"}
_TOP_KEYS = {
    "format", "id", "name", "year", "province", "city", "county", "levels", "directly_affiliated_only", "extends",
    "description", "notice", "rules",
}
_NOTICE_KEYS = {"key", "number", "title", "date", "issuer", "text", "checked", "source"}
_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


def parse_policy(data: bytes | str, source: str = "<policy>") -> Policy:
    """Build a :class:`Policy` from TOML text, checking every key.

    A file that ``extends`` another is returned unresolved (its own rules only); :func:`resolve`
    joins it to its parent.
    """
    known = _known_rules()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PolicyError(source, "", "不是 UTF-8 编码的文本文件") from None
    try:
        doc = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, "", f"TOML 格式错误{_where_in_toml(exc)}") from None

    def need(table: dict, key: str, check: Check, path: str, default: Any = ..., required=True):
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
    version = need(doc, "format", integer, "format")
    if version != FORMAT_VERSION:
        raise PolicyError(source, "format", f"格式版本 {version} 不受支持（本程序支持 {FORMAT_VERSION}）")
    policy_id = need(doc, "id", text, "id")
    if not _ID.match(policy_id):
        raise PolicyError(source, "id", "只能由英文字母、数字、-、_ 组成，以字母或数字开头，最长 64 个字符")
    year = need(doc, "year", integer, "year")
    if not 2000 <= year <= 2100:
        raise PolicyError(source, "year", f"年份 {year} 不合理")
    levels = need(doc, "levels", list_of(Level), "levels", tuple(Level), required=False)
    if not levels:
        raise PolicyError(source, "levels", "至少要有一个级次")
    scope = Scope(
        province=need(doc, "province", text, "province", "", required=False).strip(),
        city=need(doc, "city", text, "city", "", required=False).strip(),
        county=need(doc, "county", text, "county", "", required=False).strip(),
        levels=tuple(sorted(set(levels), key=list(Level).index)),
        directly_affiliated_only=need(doc, "directly_affiliated_only", boolean, "directly_affiliated_only", False, False),
    )
    if scope.city and not scope.province:
        raise PolicyError(source, "province", "写了 city 就要写所在省份")
    if scope.county and not scope.province:
        raise PolicyError(source, "province", "写了 county 就要写所在省份")
    extends = need(doc, "extends", text, "extends", "", required=False)
    if extends == policy_id:
        raise PolicyError(source, "extends", "不能扩展自己")

    raw_notices = doc.get("notice", [])
    if not isinstance(raw_notices, list) or (not raw_notices and not extends):
        raise PolicyError(source, "notice", "至少要有一个 [[notice]]（文件依据）")
    notices: dict[str, Notice] = {}
    for i, raw in enumerate(raw_notices):
        path = f"notice[{i}]."
        if not isinstance(raw, dict):
            raise PolicyError(source, f"notice[{i}]", "应为表")
        no_unknown(raw, _NOTICE_KEYS, path)
        notice = Notice(
            key=need(raw, "key", text, path + "key"),
            number=need(raw, "number", text, path + "number"),
            title=need(raw, "title", text, path + "title"),
            date=need(raw, "date", date, path + "date", None, required=False),
            issuer=need(raw, "issuer", text, path + "issuer", "", required=False),
            text=need(raw, "text", text, path + "text", "", required=False),
            checked=need(raw, "checked", boolean, path + "checked", False, required=False),
            source=need(raw, "source", text, path + "source", "", required=False),
        )
        if notice.text and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.txt$", notice.text):
            raise PolicyError(source, path + "text", "应为随程序提供的通知文本的文件名，如 henan-2023-2.txt")
        if notice.checked and not notice.text:
            raise PolicyError(source, path + "checked", "没有随程序提供原文（text）的通知不能标为已核对")
        if notice.key in notices:
            raise PolicyError(source, path + "key", f"文件依据“{notice.key}”重复")
        notices[notice.key] = notice

    raw_rules = doc.get("rules", {})
    if not isinstance(raw_rules, dict) or (not raw_rules and not extends):
        raise PolicyError(source, "rules", "至少要启用一条规则")
    rules: dict[str, Rule] = {}
    disabled: set[str] = set()
    for rule_id, raw in raw_rules.items():
        path = f"rules.{rule_id}"
        if rule_id not in known:
            raise PolicyError(source, path, "未知规则（本程序认识的规则：" + "、".join(known) + "）")
        if not isinstance(raw, dict):
            raise PolicyError(source, path, "应为表")
        schema = known[rule_id]
        no_unknown(raw, set(schema) | _RULE_META_KEYS, path + ".")
        if not need(raw, "enabled", boolean, path + ".enabled", True, required=False):
            disabled.add(rule_id)
            continue
        notice_key = need(raw, "notice", text, path + ".notice", "", required=False)
        if notice_key and notice_key not in notices:
            raise PolicyError(source, path + ".notice", f"引用了本文件未定义的文件依据“{notice_key}”")
        quotes = raw.get("quote", ())
        quotes = (quotes,) if isinstance(quotes, str) else quotes
        if not isinstance(quotes, (list, tuple)) or not all(isinstance(q, str) and q.strip() for q in quotes):
            raise PolicyError(source, path + ".quote", "应为通知原文中的一句（文字）或几句（列表）")
        if quotes and not notice_key:
            raise PolicyError(source, path + ".quote", "引用原文须同时写明 notice")
        severity = need(raw, "severity", choice(*_SEVERITIES), path + ".severity", None, required=False)
        params = {}
        for name, spec in schema.items():
            value = need(raw, name, spec.check, f"{path}.{name}", spec.default, required=spec.required)
            if spec.in_year and value is not None:
                if isinstance(value, dict):
                    days = list(value.values())
                elif isinstance(value, tuple):
                    days = [d[0] if isinstance(d, tuple) else d for d in value]
                else:
                    days = [value]
                for day in days:
                    if day.year != year:
                        raise PolicyError(source, f"{path}.{name}", f"日期 {day:%Y-%m-%d} 不在本政策的年度 {year} 年内")
            params[name] = value
        check = RULE_CHECKS.get(rule_id)
        problem = check(params) if check else None
        if problem:
            raise PolicyError(source, f"{path}.{problem[0]}", problem[1])
        rules[rule_id] = Rule(
            rule_id, params, notices.get(notice_key) if notice_key else None,
            need(raw, "clause", text, path + ".clause", "", False), tuple(q.strip() for q in quotes),
            _SEVERITIES.get(severity), policy_id,
        )

    if not rules and not extends:
        raise PolicyError(source, "rules", "至少要启用一条规则")
    return Policy(
        id=policy_id,
        name=need(doc, "name", text, "name"),
        year=year,
        scope=scope,
        notices=tuple(notices.values()),
        rules=_in_registry_order(rules),
        source=source,
        description=need(doc, "description", text, "description", "", required=False),
        extends=extends,
        own_rules=dict(rules),
        disabled=frozenset(disabled),
    )


def _in_registry_order(rules: dict[str, Rule]) -> dict[str, Rule]:
    """Rules in the order the engine registers them, whichever file set each: findings of equal
    severity then come in the same order under every policy."""
    order = {rule_id: i for i, rule_id in enumerate(RULE_PARAMS)}
    return dict(sorted(rules.items(), key=lambda item: order[item[0]]))


def _where_in_toml(exc: tomllib.TOMLDecodeError) -> str:
    """Where the parser stopped, in Chinese (its own message is English)."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    return f"：第 {found[1]} 行第 {found[2]} 列附近写法不对（检查引号、等号和方括号）" if found else ""


def load_policy_file(path: Path) -> Policy:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PolicyError(str(path), "", f"无法读取：{read_failure_reason(exc)}") from None
    try:
        return parse_policy(data, source=Path(path).name)
    except PolicyError:
        raise
    except Exception:  # noqa: BLE001  (a file the checks above missed: refused, never a traceback)
        raise PolicyError(Path(path).name, "", "内容无法识别，不是有效的政策文件") from None


def resolve(policies: Mapping[str, Policy]) -> tuple[dict[str, Policy], list[PolicyError]]:
    """Join every file that extends another to its parent; a file whose parent is missing, of
    another year, or part of a cycle is refused with the reason."""
    done: dict[str, Policy] = {}
    errors: list[PolicyError] = []

    def build(policy: Policy, chain: tuple[str, ...]) -> Policy:
        if policy.id in done:
            return done[policy.id]
        if not policy.extends:
            done[policy.id] = policy
            return policy
        if policy.extends in chain:
            raise PolicyError(Path(policy.source).name, "extends", "扩展关系形成了循环：" + " → ".join(chain + (policy.extends,)))
        parent = policies.get(policy.extends)
        if parent is None:
            raise PolicyError(Path(policy.source).name, "extends", f"要扩展的政策文件“{policy.extends}”不存在（或无法使用）")
        if parent.year != policy.year:
            raise PolicyError(Path(policy.source).name, "extends", f"只能扩展同一年度的政策（“{parent.id}”为 {parent.year} 年度）")
        parent = build(parent, chain + (policy.id,))
        rules = {k: v for k, v in parent.rules.items() if k not in policy.disabled}
        rules.update(policy.own_rules)
        rules = _in_registry_order(rules)
        own_keys = {n.number for n in policy.notices}
        notices = policy.notices + tuple(n for n in parent.notices if n.number not in own_keys)
        joined = dataclasses.replace(policy, rules=rules, notices=notices, parent=parent)
        done[policy.id] = joined
        return joined

    for policy in policies.values():
        try:
            build(policy, ())
        except PolicyError as exc:
            errors.append(exc)
    return {k: v for k, v in done.items() if k in policies}, errors


def discover(directories: Iterable[Path]) -> tuple[dict[str, Policy], list[PolicyError]]:
    """All policy files in ``directories`` (the shipped folder first, then the clerk's).

    A later folder's file never silently replaces an earlier one's: a file whose id is taken is
    refused with the reason. Broken files do not hide the good ones: their errors are returned
    beside the policies.
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
            if policy.id in found:
                errors.append(PolicyError(
                    path.name, "id", f"与“{Path(found[policy.id].source).name}”的 id “{policy.id}”相同，未使用此文件"
                    "（请改用另一个 id）",
                ))
                continue
            found[policy.id] = dataclasses.replace(policy, source=str(path))
    resolved, broken = resolve(found)
    return resolved, errors + broken


