"""Exporting a year for the supervising department, and marking the filing exported: what the
export dialog and ``desktop832 export`` both do. The workbook itself is the document layer's
(:mod:`desktop832.documents.export_xlsx`), which never touches the data file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..documents.export_data import ExportData, ExportError, PolicyInfo, PurchaseSummary, exported_plan, summarise_tally
from ..documents.progress import Progress
from ..domain.counting import Tally
from ..domain.findings import Finding, Severity
from ..domain.model import AnnualPlan, UnitProfile
from ..domain.policy import Policy
from .workspace import FILING_FINGERPRINT_KEY


@dataclasses.dataclass(frozen=True)
class ExportCheck:
    """What exporting a year will write, worked out once before anything is written: the plan read
    once, the rules run once (on the plan as the export marks it) and the purchases summed once
    (the tally, which the window has usually summed already; the summary is read from its
    groups). The dialog asks its questions from it, then the worker writes it."""

    year: int
    today: dt.date
    before: AnnualPlan  # the year's plan as saved now
    plan: AnnualPlan  # as the export saves it: 已导出待确认
    profile: UnitProfile
    policy: Policy
    info: PolicyInfo
    tally: Tally
    findings: list[Finding]  # the rules' findings on ``plan``: what the file will state
    summary: PurchaseSummary
    refiling: bool  # the year was filed before: this export is a re-filing
    notice: str  # what a re-filing changes, for the clerk to read first ('' for the first filing)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def check_export(workspace, year: int, today: dt.date | None = None) -> ExportCheck:
    """Everything the year's export states, with the plan already marked as exported.

    Raises :class:`~desktop832.documents.export_data.ExportError` when the year has no plan or
    no policy of its own."""
    from ..domain import rules

    from .filings import already_filed, first_filing_date, refiling_text

    today = today or workspace.today
    before = workspace.saved_plan(year)
    if before is None:
        raise ExportError(f"{year} 年度还没有填报数据，无法导出")
    events = workspace.filing_events(year)
    profile = workspace.store.profile()
    plan = exported_plan(before, today, first_filing_date(before, events))
    selection = workspace.selection(profile, plan)
    policy = selection.policy
    if policy is None:
        # no deadline, ratio or verdict of another year may go on this year's form
        raise ExportError(
            f"没有适用于 {year} 年度的政策文件（{selection.reason}），不能导出：表中的截止日期和结论须以本年度政策为准。"
            "请在“预留份额”页点“加载政策文件…”加载该年度的政策文件后再导出"
        )
    year_tally = workspace.tally(year, policy, today)
    info = PolicyInfo.of(policy, profile.level)
    return ExportCheck(
        year, today, before, plan, profile, policy, info, year_tally,
        rules.evaluate(profile, plan, year_tally, policy, today), summarise_tally(year_tally, info.counting),
        already_filed(before, events), refiling_text(before, events, profile, policy, today),
    )


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    plan: AnnualPlan  # the year's plan as saved: 已导出待确认, filed today
    findings: list[Finding]  # the rules' findings on that plan (the window shows them without running the rules again)
    purchase_count: int
    event: object = None  # the filing record's new entry (a domain.filings.FilingEvent), None when not saved
    policy: Policy | None = None  # the policy the findings are by

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def short_fingerprint(self) -> str:
        from ..documents import fingerprint as fp

        return fp.short(self.fingerprint)


def export_year(
    workspace, year: int, path: Path | str, *, today: dt.date | None = None, progress: Progress | None = None,
    save_status: bool = True, check: ExportCheck | None = None,
) -> ExportResult:
    """Export ``year`` to ``path``, mark the filing as exported and add it to the filing record
    (unless ``save_status`` is off): the first export is the filing, a later one a re-filing.
    ``check`` is :func:`check_export`'s answer when the caller has it (asked on the window's
    thread before the worker writes), so nothing is read or run twice.

    Raises :class:`~desktop832.documents.export_data.ExportError` when there is nothing to export
    and :class:`~desktop832.documents.errors.ExchangeError` when the file cannot be written; a
    :class:`~desktop832.documents.progress.Cancelled` from ``progress`` leaves no file behind.
    """
    from ..documents.export_xlsx import write_workbook

    from .filings import filing_event

    check = check or check_export(workspace, year, today)
    purchases = workspace.store.purchases(year)  # for the detail sheet and the fingerprint: summed already
    data = ExportData(check.profile, check.plan, check.info, purchases, check.today, check.findings, check.summary)
    fingerprint = write_workbook(Path(path), data, progress)
    data.fingerprint = fingerprint
    event = None
    if save_status:
        event = workspace.add_filing_event(filing_event(data, Path(path), check.refiling), data.plan)
        workspace.store.set_setting(FILING_FINGERPRINT_KEY.format(year=year), fingerprint)
    return ExportResult(Path(path), fingerprint, data.plan, data.findings, len(purchases), event, check.policy)
