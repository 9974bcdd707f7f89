"""Fast reads for the purchase log: ids in display order, rows as tuples, the year's tally.

A year may hold 100,000 purchases. Building that many domain objects takes seconds, so the log
asks SQL for the ids in the order and under the filter the clerk chose, and fetches the rows it
paints as plain tuples (money as integer fen, dates as ISO text, enums as their text).

What counts is still decided in one place, :func:`~desktop832.domain.counting.why_not_counted`:
it is evaluated once for every (channel, state, purpose) combination and the answers are written
into a ``CASE`` expression, so SQL filters and sums by the domain's decision without restating it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from array import array
import datetime as dt
import itertools
import sqlite3
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Sequence

from ..domain.counting import (
    COUNT_COMPLETED,
    Group, OverduePayment, RunningTally, Tally, count_when, counted_purposes, excluded_purposes, max_unpaid_days, overdue_days, payment_due, tally_groups,
    why_not_counted,
)
from ..domain.model import Channel, FeeSource, OrderState, Purchase, Purpose
from ..domain.money import from_fen
from ..domain.policy import Policy
from ..domain.text import normalise
from .database import Store
from .errors import translate
from .tables import BIN_COLUMNS

# The raw row: what ``purchase_rows`` returns for each id, in this order.
ROW_COLUMNS = (
    "id", "date", "order_no", "supplier", "description", "purpose", "channel", "state", "amount", "paid_on",
    "evaluated", "note", "delivered_on", "refunded", "hand_edited", "invoice_no", "fee_source",
)
(ID, DATE, ORDER_NO, SUPPLIER, DESCRIPTION, PURPOSE, CHANNEL, STATE, AMOUNT, PAID_ON, EVALUATED, NOTE, DELIVERED_ON,
 REFUNDED, HAND_EDITED, INVOICE_NO, FEE_SOURCE) = range(len(ROW_COLUMNS))

COUNTED = "counted"  # the sort key of the "why not counted" column
SORT_KEYS = frozenset(ROW_COLUMNS[1:]) | {COUNTED}
_NULLABLE = frozenset({"paid_on", "delivered_on"})  # sorted as '' (first, as SQLite sorts NULL): row values compare
# columns whose cell shows the stored text: typing its start in the table finds a row by SQL
TYPE_TO_FIND = frozenset({"date", "order_no", "supplier", "description", "purpose", "channel", "state", "paid_on",
                          "delivered_on", "note"})
_COMBOS = tuple(itertools.product(Channel, OrderState, Purpose))
# (paid, accepted) as one integer 0..3: whether a payment date and a delivery date are set
_FLAGS = ((False, False), (False, True), (True, False), (True, True))
_FLAGS_SQL = "((paid_on IS NOT NULL) * 2 + (delivered_on IS NOT NULL AND delivered_on <> ''))"
_ROW_SQL = "SELECT " + ", ".join(ROW_COLUMNS) + " FROM purchase WHERE id IN ({})"
_CHUNK = 500  # ids per IN (...) list, far below SQLite's variable limit
# raw text → enum by dictionary: calling the enum class costs ten times more, per row
_CHANNEL = {c.value: c for c in Channel}
_STATE = {s.value: s for s in OrderState}
_PURPOSE = {p.value: p for p in Purpose}
_FEE_SOURCE = {f.value: f for f in FeeSource}


@dataclasses.dataclass(frozen=True, slots=True)
class LogQuery:
    """Which of a year's purchases the log shows, and in which order."""

    year: int
    purpose: Purpose | None = None
    state: OrderState | None = None
    month: int | None = None  # 1..12
    counted: bool | None = None  # True: only counted, False: only not counted
    overdue_only: bool = False  # unpaid beyond the policy's limit
    search: str = ""  # part of an order number, supplier or description
    sort: str = "date"
    descending: bool = False

    @property
    def filtered(self) -> bool:
        return bool(
            self.purpose or self.state or self.month or self.counted is not None or self.overdue_only or self.search.strip()
        )


class Judge:
    """The policy's and today's view of raw rows: the reason a row does not count, unpaid days.

    Every answer comes from :mod:`desktop832.domain.counting`; this class only converts the raw
    text of a row to enums and remembers the answer per combination.
    """

    def __init__(self, policy: Policy | None, today: dt.date):
        self.policy = policy
        self.today = today
        self.purposes = counted_purposes(policy)
        self.excluded = excluded_purposes(policy)
        self.when = count_when(policy)
        self.max_days = max_unpaid_days(policy)
        self._reasons: dict[tuple[str, str, str], str | None] = {}

    @property
    def unpaid_before(self) -> str | None:
        """ISO date: an unpaid order delivered (or, without a delivery date, ordered) before this has
        waited longer than the limit."""
        if self.max_days is None:
            return None
        return (self.today - dt.timedelta(days=self.max_days)).isoformat()

    def reason(self, row: Sequence) -> str | None:
        key = (row[CHANNEL], row[STATE], row[PURPOSE], row[PAID_ON] is not None, bool(row[DELIVERED_ON]))
        try:
            return self._reasons[key]
        except KeyError:
            reason = why_not_counted(
                _CHANNEL[key[0]], _STATE[key[1]], _PURPOSE[key[2]], self.purposes, self.excluded, key[3], key[4], self.when,
            )
            self._reasons[key] = reason
            return reason

    def overdue_days(self, row: Sequence) -> int | None:
        if self.max_days is None or row[PAID_ON] is not None:
            return None
        delivered = dt.date.fromisoformat(row[DELIVERED_ON]) if row[DELIVERED_ON] else None
        return overdue_days(
            _CHANNEL[row[CHANNEL]], _STATE[row[STATE]], dt.date.fromisoformat(row[DATE]), None, self.today, self.max_days,
            delivered,
        )

    # --- the same decisions as SQL expressions -------------------------------------------------

    def reason_codes(self) -> dict[str | None, int]:
        """0 for counted, then one code per reason in the order the clerk reads them sorted."""
        reasons = {
            why_not_counted(c, s, p, self.purposes, self.excluded, paid, accepted, self.when)
            for c, s, p in _COMBOS for paid, accepted in _FLAGS
        } - {None}
        return {None: 0, **{reason: i for i, reason in enumerate(sorted(reasons), start=1)}}

    def reason_sql(self) -> str:
        codes = self.reason_codes()
        return _reason_case(self.purposes, self.excluded, self.when, tuple(codes.items()))

    def overdue_sql(self) -> str | None:
        """A condition true for rows unpaid beyond the limit; uses the ``:unpaid_before`` parameter."""
        if self.max_days is None:
            return None
        return f"(paid_on IS NULL AND COALESCE(delivered_on, date) < :unpaid_before AND {_payment_due_case()} = 1)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _case(columns: Sequence[tuple[str, type]], value: Callable[..., int], prefix: tuple = ()) -> str:
    """A nested ``CASE`` giving ``value(*enums)`` for every combination of the columns' enums."""
    name, enum_type = columns[0]
    parts = [f"CASE {name}"]
    for member in enum_type:
        key = prefix + (member,)
        inner = str(value(*key)) if len(columns) == 1 else _case(columns[1:], value, key)
        parts.append(f" WHEN {_literal(member.value)} THEN {inner}")
    return "".join(parts) + " END"


@lru_cache(maxsize=16)
def _reason_case(
    purposes: frozenset[Purpose], excluded: frozenset[Purpose], when: str, codes: tuple[tuple[str | None, int], ...]
) -> str:
    code = dict(codes)
    columns = (("channel", Channel), ("state", OrderState), ("purpose", Purpose))

    def case(paid: bool, accepted: bool) -> str:
        return _case(columns, lambda c, s, p: code[why_not_counted(c, s, p, purposes, excluded, paid, accepted, when)])

    if when == COUNT_COMPLETED:  # payment and delivery dates decide nothing
        return case(True, True)
    return f"CASE {_FLAGS_SQL} " + "".join(
        f"WHEN {i} THEN {case(paid, accepted)} " for i, (paid, accepted) in enumerate(_FLAGS)
    ) + "END"


@lru_cache(maxsize=1)
def _payment_due_case() -> str:
    return _case((("channel", Channel), ("state", OrderState)), lambda c, s: int(payment_due(c, s)))


@lru_cache(maxsize=1)
def _combo_case() -> str:
    """Each row's index in ``_COMBOS``: grouping by one integer is cheaper than by three texts."""
    index = {combo: i for i, combo in enumerate(_COMBOS)}
    return _case(
        (("channel", Channel), ("state", OrderState), ("purpose", Purpose)), lambda c, s, p: index[(c, s, p)]
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _month_range(year: int, month: int) -> tuple[str, str]:
    start = dt.date(year, month, 1)
    end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return start.isoformat(), end.isoformat()


def _where(store: Store, query: LogQuery, judge: Judge, params: dict) -> str:
    """The WHERE clause for ``query``; fills ``params``."""
    params["year"] = query.year
    conditions = []
    if query.month:
        params["month_start"], params["month_end"] = _month_range(query.year, query.month)
        conditions.append("date >= :month_start AND date < :month_end")
    if query.purpose:
        params["purpose"] = query.purpose.value
        conditions.append("purpose = :purpose")
    if query.state:
        params["state"] = query.state.value
        conditions.append("state = :state")
    if query.counted is not None:
        conditions.append(f"({judge.reason_sql()}) {'=' if query.counted else '<>'} 0")
    if query.overdue_only:
        overdue = judge.overdue_sql()
        if overdue is None:
            conditions.append("0")  # the policy sets no limit: nothing is overdue
        else:
            params["unpaid_before"] = judge.unpaid_before
            conditions.append(overdue)
    text = normalise(query.search)
    if text:
        params["search"] = f"%{_escape_like(text)}%"
        conditions.append(
            "(order_no LIKE :search ESCAPE '\\' OR supplier LIKE :search ESCAPE '\\' OR description LIKE :search ESCAPE '\\')"
        )
    # An index on (year, ...) pays when it yields the rows in display order (no sort: the log reads
    # a page by its offset, ``pages_by_offset``) or narrows the rows a lot (a month, or a year that is
    # a small part of the file). Otherwise looking up each row through the index costs 3-5x a plain
    # scan, and SQLite, without statistics, would still choose the index: the unary + keeps it
    # from doing so.
    year = "year = :year" if pages_by_offset(query) or query.month else _year_condition(store, query.year)
    return " AND ".join([year, *conditions])


def pages_by_offset(query: LogQuery) -> bool:
    """Whether an index yields ``query``'s rows in its order (``ix_purchase_year_date`` for the
    year or a month, ``ix_purchase_year_purpose_date`` for a purpose, ``ix_purchase_year_amount``
    for the year by amount): then the log counts them and reads the page it shows by its offset,
    never the whole list of ids."""
    if query.counted is not None or query.overdue_only or query.state or query.search.strip():
        return False
    if query.sort == "date":
        return True
    return query.sort == "amount" and not query.filtered


def _year_condition(store: Store, year: int) -> str:
    """``year = ?`` through the index when the year is a small part of the file, else a plain scan."""
    with _connection(store) as connection:
        [(in_year,)] = connection.execute("SELECT COUNT(*) FROM purchase WHERE year = ?", (year,))
        [(total,)] = connection.execute("SELECT COUNT(*) FROM purchase")
    return "year = :year" if in_year * 4 < total else "+year = :year"


@contextlib.contextmanager
def _connection(store: Store) -> Iterator[sqlite3.Connection]:
    """The plain sqlite3 connection under a store reader: its tuples cost a third of SQLAlchemy rows."""
    with store.reader() as reader:
        try:
            yield reader.connection.driver_connection
        except sqlite3.Error as exc:
            known = translate(exc, store.path)
            if known:
                raise known from None
            raise


def _order_terms(query: LogQuery, judge: Judge) -> list[str]:
    """The display order as SQL terms, all in the query's direction; ties keep a stable order so a
    row does not jump when the same sort is applied again."""
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {query.sort!r}")
    if query.sort == COUNTED:
        key = f"({judge.reason_sql()})"
    elif query.sort in _NULLABLE:
        key = f"COALESCE({query.sort}, '')"
    else:
        key = query.sort
    return ["date", "id"] if query.sort == "date" else [key, "date", "id"]


def _order_by(query: LogQuery, judge: Judge) -> str:
    direction = " DESC" if query.descending else ""
    return ", ".join(term + direction for term in _order_terms(query, judge))


def purchase_ids(store: Store, query: LogQuery, judge: Judge) -> list[int]:
    """The ids of the purchases ``query`` shows, in its order."""
    return list(shown_ids(store, query, judge)[0])


def shown_ids(store: Store, query: LogQuery, judge: Judge) -> tuple[array, Decimal]:
    """The ids ``query`` shows in its order (a compact array: 8 bytes a row) and their amount, in one pass."""
    params: dict = {}
    sql = f"SELECT id, amount FROM purchase WHERE {_where(store, query, judge, params)} ORDER BY {_order_by(query, judge)}"
    ids = array("q")
    fen = 0
    with _connection(store) as connection:
        cursor = connection.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            ids.extend(pid for pid, _ in rows)
            fen += sum(amount for _, amount in rows)
    return ids, from_fen(fen)


def count_shown(store: Store, query: LogQuery, judge: Judge) -> int:
    params: dict = {}
    with _connection(store) as connection:
        [(count,)] = connection.execute(f"SELECT COUNT(*) FROM purchase WHERE {_where(store, query, judge, params)}", params)
    return count


def page_ids(store: Store, query: LogQuery, judge: Judge, offset: int, limit: int) -> list[int]:
    """The ids of rows ``offset`` to ``offset + limit`` in ``query``'s order (fast when
    ``pages_by_offset``: the index is walked, the table not read)."""
    params: dict = {"limit": limit, "offset": offset}
    sql = (
        f"SELECT id FROM purchase WHERE {_where(store, query, judge, params)} ORDER BY {_order_by(query, judge)} "
        "LIMIT :limit OFFSET :offset"
    )
    with _connection(store) as connection:
        return [pid for (pid,) in connection.execute(sql, params)]


def position(store: Store, query: LogQuery, judge: Judge, purchase_id: int) -> int:
    """The row ``purchase_id`` has in ``query``'s order, -1 when the query does not show it: the
    rows before it counted by SQL (through the index when ``pages_by_offset``)."""
    params: dict = {"pid": purchase_id}
    where = _where(store, query, judge, params)
    terms = _order_terms(query, judge)
    with _connection(store) as connection:
        key = connection.execute(f"SELECT {', '.join(terms)} FROM purchase WHERE {where} AND id = :pid", params).fetchone()
        if key is None:
            return -1
        params.update({f"k{i}": value for i, value in enumerate(key)})
        before = ">" if query.descending else "<"
        keys = ", ".join(f":k{i}" for i in range(len(terms)))
        [(count,)] = connection.execute(
            f"SELECT COUNT(*) FROM purchase WHERE {where} AND ({', '.join(terms)}) {before} ({keys})", params,
        )
    return count


def find_typed(
    store: Store, query: LogQuery, judge: Judge, column: str, text: str, after_id: int | None,
) -> int | None:
    """The first purchase ``query`` shows, from ``after_id`` on (that row included) and then from
    the top, whose ``column`` starts with ``text`` (any case): what typing into the table looks
    for, found by SQL. ``None`` when none does, or the column shows no stored text."""
    if column not in TYPE_TO_FIND or not text:
        return None
    params: dict = {"typed": _escape_like(text) + "%"}
    # one plain pass over the table: walking an index in display order would look up every row
    where = f"+{_where(store, query, judge, params)} AND {column} LIKE :typed ESCAPE '\\'"
    terms = _order_terms(query, judge)
    order = _order_by(query, judge)
    with _connection(store) as connection:
        key = None
        if after_id is not None:
            key = connection.execute(f"SELECT {', '.join(terms)} FROM purchase WHERE id = :pid", {"pid": after_id}).fetchone()
        if key is not None:  # one pass: the rows from there on first, then those before it
            params.update({f"k{i}": value for i, value in enumerate(key)})
            keys = ", ".join(f":k{i}" for i in range(len(terms)))
            order = f"(({', '.join(terms)}) {'<=' if query.descending else '>='} ({keys})) DESC, {order}"
        found = connection.execute(f"SELECT id FROM purchase WHERE {where} ORDER BY {order} LIMIT 1", params).fetchone()
    return None if found is None else found[0]


def shown_total(store: Store, query: LogQuery, judge: Judge) -> tuple[int, Decimal]:
    """How many purchases ``query`` shows and their amount."""
    params: dict = {}
    sql = f"SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM purchase WHERE {_where(store, query, judge, params)}"
    with _connection(store) as connection:
        [(count, fen)] = connection.execute(sql, params)
    return count, from_fen(fen)


def purchase_rows(store: Store, ids: Iterable[int]) -> dict[int, tuple]:
    """Raw rows (see ``ROW_COLUMNS``) by id; ids no longer in the file are left out."""
    ids = list(ids)
    found: dict[int, tuple] = {}
    with _connection(store) as connection:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for row in connection.execute(_ROW_SQL.format(", ".join("?" * len(chunk))), chunk):
                found[row[ID]] = row
    return found


def to_purchase(row: Sequence) -> Purchase:
    """The domain value of a raw row (for editing, undo and export)."""
    return Purchase(
        id=row[ID], date=dt.date.fromisoformat(row[DATE]), amount=from_fen(row[AMOUNT]), order_no=row[ORDER_NO],
        supplier=row[SUPPLIER], description=row[DESCRIPTION], purpose=_PURPOSE[row[PURPOSE]],
        channel=_CHANNEL[row[CHANNEL]], state=_STATE[row[STATE]],
        paid_on=dt.date.fromisoformat(row[PAID_ON]) if row[PAID_ON] else None, evaluated=bool(row[EVALUATED]),
        note=row[NOTE], delivered_on=dt.date.fromisoformat(row[DELIVERED_ON]) if row[DELIVERED_ON] else None,
        refunded=from_fen(row[REFUNDED]), hand_edited=frozenset(v for v in row[HAND_EDITED].split(",") if v),
        invoice_no=row[INVOICE_NO], fee_source=_FEE_SOURCE[row[FEE_SOURCE]],
    )


def year_tally(store: Store, year: int, policy: Policy | None, today: dt.date) -> Tally:
    """The year's :class:`~desktop832.domain.counting.Tally`, equal to ``tally(store.purchases(year), ...)``
    but summed by SQL: about 0.1 s for 100,000 purchases instead of seconds."""
    return running_tally(store, year, policy, today).tally()


def running_tally(store: Store, year: int, policy: Policy | None, today: dt.date) -> RunningTally:
    """The year summed by SQL as a :class:`~desktop832.domain.counting.RunningTally`, which each
    write then keeps up to date: the one full sum of a year while the file is open."""
    judge = Judge(policy, today)
    in_year = _year_condition(store, year)
    overdue: list[OverduePayment] = []
    with _connection(store) as connection:
        groups = _groups(connection, in_year, {"year": year})
        overdue_sql = judge.overdue_sql()
        if overdue_sql is not None:
            unpaid = connection.execute(
                "SELECT id, order_no, date, amount, channel, state, delivered_on FROM purchase "
                f"WHERE {in_year} AND {overdue_sql} ORDER BY date, id",
                {"year": year, "unpaid_before": judge.unpaid_before},
            )
            for pid, order_no, date, fen, channel, state, delivered in unpaid:
                date = dt.date.fromisoformat(date)
                delivered = dt.date.fromisoformat(delivered) if delivered else None
                days = overdue_days(_CHANNEL[channel], _STATE[state], date, None, today, judge.max_days, delivered)
                if days is not None:  # always, by the query; the domain has the last word
                    overdue.append(OverduePayment(pid, order_no, date, from_fen(fen), days, delivered))
    return RunningTally(year, policy, today, groups, overdue)


def _groups(connection: sqlite3.Connection, where: str, params: dict | Sequence) -> list[Group]:
    """The rows under ``where`` summed by everything that decides counting."""
    # one integer key ((combination * 4 + paid/delivered flags) * 16 + month) groups faster than several; months are 1..12
    sql = (
        f"SELECT (({_combo_case()}) * 4 + {_FLAGS_SQL}) * 16 + CAST(substr(date, 6, 2) AS INTEGER) AS k, COUNT(*), SUM(amount), "
        f"SUM(evaluated = 0) FROM purchase WHERE {where} GROUP BY k"
    )
    groups = []
    for key, n, fen, not_evaluated in connection.execute(sql, params):
        combo_flags, month = divmod(key, 16)
        combo, flags = divmod(combo_flags, 4)
        groups.append(Group(*_COMBOS[combo], month, n, from_fen(fen), not_evaluated, *_FLAGS[flags]))
    return groups


# --- bulk deletes: the rows go to the bin, from which one undo puts them back ----------------------

_BIN_COPY = "id, " + ", ".join(name for name, _, _ in BIN_COLUMNS)


@dataclasses.dataclass(frozen=True, slots=True)
class Binned:
    """What a bulk delete (or its undo) moved: for the running tallies, without its purchases."""

    batch: int
    count: int
    groups_by_year: dict[int, list[Group]]  # the moved purchases summed by year
    unpaid: list[Purchase]  # those that may be overdue (a completed platform order without payment date)


def _binned(connection: sqlite3.Connection, batch: int) -> Binned:
    sql = (
        f"SELECT year, (({_combo_case()}) * 4 + {_FLAGS_SQL}) * 16 + CAST(substr(date, 6, 2) AS INTEGER) AS k, COUNT(*), "
        "SUM(amount), SUM(evaluated = 0) FROM purchase_bin WHERE batch = ? GROUP BY year, k"
    )
    by_year: dict[int, list[Group]] = {}
    count = 0
    for year, key, n, fen, not_evaluated in connection.execute(sql, (batch,)):
        combo_flags, month = divmod(key, 16)
        combo, flags = divmod(combo_flags, 4)
        by_year.setdefault(year, []).append(Group(*_COMBOS[combo], month, n, from_fen(fen), not_evaluated, *_FLAGS[flags]))
        count += n
    unpaid = [
        to_purchase(row) for row in connection.execute(
            f"SELECT {', '.join(ROW_COLUMNS)} FROM purchase_bin WHERE batch = ? AND paid_on IS NULL AND {_payment_due_case()} = 1",
            (batch,),
        )
    ]
    return Binned(batch, count, by_year, unpaid)


@contextlib.contextmanager
def _writing(store: Store) -> Iterator[sqlite3.Connection]:
    with store.transaction() as c:
        yield c.connection.driver_connection


def move_to_bin(store: Store, query: LogQuery, judge: Judge, ids: Sequence[int] | None = None) -> Binned:
    """Delete, in one transaction, the purchases ``query`` shows (``ids`` None: everything it
    shows, never listed in Python) or those of ``ids``, keeping them in the bin."""
    params: dict = {}
    where = _where(store, query, judge, params) if ids is None else ""
    with _writing(store) as connection:
        [(batch,)] = connection.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM purchase_bin")
        copy = f"INSERT INTO purchase_bin (batch, {_BIN_COPY}) SELECT {int(batch)}, {_BIN_COPY} FROM purchase WHERE "
        if ids is None:
            connection.execute(copy + where, params)
        else:
            connection.executemany(copy + "id = ?", ((pid,) for pid in ids))
        binned = _binned(connection, batch)
        connection.execute("DELETE FROM purchase WHERE id IN (SELECT id FROM purchase_bin WHERE batch = ?)", (batch,))
    return binned


def delete_binned(store: Store, batch: int) -> Binned:
    """Delete again the purchases of a bin batch (the redo of an undone bulk delete)."""
    with _writing(store) as connection:
        binned = _binned(connection, batch)
        connection.execute("DELETE FROM purchase WHERE id IN (SELECT id FROM purchase_bin WHERE batch = ?)", (batch,))
    return binned


def restore_binned(store: Store, batch: int) -> Binned:
    """Put a bin batch back with its ids (the undo of a bulk delete); the bin keeps it for a redo."""
    with _writing(store) as connection:
        connection.execute(f"INSERT INTO purchase ({_BIN_COPY}) SELECT {_BIN_COPY} FROM purchase_bin WHERE batch = ?", (batch,))
        return _binned(connection, batch)
