"""The data file: open (create or migrate), read and write the unit's records.

Every write is its own transaction with ``synchronous=FULL`` under WAL, so what a call returned
from is on disk: a crash or power cut loses at most the edit being typed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import operator
import os
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from sqlalchemy import Table, create_engine, delete, event, func, insert, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import SQLAlchemyError

from .. import paths, protected_files
from ..domain.filings import FilingEvent
from ..domain.jsonformat import PlainPurchases
from ..domain.model import AnnualPlan, Channel, FeeSource, OrderState, Purchase, Purpose, UnitProfile
from ..domain.money import to_fen
from . import schema, tables
from .attachments import AttachmentStore, store_blob
from .errors import StoreError, translate

_PROFILE_FIELDS = [f.name for f in dataclasses.fields(UnitProfile)]
_PLAN_FIELDS = [f.name for f in dataclasses.fields(AnnualPlan)]
_PURCHASE_FIELDS = [f.name for f in dataclasses.fields(Purchase)]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
IDENTITY_KEY = schema.IDENTITY_KEY  # a random id made when the file is first opened for writing


def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=3000")
    cursor.close()


def _on_connect_readonly(dbapi_connection: sqlite3.Connection, _record) -> None:
    # a reader changes nothing, not even the journal mode (a backup is a rollback-journal file)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=3000")
    cursor.close()


def _make_engine(path: Path, readonly: bool = False, uri: str = "") -> Engine:
    if readonly:
        url = f"sqlite:///{uri or schema.sqlite_uri(path, mode='ro')}&uri=true"
    else:
        url = f"sqlite:///{path}"
    # an error's text never carries the clerk's values (a failed save would log the whole row)
    engine = create_engine(url, hide_parameters=True)
    event.listen(engine, "connect", _on_connect_readonly if readonly else _on_connect)
    return engine


def migrate(engine: Engine, path: Path, *, new: bool = False, snapshot: bool = True) -> None:
    """Bring the file to the head revision with Alembic (imported only here); a ``new`` (empty)
    file is made from the head schema's SQL instead, without Alembic, when that is current."""
    from . import head_schema

    if new and snapshot and head_schema.REVISION == schema.HEAD_REVISION and head_schema.STATEMENTS:
        with engine.begin() as connection:
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # all of it or nothing, as below
            for statement in head_schema.STATEMENTS:
                connection.exec_driver_sql(statement)
            connection.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES (?)", (head_schema.REVISION,))
            connection.exec_driver_sql(f"PRAGMA application_id={schema.APPLICATION_ID}")
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        # pysqlite runs DDL outside any transaction: without this BEGIN a crash halfway through
        # leaves some tables and no application_id, a file the next start refuses as foreign
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.exec_driver_sql(f"PRAGMA application_id={schema.APPLICATION_ID}")


class Store(AttachmentStore):
    """The unit's data file. Methods take and return domain values, never database rows."""

    def __init__(self, path: Path, engine: Engine, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self._engine = engine
        # what the file looked like after our last write (see _check_not_replaced)
        self._seen: tuple | None = None
        self._identity = ""
        self.replaced = ""  # why this store stopped writing (Chinese), "" while it writes
        self._write_lock = threading.RLock()
        self.backup_dir: Path | None = None  # where _rescue keeps what the window had
        self._source: schema.ReadingSource | None = None  # how a read-only store reads

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, readonly: bool = False, backup_dir: Path | None = None, create: bool = True,
    ) -> Store:
        """Open ``path``; migrate it (after a backup) when older.

        A missing or empty file is created only with ``create`` (an explicit new file); a
        ``readonly`` open never creates, migrates or writes anything.
        """
        path = Path(path).expanduser().absolute()
        protected_files.register(path)  # from now on no output may replace it, no reader open it
        state, version = schema.inspect(path)
        if state is schema.FileState.NEW and (readonly or not create):
            if path.exists():
                raise StoreError(f"“{path.name}”是空文件，还不是 desktop832 数据文件；未作任何改动。", "foreign")
            raise StoreError(f"数据文件不存在：{path}", "missing")
        if readonly and state is schema.FileState.OLDER:
            raise StoreError(
                f"“{path.name}”是旧版本的数据文件（数据格式 {version}），只读方式不会升级它；"
                "请在 desktop832 窗口中打开它一次（升级前会自动备份），文件未作任何改动。",
                "older",
            )
        try:
            if state is not schema.FileState.CURRENT:
                paths.make_private_dir(path.parent)
                if state is schema.FileState.NEW:
                    paths.create_private_file(path)  # SQLite's -wal and -shm then get its mode
                if state is schema.FileState.OLDER:
                    from . import backups  # same naming and folder as every other backup

                    backups.make_backup(path, backup_dir or path.parent, f"{backups.MIGRATION_PREFIX}-{version}")
                engine = _make_engine(path)
                migrate(engine, path, new=state is schema.FileState.NEW)
                source = None
            else:
                source = schema.ReadingSource.for_file(path) if readonly else None
                engine = _make_engine(path, readonly, source.uri if source else "")
            store = cls(path, engine, readonly)
            store._source = source
            store.backup_dir = backup_dir
            store._check_stored_types()
            if not readonly:
                store._ensure_profile()
            return store
        except (SQLAlchemyError, OSError) as exc:
            known = translate(exc, path)
            if known:
                raise known from None
            raise

    @property
    def reading_note(self) -> str:
        """How a read-only store reads its file when not directly (Chinese), else ""."""
        return self._source.note if self._source is not None else ""

    def close(self) -> None:
        self._engine.dispose()
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error.

        Refused (:class:`StoreError` of kind ``replaced``) once the file on disk is no longer the
        one this store opened, see :meth:`_check_not_replaced`.
        """
        if self.readonly:
            raise StoreError("数据文件以只读方式打开，不能修改。", "readonly")
        # one write at a time in this process: the check, the commit and noting the file's state
        # after it belong together (a worker's import and the window's autosave may overlap)
        with self._write_lock:
            self._check_not_replaced()
            self._check_identity()
            try:
                with self._engine.begin() as connection:
                    yield connection
            except SQLAlchemyError as exc:
                known = translate(exc, self.path)
                if known:
                    if known.kind == "readonly":
                        # SQLite opened the file read-only and would stay so: once the clerk has made
                        # it writable again, the next save must open it afresh to succeed
                        self.reconnect()
                    raise known from None
                raise
            finally:
                if not self.replaced:
                    self._seen = self._file_state()

    def reconnect(self) -> None:
        """Close every connection; the next use opens the file afresh.

        The last connection to close checkpoints the WAL into the file: that change is ours,
        so the file's state is noted again (see :meth:`_check_not_replaced`).
        """
        with self._write_lock:
            self._engine.dispose()
            if self._seen is not None and not self.replaced:
                self._seen = self._file_state()

    # --- the file under us --------------------------------------------------------------------

    def _file_state(self) -> tuple | None:
        """Device, inode, size and modification time of the file (``stat`` only: never opened).

        Not the status-change time: making the file read-only changes it, and that is no
        replacement (the save then fails as read-only). ``cp -p`` of a file of the same size,
        which keeps the other file's times, is caught by the identity stored inside."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def _check_not_replaced(self) -> None:
        """Stop writing when the file was replaced or changed by anyone but this store.

        Under WAL our commits go to ``-wal``; the file itself changes only when this store
        checkpoints, inside its own commit, after which :meth:`transaction` notes its state. So
        any other change to it (``mv``/``cp`` of another file over it, a restore by hand, a
        second program) shows as another inode, size or time before our next write. Writing
        on would mix the window's plans into the other file, so every later write is refused.
        """
        if self.replaced:
            raise StoreError(self.replaced, "replaced")
        now = self._file_state()
        if self._seen is None or now == self._seen:
            return
        if now is None:
            why = "已被移走或删除"
        elif now[:2] != self._seen[:2]:
            why = "已被另一个文件替换"
        else:
            why = "已被其他程序改动"
        # another inode: what this store wrote lives on in the file it still has open, and its
        # WAL beside the path would be replayed into the newcomer; keep it and empty the WAL
        self._stop(why, self._rescue() if now is None or now[:2] != self._seen[:2] else "")

    def _check_identity(self) -> None:
        """The file identity stored inside must still be the one read at opening (a ``cp`` over
        the same inode keeps device and inode but brings the other file's identity).

        Read from the file on disk by a connection of its own (``immutable``: no WAL, no locks):
        the store's own connection would answer from its page cache, which SQLite trusts as long
        as its WAL index is unchanged, whatever happened to the file. Through the same SQLite
        library, so closing it never drops the store's locks. When the identity is not in the
        file itself yet (still only in the WAL), there is nothing to compare.

        The identity is written when a file is first opened for writing and checkpointed into
        the file at once, so from then on the file itself carries it.
        """
        if not self._identity:
            return
        try:
            con = sqlite3.connect(schema.sqlite_uri(self.path, mode="ro", immutable="1"), uri=True)
            try:
                row = con.execute("SELECT value FROM setting WHERE key = ?", (IDENTITY_KEY,)).fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            return  # e.g. the tables still only in the WAL of a new file: stat has spoken already
        if row is not None and row[0] != self._identity:
            self._stop("已被另一个数据文件替换")

    def _stop(self, why: str, kept: str = "") -> None:
        kept = f"本窗口此前保存的数据已另存为备份“{kept}”。" if kept else ""
        self.replaced = (
            f"数据文件“{self.path.name}”在打开后{why}。为免两份数据混在一起，本窗口已停止保存，"
            f"刚才和以后的修改都不会写入。{kept}请关闭后重新打开该文件（可在“文件 → 备份与恢复”中查看备份）。"
        )
        raise StoreError(self.replaced, "replaced")

    def _rescue(self) -> str:
        """Back up what this store's connection sees (the file it opened, with its WAL), then
        checkpoint that WAL into it and truncate it; returns the backup's name or ``""``."""
        from . import backups

        name = ""
        try:
            with self._engine.connect() as c:
                raw = c.connection.driver_connection
                if self.backup_dir is not None:
                    made = backups.make_backup(self.path, self.backup_dir, backups.REPLACED, connection=raw)
                    name = made.path.name if made else ""
                c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except (SQLAlchemyError, StoreError, sqlite3.Error, OSError):
            pass  # writing stops all the same; the message then names no backup
        return name

    @contextlib.contextmanager
    def reader(self) -> Iterator[Connection]:
        """A connection for reading; what it saw is let go when the block ends."""
        try:
            with self._engine.connect() as connection:
                yield connection
        except SQLAlchemyError as exc:
            known = translate(exc, self.path)
            if known:
                raise known from None
            raise

    def _check_stored_types(self) -> None:
        """Refuse a file whose money columns hold anything but integer fen.

        SQLite stores whatever it is given: a file edited with another program may hold ``'abc'``
        as an amount, which crashed ``dump`` and ``export`` and counted as 0 in ``check``'s sums.
        One scan per table at opening (milliseconds for 100 000 purchases)."""
        from .types import Money, Percent

        with self.reader() as c:
            for table in tables.metadata.sorted_tables:
                numeric = [col.name for col in table.columns if isinstance(col.type, (Money, Percent))]
                if not numeric:
                    continue
                test = " OR ".join(f'("{n}" IS NOT NULL AND typeof("{n}") != \'integer\')' for n in numeric)
                bad = c.exec_driver_sql(f'SELECT count(*) FROM "{table.name}" WHERE {test}').scalar()
                if bad:
                    self.close()
                    raise StoreError(
                        f"数据文件“{self.path.name}”中有 {bad} 条记录的金额或比例不是数字（文件可能被其他程序改动过），"
                        "无法使用；文件未作任何改动。可以从备份恢复。",
                        "corrupt",
                    )

    def _ensure_profile(self) -> None:
        # read first: a file that is already set up is never written to (it may be read-only)
        with self.transaction() as c:
            if c.scalar(select(tables.profile.c.id).where(tables.profile.c.id == 1)) is None:
                c.execute(insert(tables.profile), {"id": 1, **_values(UnitProfile(), _PROFILE_FIELDS)})
            identity = c.scalar(select(tables.setting.c.value).where(tables.setting.c.key == IDENTITY_KEY))
            made = not identity
            if made:
                identity = uuid.uuid4().hex
                _write(c, tables.setting, {"key": IDENTITY_KEY, "value": identity})
            # a bulk delete's rows kept for an undo that can no longer come: the window that made it
            # has closed (read first: an empty bin is never written)
            if c.scalar(select(tables.purchase_bin.c.batch).limit(1)) is not None:
                c.execute(delete(tables.purchase_bin))
                # their attachments' links go with them now (the bytes when no link names them:
                # drop_unused_blobs); an id may be given again to a new purchase
                link = tables.purchase_attachment
                c.execute(delete(link).where(link.c.purchase_id.not_in(select(tables.purchase.c.id))))
        if made:  # into the file itself, where _check_identity reads it
            with self._write_lock, self.reader() as c:
                c.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                self._seen = self._file_state()
        self._identity = identity

    # --- profile ------------------------------------------------------------------------------

    def profile(self) -> UnitProfile:
        with self.reader() as c:
            row = c.execute(select(tables.profile).where(tables.profile.c.id == 1)).first()
        return UnitProfile() if row is None else UnitProfile(**_fields(row, _PROFILE_FIELDS))

    def save_profile(self, profile: UnitProfile) -> None:
        with self.transaction() as c:
            _write(c, tables.profile, {"id": 1, **_values(profile, _PROFILE_FIELDS)})

    # --- plans --------------------------------------------------------------------------------

    def years(self) -> list[int]:
        with self.reader() as c:
            return list(c.scalars(select(tables.plan.c.year).order_by(tables.plan.c.year)))

    def plan(self, year: int) -> AnnualPlan | None:
        with self.reader() as c:
            row = c.execute(select(tables.plan).where(tables.plan.c.year == year)).first()
        return None if row is None else AnnualPlan(**_fields(row, _PLAN_FIELDS))

    def plans(self) -> list[AnnualPlan]:
        with self.reader() as c:
            rows = c.execute(select(tables.plan).order_by(tables.plan.c.year)).all()
        return [AnnualPlan(**_fields(row, _PLAN_FIELDS)) for row in rows]

    def save_plan(self, plan: AnnualPlan) -> None:
        with self.transaction() as c:
            _write(c, tables.plan, _values(plan, _PLAN_FIELDS))

    def delete_plan(self, year: int) -> None:
        with self.transaction() as c:
            c.execute(delete(tables.plan).where(tables.plan.c.year == year))

    # --- purchases ----------------------------------------------------------------------------

    def purchases(self, year: int | None = None) -> list[Purchase]:
        purchase = tables.purchase
        query = select(*[purchase.c[name] for name in _PURCHASE_FIELDS]).order_by(purchase.c.date, purchase.c.id)
        if year is not None:
            query = query.where(purchase.c.year == year)
        with self.reader() as c:
            return [Purchase(*row) for row in c.execute(query)]

    def iter_purchases(self, batch: int = 2000) -> Iterator[Purchase]:
        """Every purchase in the order :meth:`purchases` gives, read ``batch`` rows at a time in
        one read transaction (one consistent view however long the caller takes): for writing a
        whole file out in bounded memory."""
        purchase = tables.purchase
        query = select(*[purchase.c[name] for name in _PURCHASE_FIELDS]).order_by(purchase.c.date, purchase.c.id)
        with self.reader() as c, c.begin():
            for row in c.execution_options(yield_per=batch).execute(query):
                yield Purchase(*row)

    def purchase(self, purchase_id: int) -> Purchase | None:
        purchase = tables.purchase
        query = select(*[purchase.c[name] for name in _PURCHASE_FIELDS]).where(purchase.c.id == purchase_id)
        with self.reader() as c:
            row = c.execute(query).first()
        return None if row is None else Purchase(*row)

    def purchase_count(self, year: int | None = None) -> int:
        query = select(func.count()).select_from(tables.purchase)
        if year is not None:
            query = query.where(tables.purchase.c.year == year)
        with self.reader() as c:
            return c.scalar(query)

    def add_purchase(self, purchase: Purchase) -> Purchase:
        """Store ``purchase``; a new one (``id`` None) gets the next id, an undone delete its old one."""
        with self.transaction() as c:
            values = _purchase_values(purchase)
            if values["id"] is None:
                values["id"] = _first_id_past_the_bin(c)
            result = c.execute(insert(tables.purchase), values)
            return dataclasses.replace(purchase, id=result.inserted_primary_key[0])

    def add_purchases(self, purchases: Iterable[Purchase], connection: Connection | None = None) -> int:
        """Insert many purchases in one transaction (all or none), or in ``connection``'s; returns how many."""
        purchases = list(purchases)
        if not purchases:
            return 0
        if connection is not None:
            _insert_purchases(connection, purchases)
        else:
            with self.transaction() as c:
                _insert_purchases(c, purchases)
        return len(purchases)

    def update_purchase(self, purchase: Purchase) -> None:
        if purchase.id is None:
            raise ValueError("update_purchase needs a stored purchase")
        with self.transaction() as c:
            _write(c, tables.purchase, _purchase_values(purchase))

    def delete_purchase(self, purchase_id: int) -> None:
        self.delete_purchases([purchase_id])

    def delete_purchases(self, purchase_ids: Iterable[int]) -> None:
        """Delete several purchases in one transaction (all or none)."""
        ids = list(purchase_ids)
        with self.transaction() as c:
            c.execute(delete(tables.purchase).where(tables.purchase.c.id.in_(ids)))
            # their attachments' links go with them (an undo puts both back); the bytes stay
            # until no link names them (drop_unused_blobs)
            link = tables.purchase_attachment
            c.execute(delete(link).where(link.c.purchase_id.in_(ids)))

    def order_numbers(self) -> set[str]:
        order_no = tables.purchase.c.order_no
        with self.reader() as c:
            return set(c.scalars(select(order_no).where(order_no != "")))

    # --- the filing record ---------------------------------------------------------------------

    def filing_events(self, year: int | None = None) -> list[FilingEvent]:
        """The year's filings and answers (every year's without ``year``), oldest first."""
        table = tables.filing_event
        query = select(table).order_by(table.c.year, table.c.id)
        if year is not None:
            query = query.where(table.c.year == year)
        with self.reader() as c:
            rows = c.execute(query).all()
        return [
            FilingEvent(
                row.year, row.kind, row.event_date, row.recorded_at, row.fingerprint, row.file_name,
                json.loads(row.snapshot or "{}"), row.reason, row.id,
            )
            for row in rows
        ]

    def add_filing_event(self, event: FilingEvent, plan: AnnualPlan | None = None) -> FilingEvent:
        """Append ``event`` to the record, and save ``plan`` (its new status) in the same transaction."""
        with self.transaction() as c:
            result = c.execute(insert(tables.filing_event), _filing_values(event))
            if plan is not None:
                _write(c, tables.plan, _values(plan, _PLAN_FIELDS))
        return dataclasses.replace(event, id=result.inserted_primary_key[0])

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        with self.reader() as c:
            value = c.scalar(select(tables.setting.c.value).where(tables.setting.c.key == key))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            _write(c, tables.setting, {"key": key, "value": value})

    # --- whole-file operations ----------------------------------------------------------------

    def replace_all(
        self, profile: UnitProfile, plans: Sequence[AnnualPlan], purchases: Iterable[Purchase],
        filings: Sequence[FilingEvent] = (), attachments=None,
    ) -> int:
        """Replace everything in one transaction (used by ``load``); returns how many purchases.

        ``purchases`` holds ``Purchase`` values and :class:`PlainPurchases` batches, in order; it is
        taken in batches, so a stream of them is never held whole; anything it raises rolls the
        whole replacement back. ``attachments`` (a :class:`~desktop832.domain.jsonformat.AttachmentsIn`)
        brings the links and then the stored contents; it is read after the purchases, whose ids
        are their places in the stream (1, 2, …), as the links name them."""
        with self.transaction() as c:
            for table in (tables.purchase, tables.plan, tables.filing_event, tables.purchase_attachment,
                          tables.filing_attachment, tables.blob):
                c.execute(delete(table))
            _write(c, tables.profile, {"id": 1, **_values(profile, _PROFILE_FIELDS)})
            if plans:
                c.execute(insert(tables.plan), [_values(plan, _PLAN_FIELDS) for plan in plans])
            # the log's indexes are made again once the rows are in (one sort each), not kept up
            # row by row: a quarter of the insert's time; the same definitions, as sqlite_master has them
            indexes = c.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'purchase' AND sql IS NOT NULL"
            ).all()
            for name, _ in indexes:
                c.exec_driver_sql(f'DROP INDEX "{name}"')
            count, batch = 0, []
            for purchase in purchases:
                if isinstance(purchase, PlainPurchases):  # checked in bulk by the JSON reader
                    count += self.add_purchases(batch, connection=c)
                    batch = []
                    _insert_rows(c, plain_purchase_rows(purchase))
                    count += len(purchase)
                    continue
                batch.append(purchase)
                if len(batch) == 5000:
                    count += self.add_purchases(batch, connection=c)
                    batch = []
            count += self.add_purchases(batch, connection=c)
            for _, sql in indexes:
                c.exec_driver_sql(sql)
            if filings:
                c.execute(insert(tables.filing_event), [_filing_values(e) for e in filings])
            if attachments is not None:
                _load_attachments(c, attachments, count)
            return count

    def integrity_ok(self) -> bool:
        with self.reader() as c:
            return c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def _load_attachments(c: Connection, attachments, purchase_count: int) -> None:
    """The links and contents of a loaded document (a ``jsonformat.AttachmentsIn``, which checks
    every content against its hash and that every content a link names came)."""
    for sha256, media_type, file_name, data in attachments.blobs():
        store_blob(c, data, media_type, file_name, sha256)
    links = attachments.purchase_links()
    if links:
        # a link names its purchase by its place in the document: the n-th inserted has the n-th id
        ids = list(c.scalars(select(tables.purchase.c.id).order_by(tables.purchase.c.id)))
        if len(ids) != purchase_count:  # pragma: no cover - the table was emptied above
            raise RuntimeError("purchase ids do not follow the document")
    for table, rows in ((tables.purchase_attachment, links), (tables.filing_attachment, attachments.filing_links)):
        values = []
        for a in rows:
            v = {"sha256": a.sha256, "file_name": a.file_name, "added_on": a.added_on, "kind": a.kind}
            v.update({"year": a.year} if a.on_filing else {"purchase_id": ids[a.purchase_id - 1]})
            values.append(v)
        if values:
            c.execute(insert(table), values)


def _values(obj, names: Sequence[str]) -> dict:
    return {name: getattr(obj, name) for name in names}


def _fields(row: Row, names: Sequence[str]) -> dict:
    mapping = row._mapping
    return {name: mapping[name] for name in names}


def _purchase_values(purchase: Purchase) -> dict:
    # every row names every column, ``id`` None included (SQLite then picks the next id): one
    # executemany takes rows only when they all name the same columns
    return {"year": purchase.date.year, **_values(purchase, _PURCHASE_FIELDS)}


def _purchase_year(purchase: Purchase) -> int:
    return purchase.date.year


def _insert_purchases(connection: Connection, purchases: list[Purchase]) -> None:
    """One ``executemany`` of plain tuples, each value passed through its column type's own bind
    processor: the same stored values as ``insert(tables.purchase)`` with a list of dicts, without
    SQLAlchemy building a parameter dict per row (three quarters of an import's insert time)."""
    _insert_rows(connection, purchase_rows(connection.dialect, purchases))


def purchase_rows(dialect, purchases: Iterable[Purchase]) -> list[tuple]:
    """The rows ``purchases`` are stored as, in the order of ``tables.purchase``'s columns: what
    each column type's bind processor makes of its value (:func:`bound_purchase_rows`; a test
    holds the two equal), written out for the purchase's known types, one tuple per purchase."""
    fen = to_fen
    rows = []
    for (id_, day, amount, order_no, supplier, description, purpose, channel, state, paid_on, evaluated, note,
         delivered_on, refunded, hand_edited, invoice_no, fee_source) in map(_ROW_FIELDS, purchases):
        rows.append((
            id_, day.year, day, None if amount is None else fen(amount), order_no, supplier, description,
            purpose.value if type(purpose) is Purpose else Purpose(purpose).value,
            channel.value if type(channel) is Channel else Channel(channel).value,
            state.value if type(state) is OrderState else OrderState(state).value,
            paid_on, None if evaluated is None else int(evaluated), note, delivered_on,
            None if refunded is None else fen(refunded), ",".join(sorted(hand_edited)) if hand_edited else "",
            invoice_no, fee_source.value if type(fee_source) is FeeSource else FeeSource(fee_source).value,
        ))
    return rows


_ROW_COLUMNS = ("id", "year", "date", "amount", "order_no", "supplier", "description", "purpose", "channel", "state",
                "paid_on", "evaluated", "note", "delivered_on", "refunded", "hand_edited", "invoice_no", "fee_source")
assert tuple(c.name for c in tables.purchase.columns) == _ROW_COLUMNS, "purchase_rows writes the columns in this order"
_ROW_FIELDS = operator.attrgetter(*(name for name in _ROW_COLUMNS if name != "year"))


def bound_purchase_rows(dialect, purchases: Iterable[Purchase]) -> list[tuple]:
    """The rows through each column type's own bind processor (what ``insert()`` stores)."""
    fields = []
    for column in tables.purchase.columns:  # an id of None lets SQLite pick the next one
        get = _purchase_year if column.name == "year" else operator.attrgetter(column.name)
        process = column.type.bind_processor(dialect)
        fields.append(get if process is None else (lambda p, get=get, process=process: process(get(p))))
    return [tuple(field(purchase) for field in fields) for purchase in purchases]


def plain_purchase_rows(plain: PlainPurchases) -> list[tuple]:
    """The rows :func:`purchase_rows` gives for ``plain.purchases()``, from the checked columns
    without building a ``Purchase`` (a test holds them stored alike): a date as its ISO text (what
    sqlite3 makes of a date), an amount as fen, a flag as 0 or 1, a choice by its text, the
    hand-edited field names sorted and comma-separated."""
    columns = {
        "id": itertools.repeat(None), "year": [int(day[:4]) for day in plain.date],
        **{name: getattr(plain, name) for name in _PURCHASE_FIELDS if name not in ("id", "evaluated", "hand_edited")},
        "evaluated": list(map(int, plain.evaluated)),
        "hand_edited": [",".join(sorted(names)) if names else "" for names in plain.hand_edited],
    }
    return list(zip(*(columns[c.name] for c in tables.purchase.columns)))


def _first_id_past_the_bin(connection: Connection) -> int | None:
    """The id a new purchase must take while the bin holds purchases, or None (SQLite picks).

    SQLite gives a new row the largest id in the table plus one; after a bulk delete moved the
    largest ids into the bin, that would hand a new purchase the id of a binned one, which would
    then show the binned purchase's attachments, lose its own links when the bin is emptied at the
    next opening, and collide with the undo that puts the binned one back."""
    binned = connection.exec_driver_sql("SELECT MAX(id) FROM purchase_bin").scalar()
    if binned is None:
        return None
    stored = connection.exec_driver_sql("SELECT MAX(id) FROM purchase").scalar() or 0
    return max(binned, stored) + 1


def _insert_rows(connection: Connection, rows: list[tuple]) -> None:
    if rows and any(row[0] is None for row in rows):
        first = _first_id_past_the_bin(connection)
        if first is not None:
            ids = itertools.count(first)
            rows = [row if row[0] is not None else (next(ids), *row[1:]) for row in rows]
    columns = list(tables.purchase.columns)
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    connection.exec_driver_sql(
        f"INSERT INTO purchase ({quoted}) VALUES ({', '.join('?' * len(columns))})", rows,
    )


def _filing_values(event: FilingEvent) -> dict:
    return {
        "year": event.year, "kind": event.kind, "event_date": event.on, "recorded_at": event.recorded_at,
        "fingerprint": event.fingerprint, "file_name": event.file_name,
        "snapshot": json.dumps(event.snapshot, ensure_ascii=False, sort_keys=True), "reason": event.reason,
    }


def _write(connection: Connection, table: Table, values: dict) -> None:
    """Insert or overwrite the whole row with ``values``' primary key (the tables have no
    foreign keys or triggers, so SQLite's replace is exactly an upsert of every column)."""
    connection.execute(insert(table).prefix_with("OR REPLACE"), values)
