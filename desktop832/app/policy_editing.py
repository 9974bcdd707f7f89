"""Making and keeping the clerk's own policy files: a new year's notice from a base policy, save,
duplicate, remove, import, export, and what changed against another policy.

A policy the clerk makes is the table a file would hold (:func:`draft_from`), edited, then
written as TOML and read back by the very loader that reads every policy file before anything is
kept: the loader's Chinese message (with the key it names) is what the clerk is told.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from ..documents.policy_toml import dumps, policy_document
from ..domain.model import AnnualPlan, UnitProfile
from ..domain.policy import RULE_TITLES, Policy, PolicyError
from ..domain.policy_files import load_policy_file, parse_policy
from .policies import PolicyLibrary
from .policy_words import policy_words

_NUMBER = re.compile(r"^\S+〔(\d{4})〕(\d+)号$")
USER_MADE = "本机自建"


def check_notice_number(number: str) -> str:
    """Why a notice number is not written like 豫财购〔2025〕2号; ``''`` when it is."""
    number = number.strip()
    if not number:
        return "请填写文号，如 豫财购〔2027〕1号"
    if "[" in number or "【" in number or "(" in number and "〔" not in number:
        return "文号的年份用六角括号〔〕，如 豫财购〔2027〕1号"
    if not _NUMBER.match(number):
        return "文号应写成 机关代字〔年份〕序号号，如 豫财购〔2027〕1号"
    return ""


def is_user_made(library: PolicyLibrary, policy: Policy) -> bool:
    return policy.id not in library.shipped_ids()


def label(library: PolicyLibrary, policy: Policy) -> str:
    """The policy's name, and for one the clerk made, that it is theirs and its notice number."""
    if not is_user_made(library, policy) or USER_MADE in policy.name:
        return policy.name
    number = policy.notices[0].number if policy.notices else ""
    return f"{policy.name}（{USER_MADE}" + (f"，{number}" if number else "") + "）"


# --- drafts --------------------------------------------------------------------------------------


def draft_from(base: Policy, *, year: int, policy_id: str, name: str, notice: dict[str, Any]) -> dict[str, Any]:
    """The table of a new year's policy starting from ``base``: its rules in effect (layers
    joined) with their parameters, citing the new notice where they cited the base's own notice.

    Dates are left as the base has them: the loader refuses each one outside the new year, so
    the clerk types every date of the new notice rather than inheriting last year's.
    """
    doc = policy_document(base)
    old_keys = {n.key for n in base.notices[:1]}
    key = f"notice-{year}"
    doc.update(id=policy_id, name=name, year=year)
    doc.pop("description", None)
    new_notice = {"key": key, **{k: v for k, v in notice.items() if v not in ("", None)}, "checked": False}
    kept = [n for n in doc["notice"] if n["key"] not in old_keys]
    doc["notice"] = [new_notice] + kept
    for table in doc["rules"].values():
        if table.get("notice") in old_keys:
            table["notice"] = key
    return doc


def check_draft(doc: dict[str, Any]) -> Policy:
    """The draft as the loader reads it; raises the loader's :class:`PolicyError`."""
    try:
        text = dumps(doc)
    except ValueError:
        raise PolicyError(f"{doc.get('id', '')}.toml", "", "内容无法写成政策文件") from None
    return parse_policy(text, source=f"{doc.get('id', '')}.toml")


def save_draft(library: PolicyLibrary, doc: dict[str, Any], *, replacing: str = "") -> Policy:
    """Check ``doc`` with the loader and write it into the clerk's policy folder.

    Never over a shipped file or a shipped id; an id another of the clerk's files has is refused
    unless that file is the one being edited (``replacing``)."""
    doc = dict(doc)
    if USER_MADE not in str(doc.get("name", "")):  # named so wherever the policy is named
        number = (doc.get("notice") or [{}])[0].get("number", "")
        doc["name"] = f"{doc.get('name', '')}（{USER_MADE}" + (f"，{number}" if number else "") + "）"
    policy = check_draft(doc)
    name = f"{policy.id}.toml"
    if policy.id in library.shipped_ids():
        raise PolicyError(name, "id", f"“{policy.id}”是程序自带的政策文件的 id，请改用另一个 id")
    if policy.id in library.policies and policy.id != replacing:
        other = library.policies[policy.id]
        raise PolicyError(name, "id", f"已有 id 为“{policy.id}”的政策（{other.name}），请改用另一个 id")
    _check_extends(library, policy, name)
    target = _user_dir(library) / name
    _write(target, dumps(doc, header=f"{USER_MADE}：{policy.name}"))
    if replacing and replacing != policy.id:
        old = library.get(replacing)
        if old is not None and is_user_made(library, old):
            Path(old.source).unlink(missing_ok=True)
    library.reload()
    return library.policies[policy.id]


def duplicate(library: PolicyLibrary, policy_id: str, new_id: str, new_name: str = "") -> Policy:
    source = _existing(library, policy_id)
    doc = policy_document(source)
    doc.update(id=new_id, name=new_name or f"{source.name}（副本）")
    return save_draft(library, doc)


def years_using(library: PolicyLibrary, policy_id: str, profile: UnitProfile, plans: Iterable[AnnualPlan]) -> list[int]:
    """The years of the data file that ``policy_id`` governs now."""
    return sorted(p.year for p in plans if (chosen := library.for_plan(profile, p)) is not None and chosen.id == policy_id)


def remove(library: PolicyLibrary, policy_id: str) -> None:
    policy = _existing(library, policy_id)
    if not is_user_made(library, policy):
        raise PolicyError(Path(policy.source).name, "", "这是程序自带的政策文件，不能删除")
    users = [p.id for p in library.policies.values() if p.extends == policy_id]
    if users:
        raise PolicyError(Path(policy.source).name, "", "以下政策在它之上，请先删除它们：" + "、".join(users))
    try:
        Path(policy.source).unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        from ..oserrors import write_failure_reason

        raise PolicyError(Path(policy.source).name, "", f"无法删除：{write_failure_reason(exc)}") from None
    library.reload()


def import_file(library: PolicyLibrary, path: Path) -> Policy:
    """Validate a file someone sent and keep a copy (nothing is copied when it is refused)."""
    policy = load_policy_file(path)
    existing = library.get(policy.id)
    if existing is not None and is_user_made(library, existing) and Path(existing.source).resolve() != Path(path).resolve():
        raise PolicyError(
            Path(path).name, "id", f"已有 id 为“{policy.id}”的政策（{existing.name}），未导入；如要替换，请先删除原有的",
        )
    return library.add_file(Path(path))


def export(library: PolicyLibrary, policy_id: str, target: Path) -> None:
    """Write the policy as one file to send on (its layers joined, so it stands alone)."""
    policy = _existing(library, policy_id)
    _write(Path(target), dumps(policy_document(policy), header=label(library, policy)))


# --- what changed ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    what: str
    before: str
    after: str


def changes(before: Policy, after: Policy) -> list[Change]:
    """What differs, one line per item (year, scope, notices, each rule's words and citation)."""
    out = []
    for what, a, b in (
        ("年度", str(before.year), str(after.year)), ("适用范围", before.scope.text, after.scope.text),
        ("文件依据", before.notice_numbers, after.notice_numbers),
    ):
        if a != b:
            out.append(Change(what, a, b))
    old = {w.rule_id: w for w in policy_words(before)}
    new = {w.rule_id: w for w in policy_words(after)}
    for rule_id in list(old) + [r for r in new if r not in old]:
        title = RULE_TITLES.get(rule_id, rule_id)
        a, b = old.get(rule_id), new.get(rule_id)
        if a is None or b is None:
            out.append(Change(title, a.text if a else "（不适用）", b.text if b else "（不适用）"))
            continue
        if a.text != b.text:
            out.append(Change(title, a.text, b.text))
        if a.citation != b.citation:
            out.append(Change(f"{title} 依据", a.citation, b.citation))
    return out


def quote_in_text(quote: str, notice_text: str) -> bool:
    return _normal(quote) in _normal(notice_text)


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def quotes_not_found(policy: Policy, notice_text: str) -> list[tuple[str, str]]:
    """(rule id, quote) for each quote of a rule citing the first notice that the notice's text
    does not contain (spaces and full/half width ignored)."""
    if not notice_text.strip() or not policy.notices:
        return []
    text, key = _normal(notice_text), policy.notices[0].key
    return [
        (rule.id, quote) for rule in policy.rules.values() if rule.notice is not None and rule.notice.key == key
        for quote in rule.quotes if _normal(quote) not in text
    ]


# --- helpers --------------------------------------------------------------------------------------


def _existing(library: PolicyLibrary, policy_id: str) -> Policy:
    policy = library.get(policy_id)
    if policy is None:
        raise PolicyError(policy_id, "", "没有这个政策")
    return policy


def _user_dir(library: PolicyLibrary) -> Path:
    return Path(library.directories[-1])


def _check_extends(library: PolicyLibrary, policy: Policy, name: str) -> None:
    if not policy.extends:
        return
    parent = library.get(policy.extends)
    if parent is None:
        raise PolicyError(name, "extends", f"要扩展的政策文件“{policy.extends}”不存在")
    if parent.year != policy.year:
        raise PolicyError(name, "extends", f"只能扩展同一年度的政策（“{parent.id}”为 {parent.year} 年度）")


def _write(target: Path, text: str) -> None:
    from ..documents.errors import ExchangeError
    from ..documents.files import write_atomically
    from ..oserrors import write_failure_reason

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, lambda tmp: tmp.write_text(text, "utf-8"))
    except OSError as exc:
        raise PolicyError(target.name, "", f"无法写入：{write_failure_reason(exc)}") from None
    except ExchangeError as exc:
        raise PolicyError(target.name, "", exc.message) from None


__all__ = [
    "Change", "USER_MADE", "changes", "check_draft", "check_notice_number", "draft_from", "duplicate", "export",
    "import_file", "is_user_made", "label", "quotes_not_found", "remove", "save_draft", "years_using",
]
