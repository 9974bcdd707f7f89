"""The filing record as a use case: what an export writes into it, recording a department's answer,
and whether the last filing is stale. The window and the command line both go through here; the
record itself is :mod:`desktop832.domain.filings`, its table the store's."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..domain.errors import InputError
from ..domain.filings import ANSWERS, EventKind, FilingEvent, REASON_LENGTH, snapshot, stale_finding
from ..domain.findings import Finding
from ..domain.model import AnnualPlan, FilingStatus, UnitProfile


def already_filed(plan: AnnualPlan, events: list[FilingEvent]) -> bool:
    """Whether an export of this year now is a re-filing: the record holds a filing, or (a file
    from before the record was kept) the plan says it was exported."""
    return any(e.kind.is_filing for e in events) or plan.filing_status is not FilingStatus.DRAFT


def first_filing_date(plan: AnnualPlan, events: list[FilingEvent]) -> dt.date | None:
    """The date a re-filing keeps: the plan's 填报日期 (the clerk may have corrected it), else the
    record's first filing."""
    if not already_filed(plan, events):
        return None
    first = next((e for e in events if e.kind.is_filing), None)
    return plan.filed_on or (first.on if first else None)


def filing_event(data, path, refiling: bool, now: dt.datetime | None = None) -> FilingEvent:
    """The event an export ``data`` (an :class:`~desktop832.documents.export_data.ExportData`)
    written to ``path`` adds to the record."""
    kind = EventKind.REFILED if refiling else EventKind.FILED
    total = data.summary.total
    return FilingEvent(
        data.year, kind, data.exported_on, now or dt.datetime.now().replace(microsecond=0), data.fingerprint,
        path.name, snapshot(data.profile, data.plan, total.count, total.total),
    )


def record_answer(workspace, year: int, kind: EventKind, on: dt.date, reason: str = "") -> AnnualPlan:
    """Record a department's answer to the year's filing on ``on`` and set the plan's status.

    Raises :class:`InputError` (in Chinese) when the year was never filed, the date comes before
    the filing or after today, or a return has no reason. The history keeps every answer."""
    kind = EventKind(kind)
    if kind not in ANSWERS:
        raise InputError(f"“{kind.value}”不是主管部门或财政部门的答复")
    plan = workspace.saved_plan(year)
    events = workspace.filing_events(year)
    if plan is None or not already_filed(plan, events):
        raise InputError(f"{year} 年度还没有填报（导出上报文件），不能记录“{kind.value}”")
    last = next((e for e in reversed(events) if e.kind.is_filing), None)
    filed = last.on if last else plan.filed_on
    if filed is not None and on < filed:
        raise InputError(f"{kind.value}的日期 {on:%Y-%m-%d} 早于报送日期 {filed:%Y-%m-%d}")
    if on > workspace.today:
        raise InputError(f"{kind.value}的日期 {on:%Y-%m-%d} 晚于今天")
    reason = " ".join(reason.split())
    if kind is EventKind.RETURNED and not reason:
        raise InputError("退回修改须写明退回的原因（主管部门或财政部门的意见）")
    if len(reason) > REASON_LENGTH:
        raise InputError(f"原因不能超过 {REASON_LENGTH} 个字")
    status, date_field = ANSWERS[kind]
    changes: dict = {"filing_status": status}
    if date_field:
        changes[date_field] = on
    plan = dataclasses.replace(plan, **changes)
    event = FilingEvent(year, kind, on, dt.datetime.now().replace(microsecond=0), reason=reason)
    workspace.add_filing_event(event, plan)
    return plan


def refiling_text(plan: AnnualPlan, events: list[FilingEvent], profile: UnitProfile, policy, today: dt.date) -> str:
    """What exporting the year of ``plan`` again changes, for the clerk to read before it is done
    ('' for a first filing)."""
    from ..domain.filings import refiling_notice as notice

    if not already_filed(plan, events):
        return ""
    due = policy.deadline("filing-deadline", profile.level) if policy is not None else None
    return notice(plan, events, today, due.date if due else None)


def current_snapshot(profile: UnitProfile, plan: AnnualPlan, tally) -> dict[str, object]:
    """The figures as they stand now, comparable with a filing's snapshot (``tally``: the year's)."""
    return snapshot(profile, plan, tally.count, tally.counted_total + tally.not_counted_total)


def stale(workspace, profile: UnitProfile, plan: AnnualPlan, tally) -> Finding | None:
    """The finding that the last filing no longer matches the data, or ``None``."""
    events = workspace.filing_events(plan.year)
    if not events or tally is None:
        return None
    return stale_finding(events, current_snapshot(profile, plan, tally))
