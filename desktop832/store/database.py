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

from sqlalchemy import create_engine, delete, event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..domain.model import AnnualPlan, Purchase, UnitProfile
from . import schema
from .errors import StoreError, translate
from .models import PlanRow, ProfileRow, PurchaseRow, SettingRow

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
    """The unit's data file. Methods take and return domain values, never ORM rows."""

    def __init__(self, path: Path, engine: Engine, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

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
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        if self.readonly:
            raise StoreError("数据文件以只读方式打开，不能修改。", "readonly")
        try:
            with self._sessions.begin() as session:
                yield session
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
    def _reader(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except SQLAlchemyError as exc:
            known = translate(exc, self.path)
            if known:
                raise known from None
            raise

    def _ensure_profile(self) -> None:
        with self.session() as s:
            if s.get(ProfileRow, 1) is None:
                s.add(ProfileRow(id=1, **_values(UnitProfile(), _PROFILE_FIELDS)))

    # --- profile ------------------------------------------------------------------------------

    def profile(self) -> UnitProfile:
        with self._reader() as s:
            row = s.get(ProfileRow, 1)
            return UnitProfile() if row is None else UnitProfile(**_values(row, _PROFILE_FIELDS))

    def save_profile(self, profile: UnitProfile) -> None:
        with self.session() as s:
            s.merge(ProfileRow(id=1, **_values(profile, _PROFILE_FIELDS)))

    # --- plans --------------------------------------------------------------------------------

    def years(self) -> list[int]:
        with self._reader() as s:
            return list(s.scalars(select(PlanRow.year).order_by(PlanRow.year)))

    def plan(self, year: int) -> AnnualPlan | None:
        with self._reader() as s:
            row = s.get(PlanRow, year)
            return None if row is None else AnnualPlan(**_values(row, _PLAN_FIELDS))

    def plans(self) -> list[AnnualPlan]:
        with self._reader() as s:
            return [AnnualPlan(**_values(r, _PLAN_FIELDS)) for r in s.scalars(select(PlanRow).order_by(PlanRow.year))]

    def save_plan(self, plan: AnnualPlan) -> None:
        with self.session() as s:
            s.merge(PlanRow(**_values(plan, _PLAN_FIELDS)))

    def delete_plan(self, year: int) -> None:
        with self.session() as s:
            s.execute(delete(PlanRow).where(PlanRow.year == year))

    # --- purchases ----------------------------------------------------------------------------

    def purchases(self, year: int | None = None) -> list[Purchase]:
        """Purchases as domain values, fetched as plain rows (ORM objects are 5× slower to load)."""
        columns = [getattr(PurchaseRow, name) for name in _PURCHASE_FIELDS]
        query = select(*columns).order_by(PurchaseRow.date, PurchaseRow.id)
        if year is not None:
            query = query.where(PurchaseRow.year == year)
        with self._reader() as s:
            return [Purchase(*row) for row in s.execute(query)]

    def purchase(self, purchase_id: int) -> Purchase | None:
        with self._reader() as s:
            row = s.get(PurchaseRow, purchase_id)
            return None if row is None else Purchase(**_values(row, _PURCHASE_FIELDS))

    def purchase_count(self, year: int | None = None) -> int:
        query = select(func.count()).select_from(PurchaseRow)
        if year is not None:
            query = query.where(PurchaseRow.year == year)
        with self._reader() as s:
            return s.scalar(query)

    def add_purchase(self, purchase: Purchase) -> Purchase:
        with self.session() as s:
            row = PurchaseRow(year=purchase.date.year, **_values(purchase, _PURCHASE_FIELDS, skip=("id",)))
            if purchase.id is not None:
                row.id = purchase.id  # undo of a delete restores the same id
            s.add(row)
            s.flush()
            return dataclasses.replace(purchase, id=row.id)

    def add_purchases(self, purchases: Iterable[Purchase], session: Session | None = None) -> int:
        """Insert many purchases in one transaction (all or none); returns how many."""
        rows = [
            {"year": p.date.year, **_values(p, _PURCHASE_FIELDS, skip=() if p.id is not None else ("id",))}
            for p in purchases
        ]
        if not rows:
            return 0
        if session is not None:
            session.execute(insert(PurchaseRow), rows)
        else:
            with self.session() as s:
                s.execute(insert(PurchaseRow), rows)
        return len(rows)

    def update_purchase(self, purchase: Purchase) -> None:
        if purchase.id is None:
            raise ValueError("update_purchase needs a stored purchase")
        with self.session() as s:
            s.merge(PurchaseRow(year=purchase.date.year, **_values(purchase, _PURCHASE_FIELDS)))

    def delete_purchase(self, purchase_id: int) -> None:
        with self.session() as s:
            s.execute(delete(PurchaseRow).where(PurchaseRow.id == purchase_id))

    def order_numbers(self) -> set[str]:
        with self._reader() as s:
            return {n for n in s.scalars(select(PurchaseRow.order_no).where(PurchaseRow.order_no != ""))}

    # --- settings -----------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        with self._reader() as s:
            row = s.get(SettingRow, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as s:
            s.merge(SettingRow(key=key, value=value))

    # --- whole-file operations ----------------------------------------------------------------

    def replace_all(self, profile: UnitProfile, plans: Sequence[AnnualPlan], purchases: Sequence[Purchase]) -> None:
        """Replace everything in one transaction (used by ``load``)."""
        with self.session() as s:
            s.execute(delete(PurchaseRow))
            s.execute(delete(PlanRow))
            s.merge(ProfileRow(id=1, **_values(profile, _PROFILE_FIELDS)))
            for plan in plans:
                s.add(PlanRow(**_values(plan, _PLAN_FIELDS)))
            s.flush()
            self.add_purchases(purchases, session=s)

    def integrity_ok(self) -> bool:
        with self._reader() as s:
            return s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def _values(obj, names: Sequence[str], skip: Sequence[str] = ()) -> dict:
    return {name: getattr(obj, name) for name in names if name not in skip}
