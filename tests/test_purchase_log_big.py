"""The purchase log at a size where nothing may be listed row by row: pages read by their offset,
Ctrl+A and a bulk delete in SQL as one undo step, typing into the table answered by SQL, and the
queries on the indexes made for them. Small pages and a small in-memory limit stand in for a
million rows, so the same code paths run in milliseconds."""

import dataclasses
import datetime as dt
import random
import sqlite3
from decimal import Decimal as D

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QUndoStack

from desktop832.app.workspace import Workspace
from desktop832.domain.counting import tally
from desktop832.domain.model import Channel, OrderState, Purchase, Purpose
from desktop832.store import purchase_queries as q
from desktop832.store.database import Store
from desktop832.ui.purchases import fields
from desktop832.ui.purchases import log as log_module
from desktop832.ui.purchases.log import PurchaseLogTab
from desktop832.ui.purchases.model import PurchaseTableModel

TODAY = dt.date(2024, 6, 1)
COL = {key: i for i, key in enumerate(fields.COLUMN_KEYS)}
SUPPLIERS = ["Alpha 农业", "Beta 合作社", "beta 茶业", "Gamma 食品"]


def purchases(n: int, seed: int = 5) -> list[Purchase]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(150))
        out.append(Purchase(
            date=date, amount=D(rng.randrange(1, 50_000)) / 100, order_no=f"{rng.choice('ABC')}{i:04d}",
            supplier=rng.choice(SUPPLIERS), purpose=rng.choice([Purpose.CANTEEN, Purpose.CANTEEN, Purpose.UNION]),
            channel=rng.choice([Channel.PLATFORM] * 5 + [Channel.OTHER]),
            state=rng.choice([OrderState.DONE] * 4 + [OrderState.OPEN]),
            paid_on=None if rng.random() < 0.3 else date + dt.timedelta(days=rng.randrange(20)),
        ))
    return out


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(PurchaseTableModel, "PAGE", 7)
    monkeypatch.setattr(PurchaseTableModel, "MAX_PAGES", 3)
    monkeypatch.setattr(log_module, "DELETE_IN_MEMORY", 5)


@pytest.fixture
def big_tab(qtbot, tmp_path, profile, plan, small_pages):
    store = Store.open(tmp_path / "unit.sqlite")
    store.save_profile(profile)
    store.save_plan(plan)
    store.add_purchases(purchases(300))
    workspace = Workspace(store, today=TODAY)
    stack = QUndoStack()
    tab = PurchaseLogTab(workspace, stack, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    tab.stack = stack
    qtbot.addWidget(tab)
    tab.resize(1200, 700)
    tab.show()
    tab.set_year(2024, plan, workspace.library.get("qinghai-2024"))
    yield tab
    stack.clear()
    workspace.close()


def shown_ids(tab) -> list[int]:
    return [tab.model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(tab.model.rowCount())]


def by(stored, key, descending=False):
    return [p.id for p in sorted(stored, key=lambda p: (key(p), p.date, p.id), reverse=descending)]


def test_the_year_by_date_or_amount_and_a_purpose_are_read_page_by_page_in_the_order_sql_gives(big_tab):
    tab, store = big_tab, big_tab.workspace.store
    stored = store.purchases(2024)
    assert tab.model._ids is None  # counted and paged: no list of ids was made
    assert shown_ids(tab) == [p.id for p in sorted(stored, key=lambda p: (p.date, p.id))]
    assert len(tab.model._pages) <= PurchaseTableModel.MAX_PAGES  # the pages read are let go again
    header = tab.table.horizontalHeader()
    header.setSortIndicator(COL["amount"], Qt.SortOrder.DescendingOrder)
    assert tab.model._ids is None and shown_ids(tab) == by(stored, lambda p: p.amount, descending=True)
    header.setSortIndicator(COL["date"], Qt.SortOrder.AscendingOrder)
    tab.purpose_filter.setCurrentIndex(1 + list(Purpose).index(Purpose.UNION))
    union = [p for p in stored if p.purpose is Purpose.UNION]
    assert tab.model._ids is None and shown_ids(tab) == by(union, lambda p: 0)
    assert tab.shown_label.text() == f"筛选出 {len(union):,} 笔，合计 {sum(p.amount for p in union):,.2f} 元"
    # a search or another sort: one query gives the ids, their number and total
    tab.purpose_filter.setCurrentIndex(0)
    header.setSortIndicator(COL["supplier"], Qt.SortOrder.AscendingOrder)
    assert tab.model._ids is not None and shown_ids(tab) == by(stored, lambda p: p.supplier)
    # the row of a purchase, as the cursor is put on it after a write, by counting in SQL
    header.setSortIndicator(COL["date"], Qt.SortOrder.DescendingOrder)
    order = by(stored, lambda p: 0, descending=True)
    assert [tab.model.row_of(pid) for pid in order[::37]] == list(range(0, len(order), 37))


def test_ctrl_a_selects_every_row_as_one_range_and_delete_takes_them_in_sql_as_one_undo_step(qtbot, big_tab, monkeypatch):
    tab, workspace = big_tab, big_tab.workspace
    policy = workspace.library.get("qinghai-2024")
    before = workspace.store.purchases(2024)
    monkeypatch.setattr(tab.model, "purchase", lambda row: pytest.fail("a bulk delete read a row as a purchase"))
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert tab.selected_ranges() == [(0, 299)] and tab.delete_button.isEnabled()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert workspace.store.purchases(2024) == [] and tab.model.rowCount() == 0
    assert tab.stack.count() == 1 and tab.stack.undoText() == "删除 300 条采购记录"
    assert "已删除 300 条采购记录" in tab.message_label.text()
    assert tab.tally == tally([], policy, 2024, TODAY) and tab.shown_label.text() == "本年度共 0 笔，合计 0.00 元"
    tab.stack.undo()
    assert workspace.store.purchases(2024) == before and tab.model.rowCount() == 300
    assert tab.tally == tally(before, policy, 2024, TODAY)  # the running tally, put back by SQL's sums
    tab.stack.redo()
    assert workspace.store.purchases(2024) == [] and tab.tally.count == 0
    tab.stack.undo()
    assert workspace.store.purchases(2024) == before


def test_a_big_part_of_a_filtered_log_is_deleted_by_its_ids_and_comes_back_with_undo(qtbot, big_tab):
    tab, workspace = big_tab, big_tab.workspace
    policy = workspace.library.get("qinghai-2024")
    tab.search_edit.setText("beta")  # Beta and beta: LIKE is case-insensitive, as the search was
    tab.apply_filters()
    shown = shown_ids(tab)
    assert shown and tab.model._ids is not None
    tab.table.selectRow(2)
    tab.table.selectionModel().select(
        tab.model.index(9, 0), tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows,
    )
    for row in range(3, 9):
        tab.table.selectionModel().select(
            tab.model.index(row, 0), tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows,
        )
    assert tab.selected_ranges() == [(2, 9)]
    everything = workspace.store.purchases(2024)
    tab.delete_selected()
    gone = set(shown[2:10])
    assert {p.id for p in workspace.store.purchases(2024)} == {p.id for p in everything} - gone
    assert tab.tally == tally(workspace.store.purchases(2024), policy, 2024, TODAY)
    tab.stack.undo()
    assert workspace.store.purchases(2024) == everything


def test_the_bin_is_emptied_when_the_file_is_next_opened(tmp_path):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.add_purchases(purchases(20))
        q.move_to_bin(store, q.LogQuery(2024), q.Judge(None, TODAY))
        assert store.purchase_count() == 0
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM purchase_bin").fetchone() == (20,)
    Store.open(path).close()
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT COUNT(*) FROM purchase_bin").fetchone() == (0,)


def test_typing_in_the_table_moves_to_the_next_row_starting_so_found_by_sql(qtbot, big_tab, monkeypatch):
    tab = big_tab
    monkeypatch.setattr(tab.model, "match", lambda *a, **k: pytest.fail("Qt's keyboard search walked the model"))
    stored = tab.workspace.store.purchases(2024)
    order = [p for p in sorted(stored, key=lambda p: (p.date, p.id))]
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, COL["order_no"]))
    bs = [i for i, p in enumerate(order) if p.order_no.startswith("B")]
    qtbot.keyClick(tab.table, Qt.Key.Key_B)
    assert tab.table.currentIndex().row() == bs[0] and tab.table.currentIndex().column() == COL["order_no"]
    qtbot.keyClick(tab.table, Qt.Key.Key_B)  # the same letter again: the next one
    assert tab.table.currentIndex().row() == bs[1]
    assert tab.selected_ranges() == [(bs[1], bs[1])]
    # in the supplier column, letters typed together (any case) make one word
    tab.table.setCurrentIndex(tab.model.index(0, COL["supplier"]))
    qtbot.wait(QApplicationInterval.ms())
    qtbot.keyClicks(tab.table, "ga")
    gammas = [i for i, p in enumerate(order) if p.supplier.startswith("Gamma")]
    assert tab.table.currentIndex().row() == gammas[0]


class QApplicationInterval:
    @staticmethod
    def ms() -> int:
        from PySide6.QtWidgets import QApplication

        return QApplication.keyboardInputInterval() + 50


@pytest.mark.parametrize("query, index", [
    (q.LogQuery(2024), "ix_purchase_year_date"),
    (q.LogQuery(2024, descending=True), "ix_purchase_year_date"),
    (q.LogQuery(2024, month=3), "ix_purchase_year_date"),
    (q.LogQuery(2024, purpose=Purpose.UNION), "ix_purchase_year_purpose_date"),
    (q.LogQuery(2024, sort="amount", descending=True), "ix_purchase_year_amount"),
])
def test_the_pages_read_by_offset_come_through_an_index_in_display_order(tmp_path, query, index):
    with Store.open(tmp_path / "unit.sqlite") as store:
        store.add_purchases(purchases(50))
        judge = q.Judge(None, TODAY)
        assert q.pages_by_offset(query)
        params = {"limit": 7, "offset": 14}
        sql = (
            f"SELECT id FROM purchase WHERE {q._where(store, query, judge, params)} ORDER BY {q._order_by(query, judge)} "
            "LIMIT :limit OFFSET :offset"
        )
        with q._connection(store) as con:
            plan = " / ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert f"COVERING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


def test_the_overdue_orders_are_found_through_the_unpaid_index(tmp_path, policies):
    with Store.open(tmp_path / "unit.sqlite") as store:
        store.add_purchases(purchases(50))
        judge = q.Judge(policies["qinghai-2024"], TODAY)
        query = q.LogQuery(2024, overdue_only=True)
        params: dict = {}
        sql = f"SELECT id FROM purchase WHERE {q._where(store, query, judge, params)}"
        with q._connection(store) as con:
            plan = " / ".join(row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "ix_purchase_unpaid" in plan, plan


def test_a_purchase_added_while_the_bin_holds_the_largest_ids_takes_a_new_one(tmp_path):
    # SQLite hands out the largest id plus one: without care a new purchase would take the id of
    # one the bulk delete just binned, show its attachments and collide with the undo
    with Store.open(tmp_path / "unit.sqlite") as store:
        store.add_purchases(purchases(30))
        stored = store.purchases(2024)
        newest = sorted(p.id for p in stored)[-10:]
        q.move_to_bin(store, q.LogQuery(2024), q.Judge(None, TODAY), ids=newest)
        one = store.add_purchase(dataclasses.replace(purchases(1, seed=9)[0], id=None))
        store.add_purchases([dataclasses.replace(p, id=None) for p in purchases(3, seed=11)])
        added = {p.id for p in store.purchases(2024)} - {p.id for p in stored}
        assert len(added) == 4 and one.id in added
        assert min(added) > max(newest)
        q.restore_binned(store, 1)  # the undo of the bulk delete puts every binned one back
        assert store.purchase_count() == 34
