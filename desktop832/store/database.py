"""The data file: open (create or migrate), read and write the unit's records.

Every write is its own transaction with ``synchronous=FULL`` under WAL, so what a call returned
from is on disk: a crash or power cut loses at most the edit being typed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from sqlalchemy import Table, create_engine, delete, event, func, insert, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import SQLAlchemyError

from ..domain.model import AnnualPlan, Purchase, UnitProfile
from . import schema, tables
from .errors import StoreError, translate

_PROFILE_FIELDS = [f.name for f in dataclasses.fields(UnitProfile)]
_PLAN_FIELDS = [f.name for f in dataclasses.fields(AnnualPlan)]
_PURCHASE_FIELDS = [f.name for f in dataclasses.fields(Purchase)]
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=3000")
    cursor.close()


def _make_engine(path: Path, readonly: bool = False) -> Engine:
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if readonly else f"sqlite:///{path}"
    engine = create_engine(url)
    event.listen(engine, "connect", _on_connect)
    return engine


def migrate(engine: Engine, path: Path) -> None:
    """Bring the file to the head revision with Alembic (imported only here)."""
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


def backup_copy(path: Path, destination: Path) -> Path:
    """A consistent copy of a live database file through SQLite's online backup API."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return destination


class Store:
    """The unit's data file. Methods take and return domain values, never database rows."""

    def __init__(self, path: Path, engine: Engine, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self._engine = engine

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, backup_dir: Path | None = None) -> Store:
        """Open ``path``, creating it when missing and migrating it (after a backup) when older."""
        path = Path(path).expanduser().absolute()
        state, version = schema.inspect(path)
        if readonly and state is not schema.FileState.CURRENT:
            raise StoreError(f"只读方式无法打开需要创建或升级的数据文件：{path}", "readonly")
        try:
            if state is not schema.FileState.CURRENT:
                path.parent.mkdir(parents=True, exist_ok=True)
                if state is schema.FileState.OLDER:
                    from . import backups  # same naming and folder as every other backup

                    backups.make_backup(path, backup_dir or path.parent, f"{backups.MIGRATION_PREFIX}-{version}")
                engine = _make_engine(path)
                migrate(engine, path)
            else:
                engine = _make_engine(path, readonly)
            store = cls(path, engine, readonly)
            if not readonly:
                store._ensure_profile()
            return store
        except (SQLAlchemyError, OSError) as exc:
            known = translate(exc, path)
            if known:
                raise known from None
            raise

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        if self.readonly:
            raise StoreError("数据文件以只读方式打开，不能修改。", "readonly")
        try:
            with self._engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            known = translate(exc, self.path)
            if known:
                if known.kind == "readonly":
                    # SQLite opened the file read-only and would stay so: once the clerk has made
                    # it writable again, the next save must open it afresh to succeed
                    self._engine.dispose()
                raise known from None
            raise

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

    def _ensure_profile(self) -> None:
        # read first: a file that is already set up is never written to (it may be read-only)
        with self.transaction() as c:
            if c.scalar(select(tables.profile.c.id).where(tables.profile.c.id == 1)) is None:
                c.execute(insert(tables.profile), {"id": 1, **_values(UnitProfile(), _PROFILE_FIELDS)})

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
            result = c.execute(insert(tables.purchase), _purchase_values(purchase))
            return dataclasses.replace(purchase, id=result.inserted_primary_key[0])

    def add_purchases(self, purchases: Iterable[Purchase], connection: Connection | None = None) -> int:
        """Insert many purchases in one transaction (all or none), or in ``connection``'s; returns how many."""
        rows = [_purchase_values(p) for p in purchases]
        if not rows:
            return 0
        if connection is not None:
            connection.execute(insert(tables.purchase), rows)
        else:
            with self.transaction() as c:
                c.execute(insert(tables.purchase), rows)
        return len(rows)

    def update_purchase(self, purchase: Purchase) -> None:
        if purchase.id is None:
            raise ValueError("update_purchase needs a stored purchase")
        with self.transaction() as c:
            _write(c, tables.purchase, _purchase_values(purchase))

    def delete_purchase(self, purchase_id: int) -> None:
        self.delete_purchases([purchase_id])

    def delete_purchases(self, purchase_ids: Iterable[int]) -> None:
        """Delete several purchases in one transaction (all or none)."""
        with self.transaction() as c:
            c.execute(delete(tables.purchase).where(tables.purchase.c.id.in_(list(purchase_ids))))

    def order_numbers(self) -> set[str]:
        order_no = tables.purchase.c.order_no
        with self.reader() as c:
            return set(c.scalars(select(order_no).where(order_no != "")))

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        with self.reader() as c:
            value = c.scalar(select(tables.setting.c.value).where(tables.setting.c.key == key))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as c:
            _write(c, tables.setting, {"key": key, "value": value})

    # --- whole-file operations ----------------------------------------------------------------

    def replace_all(self, profile: UnitProfile, plans: Sequence[AnnualPlan], purchases: Sequence[Purchase]) -> None:
        """Replace everything in one transaction (used by ``load``)."""
        with self.transaction() as c:
            c.execute(delete(tables.purchase))
            c.execute(delete(tables.plan))
            _write(c, tables.profile, {"id": 1, **_values(profile, _PROFILE_FIELDS)})
            if plans:
                c.execute(insert(tables.plan), [_values(plan, _PLAN_FIELDS) for plan in plans])
            self.add_purchases(purchases, connection=c)

    def integrity_ok(self) -> bool:
        with self.reader() as c:
            return c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def _values(obj, names: Sequence[str]) -> dict:
    return {name: getattr(obj, name) for name in names}


def _fields(row: Row, names: Sequence[str]) -> dict:
    mapping = row._mapping
    return {name: mapping[name] for name in names}


def _purchase_values(purchase: Purchase) -> dict:
    # every row names every column, ``id`` None included (SQLite then picks the next id): one
    # executemany takes rows only when they all name the same columns
    return {"year": purchase.date.year, **_values(purchase, _PURCHASE_FIELDS)}


def _write(connection: Connection, table: Table, values: dict) -> None:
    """Insert or overwrite the whole row with ``values``' primary key (the tables have no
    foreign keys or triggers, so SQLite's replace is exactly an upsert of every column)."""
    connection.execute(insert(table).prefix_with("OR REPLACE"), values)
