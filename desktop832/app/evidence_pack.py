"""The evidence pack (证据包) of a year from a data file: what ``desktop832 evidence`` and the
window's 导出证据包… both do. Every attachment of the year (:mod:`desktop832.app.attachments`),
named by its order number and date, the index workbook and the year-end report, in one zip
written atomically (:mod:`desktop832.documents.evidence_pack`). The data file is only read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ..documents.progress import Progress


@dataclasses.dataclass(frozen=True)
class PackResult:
    path: Path
    files: int  # attachments packed
    report_pages: int
    judged: bool  # the year has a policy of its own


def pack_attachments(workspace, year: int) -> list:
    """The year's attachments as the pack takes them (their bytes read one at a time, when packed)."""
    from ..documents.evidence_pack import Attachment
    from . import attachments

    items = []
    for item in attachments.attachments_of_year(workspace, year):
        a, p = item.attachment, item.purchase
        items.append(Attachment(
            order_no=p.order_no if p else "", date=p.date if p else None, amount=p.amount if p else None,
            supplier=p.supplier if p else "", kind=a.kind.value, file_name=a.file_name, sha256=a.sha256, size=a.size,
            read=lambda a=a: attachments.read_bytes(workspace, a), name=item.suggested_name,
            invoice_no=p.invoice_no if p else "", fee_source=p.fee_source.value if p else "",
        ))
    return items


def report_file_name(year: int) -> str:
    return f"{year}年度采购情况报告.pdf"


def write_pack(
    workspace, year: int, path: Path | str, *, today: dt.date | None = None, progress: Progress | None = None,
    choice=None,
) -> PackResult:
    """Gather the year's report and attachments and write the zip to ``path`` (all or nothing)."""
    from ..documents import evidence_pack
    from ..documents.fonts import FontChoice
    from ..documents.year_report import render_year_report, title_of
    from .year_report import collect

    report = collect(workspace, year, today)
    pdf, pages = render_year_report(report, choice or FontChoice())
    attachments = pack_attachments(workspace, year)
    packed = evidence_pack.write_pack(
        Path(path), year, attachments, report_file_name(year), pdf,
        f"{report.profile.name} {title_of(report)} · 证据索引", report.today,
        progress=progress, inputs=(Path(workspace.store.path),),
    )
    return PackResult(Path(path), len(packed), pages, report.judged)


__all__ = ["PackResult", "pack_attachments", "report_file_name", "write_pack"]
