"""A policy as TOML text: the inverse of :mod:`desktop832.domain.policy_files`.

The standard library reads TOML but does not write it; policy files use a small subset (strings,
integers, booleans, dates, lists and tables), so the writer is this short one rather than a new
dependency. What it writes is always read back by the loader before it is kept (see
:mod:`desktop832.app.policy_editing`), so a value it cannot express is refused, never saved.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any

from ..domain.policy import FORMAT_VERSION, Policy, Rule

_SEVERITY_WORDS = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}


def policy_document(policy: Policy) -> dict[str, Any]:
    """A policy in effect (its layers joined) as the table a single file would hold."""
    cited = {id(rule.notice) for rule in policy.rules.values() if rule.notice is not None}
    keys: dict[int, str] = {}
    notices = []
    for notice in policy.notices:
        if id(notice) not in cited or notice.key in keys.values():
            continue
        keys[id(notice)] = notice.key
        entry = {"key": notice.key, "number": notice.number, "title": notice.title}
        for name in ("date", "issuer", "text", "source"):
            value = getattr(notice, name)
            if value:
                entry[name] = value
        entry["checked"] = notice.checked
        notices.append(entry)
    doc: dict[str, Any] = {"format": FORMAT_VERSION, "id": policy.id, "name": policy.name, "year": policy.year}
    if policy.scope.province:
        doc["province"] = policy.scope.province
    if policy.scope.city:
        doc["city"] = policy.scope.city
    if policy.scope.county:
        doc["county"] = policy.scope.county
    doc["levels"] = [level.value for level in policy.scope.levels]
    if policy.scope.directly_affiliated_only:
        doc["directly_affiliated_only"] = True
    if policy.description:
        doc["description"] = policy.description
    doc["notice"] = notices
    doc["rules"] = {rule_id: rule_table(rule, keys) for rule_id, rule in policy.rules.items()}
    for rule_id, table in doc["rules"].items():
        _join_level_dates(policy, rule_id, table)
    return doc


def _join_level_dates(policy: Policy, rule_id: str, table: dict[str, Any]) -> None:
    """Give a joined deadline rule every level's date its layers set between them.

    A city's file may set a date only for its county units and leave its city-level units to the
    province's date (``Policy.deadline`` looks through the layers level by level); written as one
    file, the city's rule alone would lose the province's date for those units."""
    if not any(
        "by_level" in rule.params or "date" in rule.params
        for layer in policy.layers if (rule := layer.own_rules.get(rule_id)) is not None
    ):
        return
    by_level = dict(table.get("by_level") or {})
    for level in policy.scope.levels:
        deadline = policy.deadline(rule_id, level)
        if deadline is not None and (by_level.get(level) or table.get("date")) != deadline.date:
            by_level[level] = deadline.date
    if by_level:
        table["by_level"] = by_level


def rule_table(rule: Rule, notice_keys: dict[int, str] | None = None) -> dict[str, Any]:
    table: dict[str, Any] = {name: value for name, value in rule.params.items() if value is not None}
    if rule.notice is not None:
        table["notice"] = (notice_keys or {}).get(id(rule.notice), rule.notice.key)
    if rule.clause:
        table["clause"] = rule.clause
    if rule.quotes:
        table["quote"] = list(rule.quotes) if len(rule.quotes) > 1 else rule.quotes[0]
    if rule.severity is not None:
        table["severity"] = _SEVERITY_WORDS[rule.severity.name]
    return table


def dumps(doc: dict[str, Any], header: str = "") -> str:
    """TOML text of a policy table: top keys, then ``[[notice]]`` and ``[rules.ID]`` tables."""
    lines = [f"# {line}" for line in header.splitlines()]
    for key, value in doc.items():
        if key not in ("notice", "rules"):
            lines.append(f"{key} = {_value(value)}")
    for notice in doc.get("notice", []):
        lines += ["", "[[notice]]"] + [f"{k} = {_value(v)}" for k, v in notice.items()]
    for rule_id, table in doc.get("rules", {}).items():
        lines += ["", f"[rules.{rule_id}]"] + [f"{k} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _value(value.value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return json.dumps(str(value))  # quoted: percent and money parameters read text exactly
    if isinstance(value, dt.datetime):
        raise ValueError("datetime is not a policy value")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], tuple) and len(value[0]) == 2 and isinstance(value[0][0], dt.date):
            return "[" + ", ".join(f"{{ date = {d.isoformat()}, share = {_value(s)} }}" for d, s in value) + "]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} as TOML")


def _key(key: Any) -> str:
    key = key.value if isinstance(key, enum.Enum) else str(key)
    return key if key.isascii() and key.replace("-", "").replace("_", "").isalnum() else json.dumps(key, ensure_ascii=False)
