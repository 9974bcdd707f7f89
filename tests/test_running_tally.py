"""The year's running tally: after any sequence of writes (adds, edits, deletes, undo and redo in the
log, imports and their undo) it equals the year summed afresh, so keeping it instead of summing the
year again after each write changes nothing the clerk sees."""

import dataclasses
import datetime as dt
import tempfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings
from PySide6.QtGui import QUndoStack

from desktop832.app.importing import ImportResult, import_delta, redo_import, undo_import
from desktop832.app.workspace import Workspace
from desktop832.domain.counting import RunningTally, tally
from desktop832.domain.model import Channel, OrderState, Purchase, Purpose
from desktop832.store import purchase_queries as q
from desktop832.store.database import Store
from desktop832.store.orders import apply_import
from desktop832.ui.purchases.commands import AddPurchase, DeletePurchases, EditPurchase

TODAY = dt.date(2024, 6, 1)
YEAR = 2024


def _day(year_range=(2023, 2024)):
    return st.builds(
        lambda year, day: dt.date(year, 1, 1) + dt.timedelta(days=day), st.sampled_from(year_range), st.integers(0, 364),
    )


@st.composite
def purchases(draw) -> Purchase:
    date = draw(_day((YEAR, YEAR, YEAR, YEAR - 1)))
    amount = D(draw(st.integers(0, 5_000_000))) / 100
    return Purchase(
        date=date, amount=amount, order_no=draw(st.sampled_from(["", "832A", "832B", "X-1"])),
        supplier=draw(st.sampled_from(["光山县原味农业", "定西马铃薯"])),
        purpose=draw(st.sampled_from(list(Purpose))),
        channel=draw(st.sampled_from([Channel.PLATFORM, Channel.PLATFORM, Channel.OTHER])),
        state=draw(st.sampled_from([OrderState.DONE, OrderState.DONE, OrderState.OPEN, OrderState.REFUNDED])),
        paid_on=draw(st.none() | _day()), delivered_on=draw(st.none() | _day()), evaluated=draw(st.booleans()),
        refunded=D(draw(st.integers(0, 1000))) / 100,
    )


def _changed(before: Purchase, new: Purchase) -> Purchase:
    """An edit: ``new``'s values on ``before``'s id."""
    return dataclasses.replace(new, id=before.id)


POLICY_IDS = ("qinghai-2024", "zhengzhou-2023", None)


def _policy(policy_id):
    """Taken here rather than from the fixture: Hypothesis would print the whole library with a failure."""
    from desktop832.app.policies import PolicyLibrary

    return PolicyLibrary().get(policy_id) if policy_id else None


# --- the domain alone ----------------------------------------------------------------------------

domain_ops = st.lists(
    st.tuples(st.sampled_from(["add", "edit", "delete"]), purchases(), st.integers(0, 10_000)), max_size=40,
)


@pytest.mark.parametrize("policy_id", POLICY_IDS)
@given(ops=domain_ops, start=st.lists(purchases(), max_size=10))
@settings(max_examples=40, deadline=None)
def test_running_tally_equals_a_fresh_tally_after_any_writes(policy_id, ops, start):
    policy = _policy(policy_id)
    log = {i: dataclasses.replace(p, id=i) for i, p in enumerate(start, start=1)}
    running = RunningTally(YEAR, policy, TODAY)
    running.apply(added=log.values())
    next_id = len(log) + 1
    for op, value, pick in ops:
        ids = sorted(log)
        if op == "add" or not ids:
            log[next_id] = p = dataclasses.replace(value, id=next_id)
            next_id += 1
            running.apply(added=[p])
        elif op == "edit":
            before = log[ids[pick % len(ids)]]
            log[before.id] = after = _changed(before, value)
            running.apply([before], [after])
        else:
            running.apply(removed=[log.pop(ids[pick % len(ids)])])
        assert running.tally() == tally(log.values(), policy, YEAR, TODAY)


# --- the real writes: the log's undo commands and the import, on a data file -------------------------

store_ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete", "undo", "redo", "import", "undo-import"]),
        st.lists(purchases(), min_size=1, max_size=4), st.integers(0, 10_000),
    ),
    min_size=1, max_size=14,
)


@pytest.fixture
def log_tab(qtbot, tmp_path):
    from desktop832.ui.purchases.log import PurchaseLogTab

    workspace = Workspace(Store.open(tmp_path / "unit.sqlite"), today=TODAY)
    stack = QUndoStack()
    tab = PurchaseLogTab(workspace, stack, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(tab)
    yield tab, workspace, stack
    stack.clear()
    workspace.close()


@pytest.mark.parametrize("policy_id", POLICY_IDS[:2])
@given(ops=store_ops)
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_workspace_tally_after_writes_in_the_log_equals_the_year_summed_afresh(log_tab, policy_id, ops):
    tab, workspace, stack = log_tab
    policy = _policy(policy_id)
    stack.clear()
    workspace.store.delete_purchases(p.id for p in workspace.store.purchases())
    workspace.purchases_changed()
    tab.set_workspace(workspace)  # the tab afresh too: its year loaded and tallied anew
    tab.set_year(YEAR, workspace.plan(YEAR), policy)
    last_import: ImportResult | None = None
    for op, values, pick in ops:
        stored = workspace.store.purchases()
        in_log = op in ("add", "edit", "delete") or (op == "undo" and stack.canUndo()) or (op == "redo" and stack.canRedo())
        if op == "add" or (op in ("edit", "delete") and not stored):
            stack.push(AddPurchase(tab.model, values[0]))
        elif op == "edit":
            before = stored[pick % len(stored)]
            stack.push(EditPurchase(tab.model, before, _changed(before, values[0])))
        elif op == "delete":
            chosen = {stored[(pick + i) % len(stored)].id: stored[(pick + i) % len(stored)] for i in range(len(values))}
            stack.push(DeletePurchases(tab.model, list(chosen.values())))
        elif op == "undo":
            stack.undo()
        elif op == "redo":
            stack.redo()
        elif op == "import":  # new orders and a re-import's changes, as the importer writes them
            stack.clear()  # the window pushes the import on the stack: nothing before it is redone after
            updated = [_changed(p, values[0]) for p in stored[:1]]
            added, _ = apply_import(workspace.store, values[1:], updated)
            last_import = ImportResult(added, 0, list(zip(stored[:1], updated)), 0, 0, 0)
            workspace.purchases_written(*import_delta(last_import))
        elif last_import is not None:  # undo the import just made, then (every other time) redo it
            undo_import(workspace.store, last_import)
            workspace.purchases_written(*import_delta(last_import, undone=True))
            if pick % 2:
                redo_import(workspace.store, last_import)
                workspace.purchases_written(*import_delta(last_import))
        if op != "import":
            last_import = None
        expected = tally(workspace.store.purchases(YEAR), policy, YEAR, TODAY)
        assert workspace.tally(YEAR, policy) == expected
        assert q.year_tally(workspace.store, YEAR, policy, TODAY) == expected
        if in_log:
            assert tab.tally == expected  # what the log's summary shows
