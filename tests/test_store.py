import datetime as dt
import sqlite3
from decimal import Decimal as D

import pytest

from desktop832.domain.model import AnnualPlan, CanteenMode, FilingStatus, OrderState, Purchase, Purpose, UnitProfile
from desktop832.store import schema
from desktop832.store.database import MIGRATIONS_DIR, Store
from desktop832.store.errors import StoreError


@pytest.fixture
def db(tmp_path):
    return tmp_path / "unit.sqlite"


def test_round_trip(db, profile, plan):
    full_plan = plan.with_(
        last_year_amount=D("120000.50"), last_year_ratio=D("12.5"), drop_explanation="说明",
        welfare_total=D("99999.99"), filing_status=FilingStatus.EXPORTED, filed_on=dt.date(2024, 2, 3), letter_sent=True,
    )
    purchase = Purchase(
        date=dt.date(2024, 3, 1), amount=D("1234.56"), order_no="832001", supplier="供应商<&>", description="小米",
        purpose=Purpose.UNION, state=OrderState.OPEN, paid_on=dt.date(2024, 3, 9), evaluated=True, note="备注",
    )
    with Store.open(db) as store:
        store.save_profile(profile)
        store.save_plan(full_plan)
        saved = store.add_purchase(purchase)
    with Store.open(db) as store:
        assert store.profile() == profile
        assert store.plan(2024) == full_plan
        assert store.purchases(2024) == [saved]
        assert saved.id is not None
        assert store.years() == [2024]


def test_money_is_stored_as_integer_fen(db, plan):
    with Store.open(db) as store:
        store.save_plan(plan.with_reserve_amount(D("0.10")))
    con = sqlite3.connect(db)
    assert con.execute("SELECT reserve_amount, typeof(reserve_amount) FROM annual_plan").fetchone() == (10, "integer")


def test_update_and_delete_purchase(db):
    with Store.open(db) as store:
        p = store.add_purchase(Purchase(date=dt.date(2024, 1, 2), amount=D("1")))
        store.update_purchase(_with_amount(p, "2"))
        assert store.purchase(p.id).amount == D("2.00")
        store.delete_purchase(p.id)
        assert store.purchases() == []
        restored = store.add_purchase(p)  # undo of a delete keeps the id
        assert restored.id == p.id


def _with_amount(p, amount):
    import dataclasses

    return dataclasses.replace(p, amount=D(amount))


def test_bulk_insert_is_all_or_nothing(db):
    with Store.open(db) as store:
        good = Purchase(date=dt.date(2024, 1, 2), amount=D("1"))
        with pytest.raises(RuntimeError, match="cancelled"):
            with store.transaction() as connection:
                store.add_purchases([good, good], connection=connection)
                raise RuntimeError("cancelled halfway")
        assert store.purchase_count() == 0


def test_pragmas(db):
    with Store.open(db) as store:
        con = store._engine.raw_connection()
        try:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert con.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        finally:
            con.close()


def test_new_file_is_marked_and_at_head(db):
    Store.open(db).close()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema.HEAD_REVISION


def test_empty_file_is_migrated(db):
    db.write_bytes(b"")
    with Store.open(db) as store:
        assert store.profile() == UnitProfile()
    sqlite3.connect(db).close()
    assert schema.inspect(db)[0] is schema.FileState.CURRENT


def test_head_revision_matches_alembic():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    assert script.get_current_head() == schema.HEAD_REVISION
    assert [r.revision for r in reversed(list(script.walk_revisions()))] == list(schema.KNOWN_REVISIONS)


def test_migrated_schema_matches_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from desktop832.store.tables import metadata

    Store.open(db).close()
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diff == []


def _file_at_revision(db, revision: str) -> None:
    """A data file as an older desktop832 wrote it: the schema stopped at ``revision``."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from desktop832.store.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.exec_driver_sql(f"PRAGMA application_id={schema.APPLICATION_ID}")
    engine.dispose()


def test_older_file_is_backed_up_then_migrated(db, tmp_path):
    _file_at_revision(db, "0001")
    con = sqlite3.connect(db)
    con.execute(
        "INSERT INTO purchase (year, date, amount, order_no, supplier, description, purpose, channel, state,"
        " paid_on, evaluated, note) VALUES (2024, '2024-03-01', 100000, 'P1', '', '', '食堂食材', '832平台',"
        " '已完结', NULL, 0, '')"
    )
    con.commit()
    con.close()
    assert schema.inspect(db) == (schema.FileState.OLDER, "0001")
    backups = tmp_path / "backups"
    with Store.open(db, backup_dir=backups) as store:
        [p] = store.purchases()
    # the purchase survives the migration; the new fields start empty
    assert (p.order_no, p.amount, p.delivered_on, p.refunded, p.hand_edited) == ("P1", D("1000.00"), None, D("0"), frozenset())
    [copy] = backups.glob("*.before-migration-0001.sqlite")
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert schema.inspect(db) == (schema.FileState.CURRENT, schema.HEAD_REVISION)


def test_new_purchase_fields_round_trip(db):
    with Store.open(db) as store:
        stored = store.add_purchase(Purchase(
            date=dt.date(2024, 3, 1), amount=D("900.00"), order_no="R1", delivered_on=dt.date(2024, 3, 5),
            refunded=D("100.00"), hand_edited=frozenset({"amount", "paid_on"}),
        ))
        assert store.purchase(stored.id) == stored


def test_foreign_sqlite_file_is_refused_untouched(db):
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert info.value.kind == "foreign" and "其他程序" in info.value.message
    assert db.read_bytes() == before


def test_not_sqlite_is_refused_untouched(db):
    db.write_text("采购台账,金额\n", "utf-8")
    with pytest.raises(StoreError, match="不是 desktop832 数据文件"):
        Store.open(db)
    assert db.read_text("utf-8") == "采购台账,金额\n"


def test_newer_version_is_refused_untouched(db):
    Store.open(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert info.value.kind == "newer" and "更新版本" in info.value.message
    assert db.read_bytes() == before


def test_corrupt_file(db):
    Store.open(db).close()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store.open(db)
    assert info.value.kind == "corrupt" and "备份" in info.value.message


def test_readonly_open_refuses_writes(db, profile):
    Store.open(db).close()
    with Store.open(db, readonly=True) as store:
        assert store.profile() == UnitProfile()
        with pytest.raises(StoreError, match="只读"):
            store.save_profile(profile)


def test_plans_for_several_years(db):
    with Store.open(db) as store:
        for year in (2023, 2024):
            store.save_plan(AnnualPlan(year))
        assert store.years() == [2023, 2024]
        store.delete_plan(2023)
        assert store.years() == [2024]


def test_settings(db):
    with Store.open(db) as store:
        assert store.setting("k", "d") == "d"
        store.set_setting("k", "值")
        assert store.setting("k") == "值"


def test_profile_default_mode_round_trip(db):
    with Store.open(db) as store:
        store.save_profile(UnitProfile(canteen_mode=CanteenMode.NONE))
        assert store.profile().canteen_mode is CanteenMode.NONE


def test_hand_edits_are_marked_only_for_reconciled_fields():
    import dataclasses

    from desktop832.domain.model import mark_hand_edits

    before = Purchase(date=dt.date(2024, 3, 1), amount=D("1000.00"), order_no="P1")
    after = mark_hand_edits(before, dataclasses.replace(before, amount=D("900.00"), supplier="改名"))
    assert after.hand_edited == {"amount"}  # the supplier is not something a re-import brings
    again = mark_hand_edits(after, dataclasses.replace(after, paid_on=dt.date(2024, 3, 9)))
    assert again.hand_edited == {"amount", "paid_on"}


def _stored_rows(path):
    connection = sqlite3.connect(path)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(purchase)")]
        typed = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
        return connection.execute(f"SELECT {typed} FROM purchase ORDER BY id").fetchall()
    finally:
        connection.close()


def test_many_purchases_are_stored_exactly_as_sqlalchemys_insert_stores_them(tmp_path):
    # add_purchases hands plain tuples to SQLite (the fast path an import takes); every value and
    # its SQLite type must be what the table's own insert writes for the same purchases
    from sqlalchemy import insert

    from desktop832.store import tables
    from desktop832.store.database import _purchase_values

    many = [
        Purchase(date=dt.date(2024, 1, 2), amount=D("0.01")),
        Purchase(date=dt.date(2024, 12, 31), amount=D("99999999.99"), order_no="832-1", supplier="合作社'\"",
                 description="大米;DROP", purpose=Purpose.UNION, state=OrderState.OPEN, paid_on=dt.date(2025, 1, 3),
                 evaluated=True, note="多行\n备注", delivered_on=dt.date(2024, 12, 31), refunded=D("10.50"),
                 hand_edited=frozenset({"amount", "state"})),
        Purchase(date=dt.date(2023, 6, 1), amount=D("-5.00"), state=OrderState.REFUNDED, id=77),
        Purchase(date=dt.date(2024, 2, 29), amount=D("1234.5"), hand_edited=frozenset({"paid_on"})),
    ]
    with Store.open(tmp_path / "fast.sqlite") as fast:
        assert fast.add_purchases(many) == len(many)
    with Store.open(tmp_path / "reference.sqlite") as reference:
        with reference.transaction() as connection:
            connection.execute(insert(tables.purchase), [_purchase_values(p) for p in many])
    assert _stored_rows(tmp_path / "fast.sqlite") == _stored_rows(tmp_path / "reference.sqlite")
    with Store.open(tmp_path / "fast.sqlite") as fast:
        assert [p.id for p in fast.purchases(2023)] == [77]
        assert [p.hand_edited for p in fast.purchases(2024)] == [frozenset(), frozenset({"paid_on"}), frozenset({"amount", "state"})]


def test_many_purchases_are_all_or_nothing(tmp_path):
    from sqlalchemy.exc import IntegrityError

    with Store.open(tmp_path / "unit.sqlite") as store:
        store.add_purchases([Purchase(date=dt.date(2024, 1, 2), amount=D("1.00"), id=5)])
        with pytest.raises(IntegrityError):  # a program error (an id taken twice), not the clerk's
            store.add_purchases([Purchase(date=dt.date(2024, 1, 3), amount=D("2.00")),
                                 Purchase(date=dt.date(2024, 1, 4), amount=D("3.00"), id=5)])
        assert [p.amount for p in store.purchases(2024)] == [D("1.00")]


def test_a_new_file_is_made_from_the_head_schema_exactly_as_the_migrations_make_it(tmp_path):
    # a new file is made from store/head_schema.py without Alembic; after a new migration, write
    # that module again: python -m desktop832.store.make_head_schema
    from desktop832.store import head_schema
    from desktop832.store.database import _make_engine, migrate

    assert head_schema.REVISION == schema.HEAD_REVISION, "python -m desktop832.store.make_head_schema"
    made = {}
    for way, snapshot in (("snapshot", True), ("alembic", False)):
        path = tmp_path / f"{way}.sqlite"
        engine = _make_engine(path)
        migrate(engine, path, new=True, snapshot=snapshot)
        engine.dispose()
        con = sqlite3.connect(path)
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        made[way] = (
            con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall(),
            {t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables},
            [con.execute(f"PRAGMA {p}").fetchone() for p in ("application_id", "user_version", "journal_mode", "auto_vacuum")],
        )
        con.close()
    assert made["snapshot"] == made["alembic"]
    assert made["snapshot"][1]["alembic_version"] == [(schema.HEAD_REVISION,)]


def test_a_new_file_is_made_without_importing_alembic(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from desktop832.store.database import Store; Store.open(sys.argv[1]).close(); "
            "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new.sqlite")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_purchase_rows_are_what_the_column_types_bind():
    import datetime as dt
    from decimal import Decimal

    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    from desktop832.domain.model import Channel, FeeSource, OrderState, Purchase, Purpose
    from desktop832.store.database import bound_purchase_rows, purchase_rows

    purchases = [
        Purchase(date=dt.date(2024, 3, 1), amount=Decimal("12.30"), id=5),
        Purchase(date=dt.date(2025, 12, 31), amount=Decimal("0.00"), order_no="832X", supplier="店", description="米",
                 purpose=Purpose.UNION, channel=Channel.OTHER, state=OrderState.REFUNDED, paid_on=dt.date(2025, 1, 2),
                 evaluated=True, note="备注\n二行", delivered_on=dt.date(2025, 1, 3), refunded=Decimal("999999999999.99"),
                 hand_edited=frozenset({"state", "amount"}), invoice_no="No.123", fee_source=FeeSource.UNION),
    ]
    dialect = SQLiteDialect_pysqlite()
    fast, bound = purchase_rows(dialect, purchases), bound_purchase_rows(dialect, purchases)
    assert fast == bound
    assert [[type(v) for v in row] for row in fast] == [[type(v) for v in row] for row in bound]
