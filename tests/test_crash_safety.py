"""Crash safety: a process writing the data file the way the window does is killed (SIGKILL) at
random moments, again and again; after every kill the file is intact and holds every change the
process had reported as saved.

The writer goes through the code the window saves with, not the store underneath it: it takes the
file's lock and opens it as ``MainWindow.open_database`` does, edits the plan and the profile
through ``UnitDocument`` (undoable edits, then ``save_now`` as its timer would), adds, edits and
deletes purchases by pushing the purchase log's undo commands onto the window's undo stack (they
write through ``PurchaseTableModel``), and imports generated order lists through
``documents.orders`` (``commit``, as the import dialog). A change is reported saved only once that
call returned, as the window would then show it saved.

Starting Python with Qt and SQLAlchemy takes half a second, so one helper process imports
everything once and forks a fresh writer for each round: each writer is a real process of its
own, killed without any chance to clean up (its lock file stays behind, stale, and the next
writer takes it over), and the next one opens the file the killed one left behind.
"""

import dataclasses
import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal as D

import pytest

from desktop832.domain.model import amount_for_ratio
from desktop832.domain.money import from_fen
from desktop832.store.database import Store

ROUNDS = 32
WRITER = textwrap.dedent("""
    import dataclasses, datetime as dt, os, random, sys, tempfile, traceback
    from decimal import Decimal
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QUndoStack

    from desktop832 import paths
    from desktop832.app import locking
    from desktop832.domain.model import Purchase, Purpose
    from desktop832.app.importing import import_orders
    from desktop832.app.policies import PolicyLibrary
    from desktop832.store import purchase_queries as q
    from desktop832.store.database import Store
    from desktop832.ui.document import UnitDocument
    from desktop832.ui.purchases.commands import AddPurchase, DeletePurchases, EditPurchase
    from desktop832.ui.purchases.model import PurchaseTableModel
    from desktop832.app.workspace import Workspace

    TODAY = dt.date(2024, 2, 1)
    YEAR = 2024
    HEADERS = "订单编号,下单时间,店铺名称,商品名称,实付金额,订单状态,支付时间,收货人"
    app = QCoreApplication(["desktop832"])  # made once here; each forked writer has its copy
    library = PolicyLibrary()


    class Window:
        # what MainWindow.open_database and its purchase log tab set up, without the widgets

        def __init__(self, db, say):
            self.lock = locking.acquire(db)  # choose_open_mode: a killed writer's lock is stale
            if not self.lock.ok:
                raise RuntimeError("lock refused: " + self.lock.holder_description)
            store = Store.open(db, backup_dir=paths.backup_dir())
            self.workspace = Workspace(store, library, today=TODAY)
            self.undo_stack = QUndoStack()
            self.document = UnitDocument(self.workspace, self.undo_stack)
            self.problems = []
            self.document.saveStateChanged.connect(lambda text, ok: ok or self.problems.append(text))
            self.model = PurchaseTableModel(store)  # the purchase log tab's model
            self.model.problem.connect(self.problems.append)
            # the tab: the workspace's tally is dropped after every write, then the document re-checks
            self.model.purchasesChanged.connect(lambda _id: self.workspace.purchases_changed())
            self.model.purchasesChanged.connect(lambda _id: self.document.purchases_changed())
            new = not self.document.years()
            if new:
                say("try-plan-new")
            self.document.load_year(YEAR, create=new)
            self.check()
            if new:
                say("plan-new")
            self.model.set_query(q.LogQuery(YEAR), q.Judge(self.document.policy, TODAY))

        def check(self):
            if self.problems:
                raise RuntimeError("not saved: " + " / ".join(self.problems))

        def edit(self, key, value):  # a field edited in a form; the save timer then fires
            self.document.edit(key, value)

        def save(self):
            if not self.document.save_now():
                self.check()
                raise RuntimeError("save_now failed")

        def push(self, command):
            self.undo_stack.push(command)
            self.check()
            return command

        def import_orders(self, path):  # the import dialog's commit, then MainWindow.reload_purchases
            import_orders(self.workspace, path)
            self.document.purchases_changed()
            self.model.reload()


    def order_list(folder, batch, n=20):
        path = Path(folder) / f"orders-{batch}.csv"
        lines = [HEADERS] + [
            f"{batch}{i},2024-03-01 10:00:00,某某农民专业合作社,大米 {i},{i + 1}.00,已完成,2024-03-02 09:00:00,张三"
            for i in range(n)
        ]
        path.write_text("\\n".join(lines) + "\\n", "utf-8")
        return path


    # warm up once (imports, the migration, SQLAlchemy's and the policies' caches) so a forked
    # writer starts at once
    with tempfile.TemporaryDirectory() as warm:
        window = Window(Path(warm) / "warm.sqlite", lambda *words: None)
        added = window.push(AddPurchase(window.model, Purchase(dt.date(2024, 1, 1), Decimal(1), order_no="w1"))).purchase
        window.push(EditPurchase(window.model, added, dataclasses.replace(added, amount=Decimal(2))))
        window.push(DeletePurchases(window.model, [dataclasses.replace(added, amount=Decimal(2))]))
        window.edit("plan.canteen_total", Decimal(1000))
        window.edit("profile.name", "预热")
        window.save()
        window.import_orders(order_list(warm, "w-b"))
        window.workspace.close()
        window.lock.release()

    def work(db, report_path, seed):
        rnd = random.Random(seed)
        fd = os.open(report_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

        def say(*words):
            # written once the call returned: the window would now show the change as saved
            os.write(fd, (" ".join(str(w) for w in words) + "\\n").encode())

        window = Window(db, say)
        say("opened")
        k = 0
        while True:
            k += 1
            order = f"{seed}-{k}"
            amount = Decimal(rnd.randint(1, 10**7)) / 100
            say("try-purchase", order)
            saved = window.push(AddPurchase(window.model, Purchase(
                dt.date(2024, 1 + k % 12, 1 + k % 28), amount, order_no=order, supplier="某某农民专业合作社",
                purpose=Purpose.CANTEEN,
            ))).purchase
            say("purchase", saved.id, order, amount)
            if k % 3 == 1:  # an amount corrected in the log
                edited = dataclasses.replace(saved, amount=Decimal(rnd.randint(1, 10**7)) / 100)
                say("try-edit", saved.id, edited.amount)
                window.push(EditPurchase(window.model, saved, edited))
                say("edited", saved.id, edited.amount)
                saved = edited
            # plan edits as the forms make them (with_field keeps ratio and amount consistent)
            field = ("canteen_total", "reserve_ratio", "reserve_amount")[k % 3]
            value = Decimal(rnd.randint(0, 10**9)) / 100 if field != "reserve_ratio" else Decimal(rnd.randint(0, 10000)) / 100
            say("try-plan", seed, k)
            window.edit(f"plan.{field}", value)
            window.edit("plan.note", f"{seed}-{k}")
            window.save()
            say("plan", seed, k)
            if k % 4 == 2:
                say("try-profile", seed, k)
                window.edit("profile.name", f"测试单位{seed}-{k}")
                window.edit("profile.union_members", k)
                window.save()
                say("profile", seed, k)
            if k % 6 == 2:  # an import of a platform order list: twenty purchases, all or none
                batch = f"{seed}-{k}-b"
                path = order_list(os.path.dirname(report_path), batch)
                say("try-batch", batch)
                window.import_orders(path)
                say("batch", batch)
            if k % 5 == 3:
                say("try-delete", saved.id)
                window.push(DeletePurchases(window.model, [saved]))
                say("deleted", saved.id)

    for line in sys.stdin:
        db, report, seed = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                work(db, report, int(seed))
            except BaseException:
                with open(report, "a") as out:
                    out.write("error " + traceback.format_exc().replace("\\n", " | ") + "\\n")
            os._exit(3)
        print("pid", pid, flush=True)
        _, status = os.waitpid(pid, 0)
        print("exit", status, flush=True)
""")


@dataclasses.dataclass
class Expected:
    """What the killed writers reported: saved for sure, and what may have been saved unreported.

    A change whose ``try-`` line was written but not its confirmation was in flight at the kill: it
    may or may not be in the file. It stays possible until a later confirmed change supersedes it.
    """

    purchases: dict = dataclasses.field(default_factory=dict)  # id -> (order, amounts it may have)
    maybe_orders: set = dataclasses.field(default_factory=set)  # purchases in flight at some kill
    deleted: set = dataclasses.field(default_factory=set)  # order numbers (SQLite reuses a freed top id)
    maybe_deleted: set = dataclasses.field(default_factory=set)
    plans: set = dataclasses.field(default_factory=set)  # notes the stored plan may carry
    profiles: set = dataclasses.field(default_factory=lambda: {""})  # a new file's profile is unnamed
    plan_saved: bool = False
    batches: set = dataclasses.field(default_factory=set)
    saved_changes: int = 0

    def read(self, report: str) -> None:
        lines = report.split("\n")[:-1]  # the last piece is empty, or a line cut by the kill
        for line in lines:
            words = line.split()
            kind = words[0]
            if kind == "error":
                pytest.fail("the writer failed: " + line)
            if kind == "try-purchase":
                self.maybe_orders.add(words[1])
            elif kind == "purchase":
                purchase_id = int(words[1])
                self.purchases[purchase_id] = (words[2], {D(words[3])})
                self.maybe_deleted.discard(purchase_id)  # its id is free again: that delete happened
            elif kind == "try-edit":
                self.purchases[int(words[1])][1].add(D(words[2]))
            elif kind == "edited":
                self.purchases[int(words[1])] = (self.purchases[int(words[1])][0], {D(words[2])})
            elif kind == "try-plan-new":
                self.plans.add("")
            elif kind == "plan-new":
                self.plans, self.plan_saved = {""}, True
            elif kind == "try-plan":
                self.plans.add(f"{words[1]}-{words[2]}")
            elif kind == "plan":
                self.plans, self.plan_saved = {f"{words[1]}-{words[2]}"}, True
            elif kind == "try-profile":
                self.profiles.add(f"测试单位{words[1]}-{words[2]}")
            elif kind == "profile":
                self.profiles = {f"测试单位{words[1]}-{words[2]}"}
            elif kind == "batch":
                self.batches.add(words[1])
            elif kind == "try-delete":
                self.maybe_deleted.add(int(words[1]))
            elif kind == "deleted":
                self.deleted.add(self.purchases.pop(int(words[1]))[0])
            if kind in ("purchase", "edited", "plan-new", "plan", "profile", "batch", "deleted"):
                self.saved_changes += 1

    def check_purchases(self, rows: dict, where: str) -> None:
        """``rows``: id -> (order, amount) as stored."""
        for purchase_id, (order, amounts) in self.purchases.items():
            if purchase_id in self.maybe_deleted:
                continue
            found = rows.get(purchase_id)
            assert found is not None and found[0] == order and found[1] in amounts, (
                f"{where}: purchase {purchase_id} {order} {amounts} reported saved, found {found}"
            )


def check_file(db, expected: Expected, where: str) -> None:
    con = sqlite3.connect(db)  # read-write: recovers the WAL the killed writer left, as the app would
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", where
        if con.execute("SELECT count(*) FROM sqlite_master WHERE name='purchase'").fetchone()[0] == 0:
            assert not expected.saved_changes, f"{where}: tables gone after saved changes"
            return  # killed while the first writer was still creating the file
        rows = {i: (o, from_fen(a)) for i, o, a in con.execute("SELECT id, order_no, amount FROM purchase")}
        plan = con.execute(
            "SELECT note, canteen_total, reserve_ratio, reserve_amount, reserve_basis FROM annual_plan WHERE year=2024"
        ).fetchone()
        profile = con.execute("SELECT name FROM unit_profile WHERE id=1").fetchone()
    finally:
        con.close()
    expected.check_purchases(rows, where)
    assert not (expected.deleted & {o for o, _ in rows.values()}), f"{where}: deleted purchases came back"
    batch_orders = {}
    for order, _amount in rows.values():
        if "-b" in order:
            batch_orders.setdefault(order[: order.index("-b") + 2], []).append(order)
    for batch in expected.batches:
        assert len(batch_orders.get(batch, [])) == 20, f"{where}: batch {batch} incomplete"
    for batch, orders in batch_orders.items():
        assert len(orders) == 20, f"{where}: a torn import: {batch} has {len(orders)} of 20"
    known = expected.maybe_orders  # every purchase is announced before it is written
    strays = [o for o, _ in rows.values() if "-b" not in o and o not in known]
    assert not strays, f"{where}: rows nobody wrote: {strays[:5]}"
    if plan is None:
        assert not expected.plan_saved, f"{where}: the plan reported saved is gone"
    else:
        assert plan[0] in expected.plans, f"{where}: plan {plan}, expected one of {expected.plans}"
    if plan is not None and plan[4] == "ratio" and plan[1] is not None and plan[2] is not None:
        # a plan row is never torn: the stored amount is the one derived from the stored ratio
        assert from_fen(plan[3]) == amount_for_ratio(from_fen(plan[1]), D(plan[2]) / 100), f"{where}: {plan}"
    assert (profile[0] if profile else "") in expected.profiles, f"{where}: profile {profile}"


def wait_for_progress(report, timeout=10.0):
    """Until the writer has saved its first purchase of this round."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if report.exists() and "\npurchase " in report.read_text():
            return
        time.sleep(0.001)
    pytest.fail(f"the writer made no progress: {report.read_text() if report.exists() else 'no report'}")


@pytest.fixture
def writer_factory(tmp_path):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    helper = subprocess.Popen(
        [sys.executable, "-c", WRITER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    yield helper
    helper.stdin.close()
    helper.wait(timeout=30)
    helper.stdout.close()


def test_killed_writers_never_lose_saved_changes(writer_factory, tmp_path):
    seed = int(os.environ.get("DESKTOP832_CRASH_SEED", time.time_ns() % 100_000))
    rnd = random.Random(seed)
    db = tmp_path / "unit.sqlite"
    expected = Expected()
    killed_mid_work = 0
    for round_ in range(ROUNDS):
        report = tmp_path / f"report-{round_}.txt"
        writer_factory.stdin.write(f"{db} {report} {seed * 1000 + round_}\n")
        writer_factory.stdin.flush()
        kind, pid = writer_factory.stdout.readline().split()
        assert kind == "pid"
        if round_ % 4 == 0:  # some kills land while the file is being opened (or created)
            time.sleep(rnd.uniform(0, 0.06))
        else:  # most in the middle of writing, however fast or slow this machine is today
            wait_for_progress(report)
            time.sleep(rnd.uniform(0, 0.03))
        os.kill(int(pid), signal.SIGKILL)
        kind, status = writer_factory.stdout.readline().split()
        assert kind == "exit" and os.WIFSIGNALED(int(status)) and os.WTERMSIG(int(status)) == signal.SIGKILL, (
            report.read_text() if report.exists() else "no report"
        )
        text = report.read_text() if report.exists() else ""
        before = expected.saved_changes
        expected.read(text)
        killed_mid_work += expected.saved_changes > before
        check_file(db, expected, f"seed {seed}, round {round_}")
    # the kills must have hit real work, not only idle processes
    assert killed_mid_work >= ROUNDS * 3 // 4, f"seed {seed}: only {killed_mid_work} rounds saved anything"
    # every round waited for had saved a purchase (each round also edits, imports, deletes: fewer
    # purchases per round than a writer doing only that)
    assert len(expected.purchases) >= ROUNDS * 3 // 4
    with Store.open(db) as store:  # and the app opens what the crashes left
        assert store.integrity_ok()
        expected.check_purchases({p.id: (p.order_no, p.amount) for p in store.purchases(2024)}, f"seed {seed}, reopened")


def test_a_file_whose_creation_was_interrupted_opens_as_new(tmp_path, monkeypatch):
    """Creating the tables and marking the file is one transaction: stopped halfway, nothing stays
    (before, the tables stayed without the mark and the next start refused the file as foreign)."""
    from sqlalchemy.exc import OperationalError

    from desktop832.store import schema

    db = tmp_path / "unit.sqlite"
    with monkeypatch.context() as patch:
        patch.setattr(schema, "APPLICATION_ID", "'interrupted")  # the last step of creating fails
        with pytest.raises(OperationalError):
            Store.open(db)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    con.close()
    with Store.open(db) as store:
        assert store.integrity_ok() and store.years() == []
