"""Attachments as a use case: what the window and the evidence pack do with a purchase's or a
year's evidence. Files the clerk names are checked (type, size) before anything is stored;
the store keeps each content once (:mod:`desktop832.store.attachments`).

Public API (``workspace`` is an open :class:`~desktop832.app.workspace.Workspace`):

- :func:`attach_to_purchase`, :func:`attach_to_filing`: a file by path;
  :func:`attach_bytes` the same for bytes already read (a drop from another program);
- :func:`remove`, :func:`restore` (its undo), :func:`of_purchase`, :func:`of_filing`,
  :func:`read_bytes`, :func:`temporary_copy` (to open with the system's viewer);
- :func:`attachments_of_year`: every attachment of a year with its purchase, for the pack;
  :func:`evidence_index` the same as the year report's index lines;
- :func:`evidence_findings`: the hints of :mod:`desktop832.domain.evidence`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
from pathlib import Path

from .. import protected_files
from ..domain.attachments import (
    MAX_SIZE, Attachment, EvidenceKind, clean_file_name, media_type_of, sha256_of, too_big_message,
)
from ..domain.errors import InputError
from ..domain.evidence import EvidenceGaps, evidence_findings as _findings
from ..domain.findings import Finding
from ..domain.model import AnnualPlan, Purchase, UnitProfile
from ..oserrors import read_failure_reason


def read_file(path: Path | str) -> tuple[str, bytes]:
    """The clerk's file name and bytes of ``path``, refused in Chinese (:class:`InputError`)
    when it is the data file, no regular file, too big, unreadable or of another type."""
    path = Path(path)
    try:
        protected_files.refuse_reading(path)
    except protected_files.ProtectedFileError as exc:
        raise InputError(exc.message) from None
    name = clean_file_name(path.name)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"“{name}”不是普通文件，不能作为附件")
        if st.st_size > MAX_SIZE:  # said before reading it
            raise InputError(too_big_message(name, st.st_size))
        with open(path, "rb") as source:
            data = source.read(MAX_SIZE + 1)
    except OSError as exc:
        raise InputError(f"无法读取“{name}”：{read_failure_reason(exc)}") from None
    media_type_of(name, data)  # the type and the size as read
    return name, data


def attach_bytes(workspace, data: bytes, file_name: str, *, purchase_id: int | None = None, year: int | None = None,
                 kind: EvidenceKind = EvidenceKind.OTHER, today: dt.date | None = None) -> Attachment:
    """Attach ``data`` under ``file_name`` to the purchase ``purchase_id`` or to ``year``'s filing."""
    if (purchase_id is None) == (year is None):
        raise ValueError("attach to a purchase or to a year's filing")
    name = clean_file_name(file_name)
    media_type = media_type_of(name, data)
    link = Attachment(sha256_of(data), name, today or workspace.today, EvidenceKind(kind), media_type, len(data),
                      purchase_id=purchase_id, year=year)
    saved = workspace.store.add_attachment(link, data)
    workspace.attachments_changed()
    return saved


def attach_to_purchase(workspace, purchase_id: int, path: Path | str, kind: EvidenceKind = EvidenceKind.OTHER,
                       today: dt.date | None = None) -> Attachment:
    name, data = read_file(path)
    return attach_bytes(workspace, data, name, purchase_id=purchase_id, kind=kind, today=today)


def attach_to_filing(workspace, year: int, path: Path | str, kind: EvidenceKind = EvidenceKind.OTHER,
                     today: dt.date | None = None) -> Attachment:
    name, data = read_file(path)
    return attach_bytes(workspace, data, name, year=year, kind=kind, today=today)


def remove(workspace, attachment: Attachment) -> None:
    """Remove the link; :func:`restore` puts it back while the file stays open."""
    workspace.store.remove_attachment(attachment)
    workspace.attachments_changed()


def restore(workspace, attachment: Attachment) -> bool:
    done = workspace.store.restore_attachment(attachment)
    workspace.attachments_changed()
    return done


def restore_all(workspace, attachments, purchases_back: bool = False) -> None:
    """Put back the links a delete of purchases took with it (after the purchases are back, or
    just before: ``purchases_back``)."""
    workspace.store.restore_attachments(attachments, purchases_back)
    workspace.attachments_changed()


def of_purchase(workspace, purchase_id: int) -> list[Attachment]:
    return workspace.store.purchase_attachments(purchase_id)


def of_purchases(workspace, purchase_ids) -> list[Attachment]:
    """The links of several purchases (what a delete takes with it, and its undo puts back)."""
    return workspace.store.attachments_of_purchases(list(purchase_ids))


def of_filing(workspace, year: int) -> list[Attachment]:
    return workspace.store.filing_attachments(year)


def read_bytes(workspace, attachment: Attachment) -> bytes:
    return workspace.store.read_blob(attachment.sha256)


@dataclasses.dataclass(frozen=True, slots=True)
class YearAttachment:
    """One attachment of the year for the evidence pack: its purchase, or ``None`` on the filing."""

    attachment: Attachment
    purchase: Purchase | None

    @property
    def suggested_name(self) -> str:
        """``<order number or 无订单号>_<date>_<kind>_<file name>`` for a purchase's, ``填报_<kind>_<file name>``
        for the filing's (no characters Windows refuses in a file name)."""
        a = self.attachment
        if self.purchase is None:
            name = f"填报_{a.kind.value}_{a.file_name}"
        else:
            name = f"{self.purchase.order_no or '无订单号'}_{self.purchase.date:%Y-%m-%d}_{a.kind.value}_{a.file_name}"
        return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in name)


def attachments_of_year(workspace, year: int) -> list[YearAttachment]:
    """Every attachment of ``year``: the purchases' in the log's date order, then the filing's."""
    store = workspace.store
    pairs = store.year_purchase_attachments(year)
    purchases = {}
    for _, purchase_id in pairs:
        if purchase_id not in purchases:
            purchases[purchase_id] = store.purchase(purchase_id)
    items = [YearAttachment(a, purchases[pid]) for a, pid in pairs]
    return items + [YearAttachment(a, None) for a in store.filing_attachments(year)]


def evidence_index(workspace, year: int) -> list:
    """The year's attachments as the year report's evidence index lines
    (:class:`~desktop832.domain.year_report.EvidenceLine`): the purchases' by date with their order
    number and date, then the filing's (order number ``填报``, the date it was added)."""
    from ..domain.year_report import EvidenceLine

    lines = []
    for item in attachments_of_year(workspace, year):
        a, p = item.attachment, item.purchase
        lines.append(EvidenceLine(
            p.order_no or "（无订单号）" if p is not None else "填报", p.date if p is not None else a.added_on,
            a.kind.value, a.file_name, a.size, a.sha256,
        ))
    return lines


def temporary_copy(workspace, attachment: Attachment) -> Path:
    """The attachment written to a private temporary folder under its own name (for the
    system's viewer: OFD and anything the window does not preview). Removed at exit."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="desktop832-attachment-"))
    atexit.register(shutil.rmtree, folder, True)
    name = attachment.file_name
    if not name.lower().endswith(attachment.media_type.suffix) and not (
            attachment.media_type.suffix == ".jpg" and name.lower().endswith(".jpeg")):
        name += attachment.media_type.suffix
    path = folder / name
    write_copy(workspace, attachment, path)
    with _quiet():
        os.chmod(path, 0o400)
    return path


def write_copy(workspace, attachment: Attachment, path: Path | str) -> None:
    """The attachment's bytes written to ``path`` (atomically; never over the data file)."""
    from ..documents.files import write_atomically

    data = read_bytes(workspace, attachment)
    write_atomically(Path(path), lambda tmp: tmp.write_bytes(data))


def evidence_gaps(store, year: int) -> EvidenceGaps:
    """What the data file holds of the year's evidence (:class:`Workspace` caches it)."""
    count, first = store.evidence_gaps(year)
    return EvidenceGaps(count, tuple(first), store.has_filing_evidence(year, EvidenceKind.LETTER))


def evidence_findings(workspace, profile: UnitProfile, plan: AnnualPlan) -> list[Finding]:
    return _findings(profile, plan, workspace.evidence_gaps(plan.year))


def tidy(workspace) -> int:
    """Drop the contents no attachment names any more (at opening, before any undo can need them)."""
    return workspace.store.drop_unused_blobs()


def _quiet():
    import contextlib

    return contextlib.suppress(OSError)
