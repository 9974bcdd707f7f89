"""The filing record: every export of a year and every answer to it, kept in the data file.

An export is a filing event (首次填报, or 重新填报 once the year has been filed) carrying when it
was made, the fingerprint, the file's name and a snapshot of the figures it carried. The
supervising and finance departments' answers (主管部门已确认, 财政部门已确认, 退回修改 with its
reason) are events too, each with the date the clerk gives. Nothing is ever rewritten: a
re-filing keeps the first filing date, and the history shows every step.

The snapshot is what makes a filed file *stale*: when the data differs from what the last
filing carried, :func:`stale_finding` names each field with its filed and current value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal, InvalidOperation

from . import fields as catalogue
from .findings import Finding, Severity
from .model import AnnualPlan, FilingStatus, UnitProfile
from .money import format_money, format_percent


class EventKind(enum.StrEnum):
    FILED = "首次填报"
    REFILED = "重新填报"
    SUPERVISOR_CONFIRMED = "主管部门已确认"
    FINANCE_CONFIRMED = "财政部门已确认"
    RETURNED = "退回修改"

    @property
    def is_filing(self) -> bool:
        return self in (EventKind.FILED, EventKind.REFILED)


# what each answer sets the plan's status to, and which of the plan's dates it fills
ANSWERS: dict[EventKind, tuple[FilingStatus, str | None]] = {
    EventKind.SUPERVISOR_CONFIRMED: (FilingStatus.SUPERVISOR_CONFIRMED, "supervisor_confirmed_on"),
    EventKind.FINANCE_CONFIRMED: (FilingStatus.FINANCE_CONFIRMED, "finance_confirmed_on"),
    EventKind.RETURNED: (FilingStatus.RETURNED, None),
}
REASON_LENGTH = 500

# the purchases a filing carried, beside the profile's and the plan's fields
PURCHASE_COUNT = "purchases.count"
PURCHASE_TOTAL = "purchases.total"
_PURCHASE_LABELS = {PURCHASE_COUNT: "本年度采购笔数", PURCHASE_TOTAL: "本年度采购金额合计"}
# the filing's own bookkeeping, which every filing and answer changes: not part of what was filed
NOT_SNAPSHOT = frozenset({"plan.filing_status", "plan.filed_on", "plan.supervisor_confirmed_on", "plan.finance_confirmed_on"})


@dataclasses.dataclass(frozen=True, slots=True)
class FilingEvent:
    year: int
    kind: EventKind
    on: dt.date  # the export's date, or the date the department answered
    recorded_at: dt.datetime  # when it was written into the data file
    fingerprint: str = ""
    file_name: str = ""
    snapshot: dict[str, object] = dataclasses.field(default_factory=dict)  # field key -> canonical value
    reason: str = ""  # 退回修改: why
    id: int | None = None

    def line(self) -> str:
        """One line of the history as the quota tab and the overview show it."""
        text = f"{self.on:%Y-%m-%d}　{self.kind.value}"
        if self.kind.is_filing:
            text += f"　{self.file_name}　指纹 {short(self.fingerprint)}"
        if self.reason:
            text += f"　原因：{self.reason}"
        return text


def short(fingerprint: str) -> str:
    """The first 16 hex digits in four groups, as the printed form shows them."""
    head = fingerprint[:16].upper()
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


def snapshot(profile: UnitProfile, plan: AnnualPlan, purchase_count: int, purchase_total: Decimal) -> dict[str, object]:
    """The figures a filing carries, in canonical (JSON) form, by catalogue key."""
    values: dict[str, object] = {}
    for scope, record in (("profile", profile), ("plan", plan)):
        for f in dataclasses.fields(record):
            key = f"{scope}.{f.name}"
            if key in catalogue.FIELDS and key not in NOT_SNAPSHOT:
                values[key] = _canonical(getattr(record, f.name))
    values[PURCHASE_COUNT] = purchase_count
    values[PURCHASE_TOTAL] = f"{purchase_total:.2f}"
    return values


def _canonical(value):
    """A value as the JSON format writes it (``desktop832 dump``): what a snapshot holds."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class Difference:
    key: str
    label: str
    filed: str
    current: str

    def __str__(self) -> str:
        return f"{self.label}：报送时 {self.filed}，现为 {self.current}"


def label(key: str) -> str:
    return _PURCHASE_LABELS.get(key) or catalogue.label(key)


def show(key: str, value) -> str:
    """A snapshot value as the clerk reads it."""
    if value is None or value == "":
        return "（空）"
    if key == PURCHASE_TOTAL:
        return format_money(_decimal(value)) + " 元"
    if key == PURCHASE_COUNT:
        return f"{value} 笔"
    kind = catalogue.field(key).kind if key in catalogue.FIELDS else None
    if kind is catalogue.Kind.MONEY:
        return format_money(_decimal(value)) + " 元"
    if kind is catalogue.Kind.RATIO:
        return format_percent(_decimal(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - snapshots are written by this program
        return Decimal(0)


def differences(filed: dict[str, object], current: dict[str, object]) -> list[Difference]:
    """Every field whose current value is not what the filing carried, in the snapshot's order.
    A field the filing did not know (added to the program later) is not a difference."""
    return [
        Difference(key, label(key), show(key, filed[key]), show(key, current.get(key)))
        for key in filed
        if key in current and filed[key] != current[key]
    ]


STALE_RULE = "filing-stale"


def last_filing(events: list[FilingEvent]) -> FilingEvent | None:
    filings = [e for e in events if e.kind.is_filing]
    return filings[-1] if filings else None


def first_filing(events: list[FilingEvent]) -> FilingEvent | None:
    return next((e for e in events if e.kind.is_filing), None)


def stale_finding(events: list[FilingEvent], current: dict[str, object]) -> Finding | None:
    """A finding naming what changed since the last filing, or ``None`` when nothing did.

    No notice says that a filing must be sent again after a change: this is the program's hint,
    marked as such, that the department holds figures the data file no longer has.
    """
    last = last_filing(events)
    if last is None:
        return None
    changed = differences(last.snapshot, current)
    if not changed:
        return None
    listed = "；".join(str(d) for d in changed[:6]) + ("……" if len(changed) > 6 else "")
    return Finding(
        STALE_RULE, Severity.INFO,
        f"报送的文件已过时：{last.on:%Y-%m-%d} 报送（{last.file_name}，指纹 {short(last.fingerprint)}）后，"
        f"{len(changed)} 项数据有改动：{listed}。请重新导出并重新填报（重新填报保留首次填报日期）",
        "本程序提示（通知未规定改动后如何处理）：主管部门手中的文件与现在的数据不一致",
        tuple(d.key for d in changed if d.key in catalogue.FIELDS) or ("purchases",),
    )


def history_lines(events: list[FilingEvent]) -> list[str]:
    return [e.line() for e in events]


def refiling_notice(plan: AnnualPlan, events: list[FilingEvent], today: dt.date, deadline: dt.date | None) -> str:
    """What a new export of an already filed year changes, said before it is made ('' for a first filing)."""
    first = first_filing(events)
    first_on = plan.filed_on or (first.on if first else None)
    parts = [f"{plan.year} 年度已于 {first_on:%Y-%m-%d} 填报，这次导出是重新填报：" if first_on
             else f"{plan.year} 年度已填报过，这次导出是重新填报："]
    if first_on:
        parts.append(f"填报日期仍为首次填报的 {first_on:%Y-%m-%d}，本次日期 {today:%Y-%m-%d} 记在旁边（填报表上印作“重新填报”）")
    if deadline is not None and today > deadline:
        parts.append(f"今天已过填报截止日期 {deadline:%Y-%m-%d}")
    confirmed = [
        f"{who}确认（{day:%Y-%m-%d}）" for who, day in (
            ("主管部门", plan.supervisor_confirmed_on), ("财政部门", plan.finance_confirmed_on)
        ) if day is not None
    ]
    status = f"状态由“{plan.filing_status.value}”改为“{FilingStatus.EXPORTED.value}”"
    if confirmed:
        status += "，" + "、".join(confirmed) + "不适用于新文件，需重新确认（原确认记在填报记录中，不会丢失）"
    parts.append(status)
    parts.append("旧文件的指纹和这次的指纹都记在填报记录中")
    return parts[0] + "；".join(parts[1:]) + "。"


__all__ = [
    "ANSWERS", "Difference", "EventKind", "FilingEvent", "PURCHASE_COUNT", "PURCHASE_TOTAL", "REASON_LENGTH", "STALE_RULE",
    "differences", "first_filing", "history_lines", "last_filing", "refiling_notice", "show", "snapshot", "stale_finding",
]
