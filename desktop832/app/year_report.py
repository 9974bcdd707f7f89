"""The year-end report (年度采购情况报告) from a data file: what the window's menu and
``desktop832 report`` both do. The values are the domain's (:mod:`desktop832.domain.year_report`),
the PDF the document layer's (:mod:`desktop832.documents.year_report`); the data file is only read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..documents.progress import Progress
from ..domain.counting import Counting, max_unpaid_days
from ..domain.errors import InputError
from ..domain.requirements import canteen_reserve_applies, reserve_target
from ..domain.year_chart import year_chart
from ..domain import year_report as r
from ..domain.money import ZERO


def evidence_lines(workspace, year: int) -> tuple[r.EvidenceLine, ...]:
    """The year's attachments for the evidence index (:func:`desktop832.app.attachments.evidence_index`)."""
    from . import attachments

    return tuple(attachments.evidence_index(workspace, year))


def collect(workspace, year: int, today: dt.date | None = None) -> r.YearReport:
    """Everything the report says about ``year``. Raises :class:`InputError` for a year with no
    plan in the file (nothing to report)."""
    plan = workspace.saved_plan(year)
    if plan is None:
        raise InputError(f"{year} 年度还没有填报数据，无法生成年度采购情况报告")
    today = today or workspace.today
    profile = workspace.store.profile()
    selection = workspace.selection(profile, plan)
    policy = selection.policy
    tally = workspace.tally(year, policy)
    purchases = workspace.store.purchases(year)
    counting = Counting.of(policy)
    findings = workspace.findings(profile, plan, policy) if policy is not None else []
    target = reserve_target(profile, plan)
    progress = next((f for f in findings if f.rule_id == "purchase-progress"), None)
    if policy is None:
        words = "本年度没有适用的政策文件，已计入金额未按正式比例判断"
        citation = ""
    elif progress is not None:
        words, citation = progress.message, progress.citation
    else:
        words, citation = ("尚未填写预留份额" if target <= 0 else ""), ""
    lines = r.open_orders(purchases, tally.overdue)
    return r.YearReport(
        year=year, today=today, profile=profile, plan=plan,
        policy_name=policy.name if policy else "",
        policy_reason=selection.reason,
        notices=tuple(f"{n.number}《{n.title}》" + ("" if n.checked else "（未核对原文）") for n in policy.notices) if policy else (),
        judged=policy is not None,
        target=target,
        canteen_reserve=(plan.reserve_amount or ZERO) if canteen_reserve_applies(profile) else ZERO,
        union_reserve=plan.union_reserve or ZERO,
        filing_lines=r.filing_lines(workspace.filing_events(year)),
        counted=tally.counted_total, not_counted=tally.not_counted_total, purchase_count=tally.count,
        progress=words, progress_citation=citation,
        chart=year_chart(tally, target, policy, today),
        by_purpose=r.purpose_rows(tally, purchases, counting),
        not_counted_by_reason=r.reason_rows(purchases, counting),
        by_county=r.county_rows(purchases, counting),
        open_orders=tuple(lines[: r.MAX_LISTED]), open_count=len(lines),
        unpaid_count=sum(line.unpaid for line in lines), unevaluated_count=sum(line.unevaluated for line in lines),
        payment_term=max_unpaid_days(policy),
        findings=r.report_findings(findings),
        evidence=evidence_lines(workspace, year),
        fingerprint=workspace.last_filing_fingerprint(year),
    )


@dataclasses.dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    report: r.YearReport


def write_report(
    workspace, year: int, path: Path | str, *, today: dt.date | None = None, progress: Progress | None = None,
    choice=None,
) -> ReportResult:
    """Gather and write the year's report to ``path`` (atomically: the whole PDF or nothing)."""
    from ..documents.fonts import FontChoice
    from ..documents.year_report import write_year_report

    if progress is not None:
        progress(0, 3)
    report = collect(workspace, year, today)
    if progress is not None:
        progress(1, 3)
    pages = write_year_report(Path(path), report, choice or FontChoice(), inputs=(Path(workspace.store.path),))
    if progress is not None:
        progress(3, 3)
    return ReportResult(Path(path), pages, report)


__all__ = ["ReportResult", "collect", "evidence_lines", "write_report"]
