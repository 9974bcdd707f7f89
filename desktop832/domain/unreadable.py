"""Findings about text the clerk typed that does not parse: it is kept in view but never stored.

They rest on no notice (the input check is this program's own), and say so in their citation.
The overview counts them in the topic their field belongs to, so a canteen total holding
"80000o" never shows a green 食堂预留.
"""

from __future__ import annotations

from typing import Mapping

from . import fields as catalogue
from .findings import Finding, Severity

UNREADABLE = "unreadable-input"
CITATION = "无（本程序的输入检查，不是通知的要求：无法识别的文字不会保存）"

# the fields whose unreadable text puts each overview topic in doubt
TOPIC_FIELDS = {
    "canteen": frozenset({
        "plan.canteen_total", "plan.reserve_ratio", "plan.reserve_amount", "plan.last_year_amount",
        "plan.last_year_ratio",
    }),
    "union": frozenset({
        "plan.welfare_total", "plan.union_farm_total", "plan.union_reserve", "profile.union_members",
        "profile.employees",
    }),
    "filing": frozenset({"plan.filed_on", "plan.supervisor_confirmed_on", "plan.finance_confirmed_on"}),
}


def _shown(text: str, limit: int = 24) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unreadable_findings(problems: Mapping[str, tuple[str, str]]) -> list[Finding]:
    """One error per field holding unreadable text: ``problems`` maps a field key to
    (the text typed, the parser's reason)."""
    found = []
    for key, (text, reason) in problems.items():
        label = catalogue.label(key)
        found.append(Finding(
            UNREADABLE, Severity.ERROR,
            f"“{label}”中的“{_shown(text)}”无法识别，没有保存：{reason.rstrip('。')}。检查仍按该栏原来的值进行，请改正或清空",
            CITATION, (key,),
        ))
    return found
