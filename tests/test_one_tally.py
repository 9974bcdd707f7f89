"""One "purchases changed" path and one tally per write: a purchase added, edited away or undone in
the window's log updates the year's running tally once (the log shows the tally the findings were
checked against), not once for the log and again for the findings, and never sums the year again."""

from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop832.domain.counting import RunningTally
from desktop832.domain.model import AnnualPlan
from desktop832.store import purchase_queries
from desktop832.store.database import Store
from desktop832.ui.main_window import TAB_PURCHASES
from tests.gui_helpers import type_ascii, type_chinese


@pytest.fixture
def window_on_the_log(make_window, tmp_path, profile):
    path = tmp_path / "unit.sqlite"
    with Store.open(path) as store:
        store.save_profile(profile)
        store.save_plan(AnnualPlan(2024).with_canteen_total(D("1000000")).with_reserve_amount(D("150000")))
    window = make_window(path, first_start=False)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    return window


class Tallies:
    def __init__(self):
        self.summed: list[int] = []  # full sums of a year in SQL
        self.updated: list[int] = []  # running tallies updated by a write


@pytest.fixture
def tallies(monkeypatch):
    calls = Tallies()
    summed, updated = purchase_queries.running_tally, RunningTally.apply

    def summing(store, year, policy, today):
        calls.summed.append(year)
        return summed(store, year, policy, today)

    def updating(self, removed=(), added=()):
        calls.updated.append(self.year)
        return updated(self, removed, added)

    monkeypatch.setattr(purchase_queries, "running_tally", summing)
    monkeypatch.setattr(RunningTally, "apply", updating)
    return calls


def add_purchase(qtbot, tab, amount, order_no):
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    form = tab.dialog.form
    type_ascii(qtbot, form.date_edit, "2024-05-20")
    type_ascii(qtbot, form.amount_edit, amount)
    type_ascii(qtbot, form.order_no_edit, order_no)
    type_chinese(form.supplier_edit, "河南省光山县原味农业发展有限公司")
    with qtbot.waitSignal(tab.purchasesChanged):
        qtbot.mouseClick(form.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_adding_one_purchase_in_the_log_tallies_the_year_once(qtbot, window_on_the_log, tallies):
    window = window_on_the_log
    tab = window.purchase_tab
    add_purchase(qtbot, tab, "1234.50", "8322024052000001")
    assert tallies.updated == [2024] and tallies.summed == []  # summed when the window opened, not again
    # and both faces show that one tally: the log's summary and the checks behind the overview
    assert tab.tally is window.document.tally
    assert tab.tally.count == 1 and tab.tally.counted_total == D("1234.50")


def test_undo_and_redo_tally_once_each(qtbot, window_on_the_log, tallies):
    window = window_on_the_log
    add_purchase(qtbot, window.purchase_tab, "880", "8322024052000002")
    tallies.updated.clear()
    window.undo_stack.undo()
    assert tallies.updated == [2024] and window.document.tally.count == 0
    window.undo_stack.redo()
    assert tallies.updated == [2024, 2024] and window.purchase_tab.tally.count == 1
    assert tallies.summed == [] and window.purchase_tab.tally is window.document.tally
