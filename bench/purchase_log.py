"""Benchmark: the purchase log tab with 100,000 purchases in one year.

Run from the repository root::

    python bench/purchase_log.py [--rows N]

``run()`` returns ``{name: {"ratio", "target", "target_of", "seconds", ...}}`` for ``bench/run.py``.
Each figure is the median over three fresh processes, each run right after a baseline measured the
same way: a bare ``QTableView`` over a trivial in-memory model with as many rows (sorting and
filtering a Python list, then resetting the model). ``ratio`` is the median of figure / baseline;
``target`` is the goal, and ``target_of`` says what it bounds (seconds, or MB under ``mb``):

- purchase_log_open_tab: build the tab, load the year (ids, tally, summary) and paint it (the
  Designer loader's one-time start-up is paid before, as by the window's earlier tabs);
- purchase_log_sort_by_amount: click the amount header until the view is repainted;
- purchase_log_filter_by_purpose: choose a purpose until the view is repainted;
- purchase_log_edit_amount: change one amount through the undo stack until the totals and the
  table are repainted (each of these three is the median of three tries);
- purchase_log_app_memory: peak resident memory of the whole application (main window, every
  tab, the purchase log shown) on the same file; the baseline is the bare table's process;
- purchase_log_app_open (no target): the main window opening that file, for the record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 100_000
YEAR = 2024
TODAY = dt.date(2024, 6, 1)
TARGET_SECONDS = 0.3
TARGET_MB = 300.0
REPEATS = 3  # timings per process (median)
PROCESSES = 3  # fresh processes per figure (median): the machine's load varies

SUPPLIERS = [
    "河南省光山县原味农业发展有限公司", "甘肃定西市马铃薯产业有限公司", "河南省卢氏县香菇种植专业合作社",
    "云南普洱市思茅区茶业有限公司", "宁夏盐池县滩羊肉业有限公司", "贵州遵义市正安县白茶有限公司",
    "陕西延川县红枣专业合作社", "湖北恩施州富硒茶叶有限公司", "四川凉山州苦荞食品有限公司",
    "内蒙古兴安盟大米产业有限公司", "新疆和田地区红枣加工有限公司", "江西赣州市脐橙专业合作社",
]
GOODS = ["光山糯米", "定西马铃薯", "卢氏香菇", "普洱茶", "盐池滩羊肉", "正安白茶", "延川红枣", "恩施硒茶", "凉山苦荞", "兴安盟大米"]


# --- the data file --------------------------------------------------------------------------------


def fill(path: Path, rows: int) -> None:
    """A unit with a 2024 plan and ``rows`` purchases spread over the year, realistic in mix:
    most are completed platform orders paid within weeks, a few are open, refunded, off-platform
    or unpaid too long."""
    from desktop832.domain.model import AnnualPlan, CanteenMode, Channel, Level, OrderState, Purchase, Purpose, UnitProfile
    from desktop832.store.database import Store

    with Store.open(path) as store:
        store.save_profile(UnitProfile(
            name="基准测试单位", level=Level.MUNICIPAL, province="河南省", city="郑州市", canteen_mode=CanteenMode.OWN,
            union_members=800, employees=900,
        ))
        store.save_plan(
            AnnualPlan(YEAR).with_canteen_total(Decimal("60000000")).with_reserve_ratio(Decimal("15"))
            .with_(union_reserve=Decimal("1500000"))
        )
        sample = store.add_purchase(Purchase(date=dt.date(YEAR, 1, 2), amount=Decimal("1.23"), order_no="SAMPLE"))
    rng = random.Random(832)
    purposes = [Purpose.CANTEEN] * 12 + [Purpose.UNION] * 5 + [Purpose.EMPLOYEE, Purpose.STATE_ENTERPRISE, Purpose.OTHER]
    states = [OrderState.DONE] * 17 + [OrderState.OPEN, OrderState.OPEN, OrderState.REFUNDED]
    start = dt.date(YEAR, 1, 1)
    records = []
    for i in range(rows - 1):
        date = start + dt.timedelta(days=rng.randrange(152))  # up to "today"
        paid = date + dt.timedelta(days=rng.randrange(1, 25))
        if rng.random() < 0.03 or paid > TODAY:
            paid = None
        records.append((
            YEAR, date.isoformat(), rng.randrange(500, 2_000_000), f"832{date:%Y%m%d}{i:07d}",
            rng.choice(SUPPLIERS), f"{rng.choice(GOODS)} {rng.randrange(1, 80)}件", rng.choice(purposes).value,
            (Channel.PLATFORM if rng.random() < 0.93 else Channel.OTHER).value, rng.choice(states).value,
            paid.isoformat() if paid else None, int(rng.random() < 0.7), "",
        ))
    # plain sqlite3 in the store's format (the ORM path needs 6 s for this); checked below
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "INSERT INTO purchase (year, date, amount, order_no, supplier, description, purpose, channel, state, "
            "paid_on, evaluated, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            records,
        )
    con.close()
    with Store.open(path) as store:
        assert store.purchase(sample.id) == sample and store.purchase_count(YEAR) == rows
        assert store.purchase(sample.id + 1).supplier in SUPPLIERS  # the raw rows read back as domain values


# --- measuring (each in a fresh process) ----------------------------------------------------------


def _peak_mb() -> float | None:
    """This process's peak resident memory in MB.

    Linux: ``VmHWM``, which starts afresh at ``exec``. ``ru_maxrss`` does not: a child forked from
    a parent that held more memory (this script after filling 100,000 rows) reports the parent's
    peak, which would make the app and its baseline look alike.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _painted(app, view) -> None:
    app.processEvents()
    view.viewport().repaint()


def _timed(action, app, view) -> float:
    started = time.perf_counter()
    action()
    _painted(app, view)
    return time.perf_counter() - started


def child_baseline(rows: int) -> dict:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

    class Trivial(QAbstractTableModel):
        def __init__(self, data):
            super().__init__()
            self.all = data
            self.rows = data

        def rowCount(self, parent=QModelIndex()):
            return len(self.rows)

        def columnCount(self, parent=QModelIndex()):
            return 12

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self.rows[index.row()][index.column() % 2])
            return None

        def show(self, data):
            self.beginResetModel()
            self.rows = data
            self.endResetModel()

    app = QApplication.instance() or QApplication([])
    rng = random.Random(1)
    data = [(i, rng.randrange(500, 2_000_000)) for i in range(rows)]
    started = time.perf_counter()
    view = QTableView()
    model = Trivial(data)
    view.setModel(model)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.resize(1180, 700)
    view.show()
    _painted(app, view)
    opened = time.perf_counter() - started
    sort = statistics.median(
        _timed(lambda: model.show(sorted(model.all, key=lambda r: r[1])), app, view) for _ in range(REPEATS)
    )
    filtered = statistics.median(
        _timed(lambda: model.show([r for r in model.all if r[1] % 5 == 0]), app, view) for _ in range(REPEATS)
    )
    edit = statistics.median(
        _timed(lambda: model.show(list(model.all)), app, view) for _ in range(REPEATS)
    )
    return {"open_tab": opened, "sort_by_amount": sort, "filter_by_purpose": filtered, "edit_amount": edit, "memory": _peak_mb()}


def child_tab(path: Path, rows: int) -> dict:
    import dataclasses

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from desktop832.domain.model import Purpose
    from desktop832.store.database import Store
    from desktop832.ui.purchases import fields as fields
    from desktop832.ui.forms import load_form
    from desktop832.ui.purchases.commands import EditPurchase
    from desktop832.ui.purchases.log import PurchaseLogTab
    from desktop832.app.workspace import Workspace

    app = QApplication.instance() or QApplication([])
    workspace = Workspace(Store.open(path), today=TODAY)  # the window has the file open already
    plan = workspace.plan(YEAR)
    policy = workspace.policy_for(workspace.store.profile(), plan)
    settings = QSettings(str(path.with_suffix(".ini")), QSettings.Format.IniFormat)
    stack = QUndoStack()
    # The Designer loader's one-time start-up (about 0.15 s) belongs to the first form the window
    # builds, which is never this tab: pay it before timing, as the app has.
    load_form("purchase_form.ui").deleteLater()

    started = time.perf_counter()
    tab = PurchaseLogTab(workspace, stack, settings=settings)
    tab.resize(1180, 700)
    tab.set_year(YEAR, plan, policy)
    tab.show()
    _painted(app, tab.table)
    opened = time.perf_counter() - started
    assert tab.model.rowCount() == rows, tab.model.rowCount()

    header = tab.table.horizontalHeader()
    amount, date = fields.column_index("amount"), fields.column_index("date")
    sorts = []
    for _ in range(REPEATS):
        sorts.append(_timed(lambda: header.setSortIndicator(amount, Qt.SortOrder.AscendingOrder), app, tab.table))
        header.setSortIndicator(date, Qt.SortOrder.AscendingOrder)
    union = 1 + list(Purpose).index(Purpose.UNION)
    filters = []
    for _ in range(REPEATS):
        filters.append(_timed(lambda: tab.purpose_filter.setCurrentIndex(union), app, tab.table))
        tab.purpose_filter.setCurrentIndex(0)
    assert tab.model.rowCount() == rows
    edits = []
    for i in range(REPEATS):
        before = tab.model.purchase(10 + i)
        after = dataclasses.replace(before, amount=before.amount + 1)
        edits.append(_timed(lambda: stack.push(EditPurchase(tab.model, before, after)), app, tab.table))
    workspace.close()
    return {
        "open_tab": opened, "sort_by_amount": statistics.median(sorts),
        "filter_by_purpose": statistics.median(filters), "edit_amount": statistics.median(edits),
    }


def child_app(path: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from desktop832.ui.app import configure_application
    from desktop832.ui.main_window import TAB_PURCHASES, MainWindow

    app = QApplication.instance() or QApplication([])
    configure_application(app)
    window = MainWindow(today=TODAY)
    window.resize(1180, 760)
    window.show()
    app.processEvents()
    started = time.perf_counter()
    assert window.open_database(path)
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    _painted(app, window.purchase_tab.table)
    opened = time.perf_counter() - started
    assert window.purchase_tab.model.rowCount() > 0
    window.document.save_now()
    return {"app_open": opened, "memory": _peak_mb()}


def _child(kind: str, path: Path, rows: int, home: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP832_HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--db", str(path), "--rows", str(rows)],
        env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} measurement failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- collecting -----------------------------------------------------------------------------------


def run(rows: int = ROWS, processes: int = PROCESSES) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-purchase-log-") as folder:
        folder = Path(folder)
        path = folder / "unit.sqlite"
        fill(path, rows)
        pairs = []  # baseline and tab one after the other: both see the same load on the machine
        for _ in range(processes):
            pairs.append((_child("baseline", path, rows, folder / "home"), _child("tab", path, rows, folder / "home")))
        app = _child("app", path, rows, folder / "home")
    results = {}
    for name in ("open_tab", "sort_by_amount", "filter_by_purpose", "edit_amount"):
        results[f"purchase_log_{name}"] = {
            "ratio": statistics.median(tab[name] / base[name] for base, tab in pairs),
            "target": TARGET_SECONDS,
            "target_of": "seconds",
            "seconds": statistics.median(tab[name] for _, tab in pairs),
            "baseline_seconds": statistics.median(base[name] for base, _ in pairs),
        }
    memory, base_memory = app["memory"], statistics.median(base["memory"] or 0 for base, _ in pairs) or None
    results["purchase_log_app_memory"] = {
        "ratio": memory / base_memory if memory and base_memory else None, "target": TARGET_MB, "target_of": "mb",
        "seconds": None, "mb": memory, "baseline_mb": base_memory,
        "note": f"peak of the whole window with {rows:,} purchases, the purchase log shown",
    }
    results["purchase_log_app_open"] = {
        "ratio": None, "target": None, "seconds": app["app_open"],
        "note": "main window opening the file: the store, the tabs, the findings and the year's tally in SQL",
    }
    return results


def report(results: dict, rows: int) -> str:
    lines = [f"purchase log, {rows:,} purchases (baseline: bare QTableView over a trivial model, same rows)",
             f"{'figure':<32}{'measured':>10}{'baseline':>10}{'ratio':>8}{'target':>10}  verdict"]
    for name, r in results.items():
        unit = r.get("target_of") or "seconds"
        measured, base = (r["mb"], r["baseline_mb"]) if unit == "mb" else (r["seconds"], r.get("baseline_seconds"))
        fmt = (lambda v: "—" if v is None else (f"{v:.0f} MB" if unit == "mb" else f"{v:.3f} s"))
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:.1f}×"
        target = r["target"]
        verdict = "" if target is None or measured is None else ("ok" if measured <= target else "OVER TARGET")
        lines.append(f"{name:<32}{fmt(measured):>10}{fmt(base):>10}{ratio:>8}{fmt(target):>10}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--child", choices=("baseline", "tab", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        figures = {
            "baseline": lambda: child_baseline(args.rows),
            "tab": lambda: child_tab(args.db, args.rows),
            "app": lambda: child_app(args.db),
        }[args.child]()
        print(json.dumps(figures))
        return 0
    print(report(run(args.rows), args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
