"""Attachments in the data file: the blob table (each content once, keyed by SHA-256) and the
links of purchases and of a year's filing to it. All their SQL is here, as methods :class:`Store`
takes from :class:`AttachmentStore`.

Links are removed without their bytes: a removal can be undone while the window is open, and a
content no link names any more is dropped when the file is next opened for writing
(:meth:`AttachmentStore.drop_unused_blobs`). The purchase log reads neither table.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Sequence

from sqlalchemy import delete, func, insert, select, union_all
from sqlalchemy.engine import Connection

from ..domain.attachments import Attachment, EvidenceKind, MediaType, sha256_of
from ..domain.model import OrderState
from . import tables
from .errors import StoreError

_PURCHASE = tables.purchase_attachment
_FILING = tables.filing_attachment
_BLOB = tables.blob


def _attachment(row, on_filing: bool) -> Attachment:
    return Attachment(
        row.sha256, row.file_name, row.added_on, row.kind, row.media_type, row.size,
        None if on_filing else row.purchase_id, row.year if on_filing else None, row.id,
    )


def _links(table, where) -> select:
    return (
        select(table, _BLOB.c.size, _BLOB.c.media_type)  # never _BLOB.c.data
        .join(_BLOB, _BLOB.c.sha256 == table.c.sha256)
        .where(where)
        .order_by(table.c.id)
    )


def store_blob(connection: Connection, data: bytes, media_type: MediaType, file_name: str, sha256: str | None = None) -> str:
    """The content's key, its bytes stored unless the file holds them already (deduplicated)."""
    sha256 = sha256 or sha256_of(data)
    connection.execute(
        insert(_BLOB).prefix_with("OR IGNORE"),
        {"sha256": sha256, "size": len(data), "media_type": media_type, "file_name": file_name, "data": data},
    )
    return sha256


def _link_values(a: Attachment) -> dict:
    values = {"sha256": a.sha256, "file_name": a.file_name, "added_on": a.added_on, "kind": a.kind}
    if a.id is not None:
        values["id"] = a.id
    if a.on_filing:
        values["year"] = a.year
    else:
        values["purchase_id"] = a.purchase_id
    return values


def _restore(c: Connection, attachment: Attachment, purchases_back: bool) -> bool:
    if c.scalar(select(_BLOB.c.sha256).where(_BLOB.c.sha256 == attachment.sha256)) is None:
        return False
    if not attachment.on_filing and not purchases_back and c.scalar(
        select(tables.purchase.c.id).where(tables.purchase.c.id == attachment.purchase_id)
    ) is None:
        return False
    table = _FILING if attachment.on_filing else _PURCHASE
    c.execute(insert(table).prefix_with("OR REPLACE"), _link_values(attachment))
    return True


class AttachmentStore:
    """The attachment methods of :class:`~desktop832.store.database.Store`."""

    def add_attachment(self, attachment: Attachment, data: bytes) -> Attachment:
        """Store ``data`` (once per content) and link it as ``attachment`` says (to its purchase,
        or to its year's filing); returns the link as stored, with its id, size and type."""
        if sha256_of(data) != attachment.sha256:
            raise ValueError("attachment.sha256 is not the hash of data")
        with self.transaction() as c:
            if not attachment.on_filing and c.scalar(
                select(tables.purchase.c.id).where(tables.purchase.c.id == attachment.purchase_id)
            ) is None:
                raise StoreError("这条采购记录已被删除，附件未添加。", "missing")
            store_blob(c, data, attachment.media_type, attachment.file_name, attachment.sha256)
            table = _FILING if attachment.on_filing else _PURCHASE
            result = c.execute(insert(table), _link_values(attachment))
            row = c.execute(_links(table, table.c.id == result.inserted_primary_key[0])).one()
        return _attachment(row, attachment.on_filing)

    def restore_attachment(self, attachment: Attachment, purchases_back: bool = False) -> bool:
        """Put back a removed link (an undo) with its old id; ``False`` when its bytes or (unless
        ``purchases_back``: they are being put back too) its purchase are gone (nothing written)."""
        with self.transaction() as c:
            return _restore(c, attachment, purchases_back)

    def restore_attachments(self, attachments: Iterable[Attachment], purchases_back: bool = False) -> None:
        """Put back several links in one transaction (those whose bytes are gone stay gone)."""
        attachments = list(attachments)
        if not attachments:
            return
        with self.transaction() as c:
            for attachment in attachments:
                _restore(c, attachment, purchases_back)

    def remove_attachment(self, attachment: Attachment) -> None:
        """Remove the link (its bytes stay until no link names them and the file is next opened)."""
        table = _FILING if attachment.on_filing else _PURCHASE
        with self.transaction() as c:
            c.execute(delete(table).where(table.c.id == attachment.id))

    def purchase_attachments(self, purchase_id: int) -> list[Attachment]:
        with self.reader() as c:
            rows = c.execute(_links(_PURCHASE, _PURCHASE.c.purchase_id == purchase_id)).all()
        return [_attachment(r, False) for r in rows]

    def attachments_of_purchases(self, purchase_ids: Sequence[int]) -> list[Attachment]:
        ids = list(purchase_ids)
        found: list[Attachment] = []
        with self.reader() as c:
            for start in range(0, len(ids), 500):
                rows = c.execute(_links(_PURCHASE, _PURCHASE.c.purchase_id.in_(ids[start:start + 500]))).all()
                found.extend(_attachment(r, False) for r in rows)
        return found

    def filing_attachments(self, year: int | None = None) -> list[Attachment]:
        """The year's filing attachments (every year's without ``year``), oldest first."""
        where = _FILING.c.year == year if year is not None else _FILING.c.id.is_not(None)
        with self.reader() as c:
            rows = c.execute(_links(_FILING, where).order_by(None).order_by(_FILING.c.year, _FILING.c.id)).all()
        return [_attachment(r, True) for r in rows]

    def year_purchase_attachments(self, year: int) -> list[tuple[Attachment, int]]:
        """The attachments of the year's purchases, in the log's date order, each with its purchase id."""
        p = tables.purchase
        query = (
            select(_PURCHASE, _BLOB.c.size, _BLOB.c.media_type)
            .join(_BLOB, _BLOB.c.sha256 == _PURCHASE.c.sha256)
            .join(p, p.c.id == _PURCHASE.c.purchase_id)
            .where(p.c.year == year)
            .order_by(p.c.date, p.c.id, _PURCHASE.c.id)
        )
        with self.reader() as c:
            return [(_attachment(r, False), r.purchase_id) for r in c.execute(query)]

    def iter_purchase_links(self) -> Iterator[Attachment]:
        """Every purchase's links, by purchase id then link id (for ``dump``)."""
        with self.reader() as c:
            for row in c.execute(_links(_PURCHASE, _PURCHASE.c.id.is_not(None)).order_by(None).order_by(
                    _PURCHASE.c.purchase_id, _PURCHASE.c.id)):
                yield _attachment(row, False)

    def read_blob(self, sha256: str) -> bytes:
        """The stored bytes of one content (:class:`StoreError` when the file no longer holds it)."""
        with self.reader() as c:
            data = c.scalar(select(_BLOB.c.data).where(_BLOB.c.sha256 == sha256))
        if data is None:
            raise StoreError("附件的内容已不在数据文件中（可能已被删除）。", "missing")
        return bytes(data)

    def blob_count(self) -> int:
        with self.reader() as c:
            return c.scalar(select(func.count()).select_from(_BLOB))

    def iter_blobs(self) -> Iterator[tuple[str, MediaType, str, bytes]]:
        """(sha256, media type, first file name, bytes) of every content a link names, by key, one
        at a time in one read transaction (a dump holds one content in memory at a time)."""
        used = union_all(select(_PURCHASE.c.sha256), select(_FILING.c.sha256)).subquery()
        keys = select(_BLOB.c.sha256).where(_BLOB.c.sha256.in_(select(used.c.sha256))).order_by(_BLOB.c.sha256)
        with self.reader() as c, c.begin():
            for sha256 in list(c.scalars(keys)):
                row = c.execute(select(_BLOB.c.media_type, _BLOB.c.file_name, _BLOB.c.data).where(_BLOB.c.sha256 == sha256)).one()
                yield sha256, row.media_type, row.file_name, bytes(row.data)

    def drop_unused_blobs(self) -> int:
        """Delete the contents no link names (removed attachments, deleted purchases); how many.
        Nothing is written when there are none (a read-only file stays untouched)."""
        used = union_all(select(_PURCHASE.c.sha256), select(_FILING.c.sha256)).subquery()
        unused = select(_BLOB.c.sha256).where(_BLOB.c.sha256.not_in(select(used.c.sha256)))
        orphans = _PURCHASE.c.purchase_id.not_in(select(tables.purchase.c.id))  # their purchase is gone
        with self.reader() as c:
            if not c.execute(unused.limit(1)).first() and not c.execute(select(_PURCHASE.c.id).where(orphans).limit(1)).first():
                return 0
        with self.transaction() as c:
            c.execute(delete(_PURCHASE).where(orphans))
            return c.execute(delete(_BLOB).where(_BLOB.c.sha256.in_(unused))).rowcount

    def evidence_gaps(self, year: int) -> tuple[int, list[str]]:
        """How many of the year's completed orders have no attachment, and the first few of their
        order numbers (or dates), for the evidence finding. Counted from indexes: the completed
        orders from (year, state), those with evidence from the links (never the purchase rows)."""
        done = OrderState.DONE.value
        with self.reader() as c:
            total = c.exec_driver_sql(
                "SELECT count(*) FROM purchase WHERE year = ? AND state = ?", (year, done)).scalar()
            if not total:
                return 0, []
            # CROSS JOIN: from the few links to their purchases, not the other way round
            with_evidence = c.exec_driver_sql(
                "SELECT count(DISTINCT a.purchase_id) FROM purchase_attachment AS a CROSS JOIN purchase AS p "
                "ON p.id = a.purchase_id WHERE p.year = ? AND p.state = ?", (year, done)).scalar()
            if with_evidence >= total:
                return 0, []
            rows = c.exec_driver_sql(
                "SELECT order_no, date FROM purchase WHERE year = ? AND state = ? AND id NOT IN "
                "(SELECT purchase_id FROM purchase_attachment) ORDER BY date, id LIMIT 3", (year, done)).all()
        return total - with_evidence, [no or on for no, on in rows]

    def has_filing_evidence(self, year: int, kind: EvidenceKind) -> bool:
        with self.reader() as c:
            return c.scalar(select(_FILING.c.id).where(_FILING.c.year == year, _FILING.c.kind == kind.value).limit(1)) is not None


