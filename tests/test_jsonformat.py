"""The JSON form of a data file: what ``load`` accepts and what it refuses, by JSON path."""

import json
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop832 import paths
from desktop832.domain.jsonformat import JsonFormatError, dump, load


def doc(**plan):
    return {"format": "desktop832", "version": 1, "plans": [{"year": 2024, **plan}]}


def test_demo_unit_loads_and_its_plans_are_consistent():
    profile, plans, purchases = load(json.loads(paths.demo_data().read_text("utf-8")))
    assert plans and purchases and profile.name
    assert all(plan == plan.rederived() for plan in plans)


def test_dump_of_a_plan_made_by_edits_loads_again(profile, plan):
    odd = plan.with_canteen_total(D("1000000.01")).with_reserve_ratio(D("15"))  # amount 150,000.01
    _, [loaded], _ = load(json.loads(json.dumps(dump(profile, [odd], []))))
    assert loaded == odd


@pytest.mark.parametrize(
    "fields",
    [
        # amount entered: the ratio is the amount's share rounded down to 0.01 point
        {"canteen_total": "1000000.00", "reserve_amount": "149999.99", "reserve_ratio": "14.99"},
        {"canteen_total": "3.00", "reserve_amount": "2.00", "reserve_ratio": "66.66", "reserve_basis": "amount"},
        # ratio entered: the amount is the ratio of the total rounded up to the fen
        {"canteen_total": "1000000.01", "reserve_amount": "150000.01", "reserve_ratio": "15.00", "reserve_basis": "ratio"},
        {"canteen_total": "0.00", "reserve_amount": "0.00", "reserve_ratio": "15.00", "reserve_basis": "ratio"},
        # nothing to compare
        {"canteen_total": "1000000.00", "reserve_amount": "1.00"},
        {"canteen_total": "1000000.00", "reserve_ratio": "15.00"},
        {"reserve_amount": "1.00", "reserve_ratio": "15.00"},
    ],
)
def test_consistent_ratio_and_amount_load(fields):
    _, [plan], _ = load(doc(**fields))
    assert plan.reserve_amount == (D(fields["reserve_amount"]) if "reserve_amount" in fields else None)


@pytest.mark.parametrize(
    "fields, path, expected",
    [
        # 1.00 of 1,000,000.00 is 0.0001%: the file's 15% contradicts it
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "1.00"},
         "$.plans[0].reserve_ratio", "应为 \"0.00\""),
        # rounding the share UP would give 15.00; the rule rounds down
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "149999.99"},
         "$.plans[0].reserve_ratio", "应为 \"14.99\""),
        ({"canteen_total": "3.00", "reserve_ratio": "66.67", "reserve_amount": "2.00", "reserve_basis": "amount"},
         "$.plans[0].reserve_ratio", "应为 \"66.66\""),
        # 15% of 1,000,000.00 is 150,000.00 exactly
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "1.00", "reserve_basis": "ratio"},
         "$.plans[0].reserve_amount", "应为 \"150000.00\""),
        # 15% of 1,000,000.01 is 150,000.0015: rounded up, not to the nearest 150,000.00
        ({"canteen_total": "1000000.01", "reserve_ratio": "15.00", "reserve_amount": "150000.00", "reserve_basis": "ratio"},
         "$.plans[0].reserve_amount", "应为 \"150000.01\""),
        # no ratio can be taken of a zero total
        ({"canteen_total": "0.00", "reserve_ratio": "15.00", "reserve_amount": "1.00"},
         "$.plans[0].reserve_ratio", "应为 null"),
    ],
)
def test_ratio_and_amount_that_disagree_are_refused_by_path(fields, path, expected):
    with pytest.raises(JsonFormatError) as caught:
        load(doc(**fields))
    assert caught.value.path == path
    assert expected in caught.value.problem and "不一致" in caught.value.problem


def test_the_refusal_names_the_plan_it_is_in():
    bad = doc(canteen_total="1000000.00", reserve_ratio="15.00", reserve_amount="1.00")
    bad["plans"].insert(0, {"year": 2023})
    bad["plans"][1]["year"] = 2024
    with pytest.raises(JsonFormatError) as caught:
        load(bad)
    assert str(caught.value).startswith("$.plans[1].reserve_ratio：预留比例 15% 与预留金额 1.00 元不一致")


def _purchases(n):
    import datetime as dt

    from desktop832.domain.model import OrderState, Purchase, Purpose

    odd = ['引号"与\\反斜杠', "换行\n与\t制表", "emoji 🍚", "</script>", ""]
    return [
        Purchase(date=dt.date(2024, 1 + i % 12, 1 + i % 28), amount=D(i) + D("0.01"), order_no=f"832-{i}",
                 supplier=odd[i % len(odd)], note=odd[(i + 1) % len(odd)], purpose=list(Purpose)[i % len(Purpose)],
                 state=list(OrderState)[i % len(OrderState)], paid_on=None if i % 2 else dt.date(2024, 12, 31),
                 hand_edited=frozenset({"amount", "state"}) if i % 3 == 0 else frozenset(), id=i + 1)
        for i in range(n)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, 7])
def test_the_streamed_dump_is_byte_for_byte_the_whole_dump(profile, plan, count):
    from desktop832.domain.jsonformat import dump_chunks

    purchases = _purchases(count)
    whole = json.dumps(dump(profile, [plan, plan.with_(year=2025)], purchases), ensure_ascii=False, indent=2) + "\n"
    streamed = "".join(dump_chunks(profile, [plan, plan.with_(year=2025)], iter(purchases)))
    assert streamed == whole


def test_dump_streams_from_the_store_and_loads_back(tmp_path, profile, plan):
    # the command reads the log in batches; a batch boundary inside the log changes nothing
    from desktop832.cli import main
    from desktop832.store.database import Store

    purchases = _purchases(4500)
    with Store.open(tmp_path / "unit.sqlite") as store:
        store.save_profile(profile)
        store.save_plan(plan)
        store.add_purchases(purchases)
        assert [p.order_no for p in store.iter_purchases(batch=1000)] == [p.order_no for p in store.purchases()]
        expected = json.dumps(dump(profile, store.plans(), store.purchases()), ensure_ascii=False, indent=2) + "\n"
    assert main(["--db", str(tmp_path / "unit.sqlite"), "dump", "-o", str(tmp_path / "out.json")]) == 0
    assert (tmp_path / "out.json").read_text("utf-8") == expected
    _, _, loaded = load(json.loads(expected))
    assert len(loaded) == 4500


# --- load read piece by piece ------------------------------------------------------------------


def _pieces(text, size):
    return (text[i:i + size] for i in range(0, len(text), size))


def _streamed(text, size):
    from desktop832.domain.jsonformat import stream_load

    profile, plans, purchases, filings = stream_load(_pieces(text, size))
    return profile, plans, list(purchases), filings


def _whole(text):
    from desktop832.domain.jsonformat import parse_text

    from desktop832.domain.jsonformat import load_filings

    doc = parse_text(text)
    return (*load(doc), load_filings(doc))


@pytest.mark.parametrize("size", [1, 2, 7, 64, 1 << 20])
@pytest.mark.parametrize("count", [0, 1, 5])
def test_a_dump_read_piece_by_piece_is_what_reading_it_whole_gives(profile, plan, size, count):
    from desktop832.domain.jsonformat import dump_chunks

    text = "".join(dump_chunks(profile, [plan, plan.with_(year=2025)], _purchases(count)))
    assert _streamed(text, size) == _whole(text)


@pytest.mark.parametrize("text", [
    '{"format": "desktop832", "version": 1, "purchases": [], "plans": []}',  # purchases not last
    '{"format": "desktop832", "version": 1, "purchases": [],}',  # a comma too many
    '{"format": "desktop832", "version": 1,}',
    '{"format": "desktop832", "version": 1, "purchases": [{"date": "2024-01-02", "amount": "1.00"},]}',
    '{"format": "desktop832", "version": 1, "purchases": []} x',  # text after the end
    '{"format": "desktop832", "version": 1, "format": "desktop832", "purchases": []}',  # a key twice
    '{"format": "desktop832", "version": 1, "purchases": [{"date": "2024-01-02", "amount": "1.00", "amount": "2.00"}]}',
    '{"format": "desktop832", "version": 1, "purchases": [{"date": "2024-01-02", "amount": "abc"}]}',
    '{"format": "other", "version": 1, "purchases": []}',
    '{"format": "desktop832", "version": 1, "purchases": [{"date": "2024-01-02", "amount": "1.00", "note": "\\ud800"}]}',
    '{"format": "desktop832", "version": 1, "purchases": [NaN]}',
    '[1, 2]',
])
def test_what_is_not_laid_out_as_dump_writes_it_is_left_to_the_whole_reading(text):
    from desktop832.domain.jsonformat import NotStreamable

    with pytest.raises(NotStreamable):
        _streamed(text, 5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_dump_is_never_read_differently_piece_by_piece(profile, plan, data):
    # whatever the damage, the streamed reading either gives exactly what the whole reading gives
    # or hands the file over to it: it never accepts what the whole reading refuses
    from desktop832.domain.jsonformat import NotStreamable, dump_chunks

    text = "".join(dump_chunks(profile, [plan], _purchases(3)))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        insert = data.draw(st.sampled_from(["", ",", "]", "}", '"', "1", " ", "\\", "{", "[", "x", "\ud800", ":"]))
        text = text[:at] + insert + text[at + cut:]
    try:
        whole = _whole(text)
    except JsonFormatError:
        whole = None
    try:
        streamed = _streamed(text, data.draw(st.sampled_from([1, 3, 50, 1 << 20])))
    except NotStreamable:
        return
    assert whole is not None and streamed == whole


def test_load_of_a_big_dump_streams_and_a_damaged_one_says_what_the_whole_reading_says(tmp_path, profile, plan, capsys):
    from desktop832.cli import main
    from desktop832.domain.jsonformat import dump_chunks

    good = tmp_path / "good.json"
    good.write_text("".join(dump_chunks(profile, [plan], _purchases(12000))), "utf-8")
    assert main(["load", str(good), "--db", str(tmp_path / "a.sqlite")]) == 0
    assert "1 个年度，12000 笔采购" in capsys.readouterr().out
    # damaged far into the file, after thousands of purchases were already taken: nothing is
    # left behind, and the message is the one the whole reading gives
    text = good.read_text("utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(text.replace('"order_no": "832-11000"', '"order_no": 832', 1), "utf-8")
    assert main(["load", str(bad), "--db", str(tmp_path / "b.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "$.purchases[11000].order_no" in err and "未写入任何数据" in err
    assert not (tmp_path / "b.sqlite").exists() or (tmp_path / "b.sqlite").stat().st_size == 0
    assert not [p.name for p in tmp_path.iterdir() if ".loading" in p.name]


# --- purchases read a batch at a time, column by column ----------------------------------------


def _stored(rows):
    """What SQLite keeps of ``rows`` (values and their storage classes), inserted into a table
    made as the data file's is."""
    import sqlite3

    from sqlalchemy.schema import CreateTable
    from sqlalchemy.dialects import sqlite

    from desktop832.store import tables

    db = sqlite3.connect(":memory:")
    db.execute(str(CreateTable(tables.purchase).compile(dialect=sqlite.dialect())))
    db.executemany(f"INSERT INTO purchase VALUES ({', '.join('?' * len(tables.purchase.columns))})", rows)
    names = [c.name for c in tables.purchase.columns]
    return db.execute(f"SELECT {', '.join(names + [f'typeof({n})' for n in names])} FROM purchase ORDER BY id").fetchall()


def _rows_read_in_batches(text, size):
    """The purchase rows ``load`` stores when it streams ``text``, and how many came in batches."""
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    from desktop832.domain.jsonformat import PlainPurchases, stream_load
    from desktop832.store.database import plain_purchase_rows, purchase_rows

    _, _, items, _ = stream_load(_pieces(text, size), plain=True)
    rows, batched = [], 0
    for item in items:
        if isinstance(item, PlainPurchases):
            rows += plain_purchase_rows(item)
            batched += len(item)
        else:
            rows += purchase_rows(SQLiteDialect_pysqlite(), [item])
    return _stored(rows), batched


def _rows_read_whole(text):
    from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

    from desktop832.store.database import purchase_rows

    return _stored(purchase_rows(SQLiteDialect_pysqlite(), _whole(text)[2]))


def test_a_dump_is_stored_from_batches_as_from_purchases_read_one_at_a_time(profile, plan):
    from desktop832.domain.jsonformat import dump_chunks

    text = "".join(dump_chunks(profile, [plan], _purchases(3000)))
    stored, batched = _rows_read_in_batches(text, 1 << 20)
    assert batched == 3000  # a dump comes in batches: no purchase built one at a time
    assert stored == _rows_read_whole(text)
    assert len(stored) == 3000


# values the batches either read exactly as the one-at-a-time reading or leave to it
_ODD_VALUES = {
    "date": ["2024-02-29", "2023-02-29", "2024/3/1", " 2024-03-01", "1999-12-31", "2100-12-31", "2101-01-01", "20240301",
             "2024-3-01", "２０２４-03-01", None, 20240301, "", "2024-13-01"],
    "amount": ["0.00", "12.5", "0012.30", "1,234.00", "999999999999.99", "9999999999999.00", "-1.00", " 1.00", "1e3",
               "１.00", None, 12, 1.5, "", "1.005", "元"],
    "order_no": ["  padded  ", "\u3000全角空格\u3000", "x" * 100, "x" * 101, "tab\tin", "cr\rin", "nul\x00in", "\x0b",
                 "", 832, None, ["a"], "\u2028"],
    "purpose": ["食堂食材", "工会福利", "食堂", "", None, 1],
    "paid_on": [None, "2024-01-05", "2024-1-5", "", "2024-02-30", True],
    "evaluated": [True, False, 0, 1, None, "true"],
    "refunded": ["0.00", "3.10", None, "0", "-0.00"],
    "hand_edited": [[], ["amount"], ["state", "amount"], ["amount", "amount"], ["nope"], [1], "amount", None, [["amount"]], {}],
    "note": ["", "多行\n备注", "   ", "x" * 2000, "x" * 2001, "\x7f", "\ud800"],
}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_odd_values_are_stored_from_batches_as_the_one_at_a_time_reading_stores_them(profile, plan, data):
    # every value either passes the column checks and is stored as the one-at-a-time reading
    # stores it, or sends its batch to that reading: never accepted where it refuses
    from desktop832.domain.jsonformat import NotStreamable, dump_chunks

    doc = json.loads("".join(dump_chunks(profile, [plan], _purchases(40))))
    for _ in range(data.draw(st.integers(1, 4))):
        purchase = doc["purchases"][data.draw(st.integers(0, 39))]
        key = data.draw(st.sampled_from(sorted(_ODD_VALUES)))
        purchase[key] = data.draw(st.sampled_from(_ODD_VALUES[key]))
    if data.draw(st.booleans()):  # keys in another order, or one left out: read one at a time
        purchase = doc["purchases"][data.draw(st.integers(0, 39))]
        key = data.draw(st.sampled_from(sorted(purchase)))
        value = purchase.pop(key)
        if key in ("date", "amount") or data.draw(st.booleans()):
            purchase[key] = value
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"  # laid out as dump writes it
    try:
        whole = _rows_read_whole(text)
    except JsonFormatError:
        whole = None
    try:
        streamed, _ = _rows_read_in_batches(text, data.draw(st.sampled_from([1000, 1 << 20])))
    except NotStreamable:
        return
    assert whole is not None and streamed == whole


def test_a_dump_loaded_from_batches_dumps_again_byte_for_byte(tmp_path, profile, plan):
    from desktop832.cli import main
    from desktop832.domain.jsonformat import dump_chunks

    first = tmp_path / "first.json"  # in the order dump reads a log: by date, then as stored
    purchases = sorted(_purchases(6000), key=lambda p: p.date)
    first.write_text("".join(dump_chunks(profile, [plan], purchases)), "utf-8")
    assert main(["load", str(first), "--db", str(tmp_path / "unit.sqlite")]) == 0
    assert main(["--db", str(tmp_path / "unit.sqlite"), "dump", "-o", str(tmp_path / "again.json")]) == 0
    assert (tmp_path / "again.json").read_bytes() == first.read_bytes()


@pytest.mark.parametrize("date", ["", "   "])
def test_a_purchase_with_an_empty_date_is_refused_by_path(date):
    with pytest.raises(JsonFormatError) as caught:
        load({"format": "desktop832", "version": 1, "purchases": [{"date": date, "amount": "1.00"}]})
    assert str(caught.value) == "$.purchases[0].date：日期不能为空"


def test_a_loaded_file_has_the_schema_of_a_new_one(tmp_path, profile, plan):
    # load builds the log's indexes after the rows: the same indexes, defined alike, as a new file's
    import sqlite3

    from desktop832.cli import main
    from desktop832.domain.jsonformat import dump_chunks
    from desktop832.store.database import Store

    source = tmp_path / "unit.json"
    source.write_text("".join(dump_chunks(profile, [plan], _purchases(50))), "utf-8")
    assert main(["load", str(source), "--db", str(tmp_path / "loaded.sqlite")]) == 0
    Store.open(tmp_path / "new.sqlite").close()
    schemas = []
    for name in ("loaded.sqlite", "new.sqlite"):
        db = sqlite3.connect(tmp_path / name)
        schemas.append(sorted(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()))
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
    assert schemas[0] == schemas[1]
    assert {"ix_purchase_order_no", "ix_purchase_year_date"} <= {
        n for t, n, _, _ in schemas[0] if t == "index" and n.startswith("ix_purchase")}
