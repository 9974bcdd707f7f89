"""Exporting a year for the supervising department, and marking the filing exported: what the
export dialog and ``desktop832 export`` both do. The workbook itself is the document layer's
(:mod:`desktop832.documents.export_xlsx`), which never touches the data file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..documents.export_data import ExportData, ExportError, evaluate, exported_plan
from ..documents.progress import Progress
from ..domain.findings import Finding, Severity
from ..domain.model import AnnualPlan
from .workspace import FILING_FINGERPRINT_KEY


@dataclasses.dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    plan: AnnualPlan  # the year's plan as saved: 已导出待确认, filed today
    findings: list[Finding]
    purchase_count: int
    event: object = None  # the filing record's new entry (a domain.filings.FilingEvent), None when not saved

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def short_fingerprint(self) -> str:
        from ..documents import fingerprint as fp

        return fp.short(self.fingerprint)


def collect(workspace, year: int, today: dt.date) -> ExportData:
    """Everything the year's export shows, with the plan already marked as exported."""
    from .filings import first_filing_date

    plan = workspace.saved_plan(year)
    if plan is None:
        raise ExportError(f"{year} 年度还没有填报数据，无法导出")
    profile = workspace.store.profile()
    plan = exported_plan(plan, today, first_filing_date(plan, workspace.filing_events(year)))
    selection = workspace.selection(profile, plan)
    policy = selection.policy
    if policy is None:
        # no deadline, ratio or verdict of another year may go on this year's form
        raise ExportError(
            f"没有适用于 {year} 年度的政策文件（{selection.reason}），不能导出：表中的截止日期和结论须以本年度政策为准。"
            "请在“预留份额”页点“加载政策文件…”加载该年度的政策文件后再导出"
        )
    purchases = workspace.store.purchases(year)
    return evaluate(profile, plan, policy, purchases, today)


def export_year(
    workspace, year: int, path: Path | str, *, today: dt.date | None = None, progress: Progress | None = None,
    save_status: bool = True,
) -> ExportResult:
    """Export ``year`` to ``path``, mark the filing as exported and add it to the filing record
    (unless ``save_status`` is off): the first export is the filing, a later one a re-filing.

    Raises :class:`~desktop832.documents.export_data.ExportError` when there is nothing to export
    and :class:`~desktop832.documents.errors.ExchangeError` when the file cannot be written; a
    :class:`~desktop832.documents.progress.Cancelled` from ``progress`` leaves no file behind.
    """
    from ..documents.export_xlsx import write_workbook

    from .filings import already_filed, filing_event

    today = today or workspace.today
    before = workspace.saved_plan(year)
    refiling = before is not None and already_filed(before, workspace.filing_events(year))
    data = collect(workspace, year, today)
    fingerprint = write_workbook(Path(path), data, progress)
    data.fingerprint = fingerprint
    event = None
    if save_status:
        event = workspace.add_filing_event(filing_event(data, Path(path), refiling), data.plan)
        workspace.store.set_setting(FILING_FINGERPRINT_KEY.format(year=year), fingerprint)
    return ExportResult(Path(path), fingerprint, data.plan, data.findings or [], len(data.purchases), event)
