"""What the rule engine reports."""

from __future__ import annotations

import dataclasses
import enum


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst; the value's label is what the clerk reads."""

    OK = 0
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return {0: "达标", 1: "提示", 2: "警告", 3: "错误"}[self.value]

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    citation: str
    fields: tuple[str, ...] = ()  # e.g. "plan.reserve_amount", "profile.credit_code", "purchases"

    def to_json(self) -> dict:
        return {
            "rule": self.rule_id,
            "severity": self.severity.key,
            "message": self.message,
            "citation": self.citation,
            "fields": list(self.fields),
        }
