"""Benchmark: the window and its purchase log work as fast with 5,000 attachments in the file as without.

Run from the repository root::

    python bench/attachments_log.py [--rows N] [--attachments N]

Two copies of the purchase log benchmark's data file (100,000 purchases in the year, built once into
the benchmark cache); the second also holds 5,000 attachments (4,000 distinct contents of 16 KB, so
some are shared) linked to purchases spread over the year. The real window (``bench/purchase_log.py``'s
window child: open the file, show its data and findings, open the purchase log, sort, search, edit
an amount, …) runs on each copy, one after the other so both see the same load, three times; each
figure is the median of its ratio with attachments / without:

- attachments_log_open_tab: the purchase log tab opened until painted, in the window child above:
  right after the data is shown, while the window's backup on open still copies the file (five
  times as big with the attachments) on the same two cores; for the record;
- attachments_log_open_tab_idle: the same, in a child of this module that lets the backup on open
  finish first: the log itself (target: ratio at most 1.25, the spread of such timings on a shared
  machine; the log never reads the attachment tables);
- attachments_log_data_shown: the window from its start until the data and findings are shown
  (target 1.25: the findings ask SQL which completed orders have no evidence, through indexes);
- attachments_log_edit_amount: one amount edited in the window, the re-check included (target 1.25);
- attachments_log_memory (for the record): peak memory with attachments / without.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for entry in (ROOT, BENCH):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

ROWS = 100_000
ATTACHMENTS = 5_000
CONTENTS = 4_000
CONTENT_BYTES = 16 * 1024
TARGET_RATIO = 1.25
PROCESSES = 3


def add_attachments(path: Path, count: int, contents: int) -> None:
    """``count`` links to ``contents`` distinct PDF-like contents, in the store's format (plain
    sqlite3, as ``fill`` does; checked through the store below)."""
    from desktop832.store.database import Store

    rng = random.Random(5000)
    con = sqlite3.connect(path)
    ids = [pid for (pid,) in con.execute("SELECT id FROM purchase ORDER BY id")]
    blobs = []
    for i in range(contents):
        data = b"%PDF-1.4\n" + rng.randbytes(CONTENT_BYTES - 9)
        blobs.append((hashlib.sha256(data).hexdigest(), len(data), "application/pdf", f"发票{i}.pdf", data))
    links = []
    for i in range(count):
        sha = blobs[i % contents][0]
        links.append((rng.choice(ids), sha, f"发票{i}.pdf", dt.date(2024, 5, 1).isoformat(), "发票"))
    with con:
        con.executemany("INSERT INTO blob (sha256, size, media_type, file_name, data) VALUES (?, ?, ?, ?, ?)", blobs)
        con.executemany(
            "INSERT INTO purchase_attachment (purchase_id, sha256, file_name, added_on, kind) VALUES (?, ?, ?, ?, ?)", links)
    con.close()
    with Store.open(path) as store:
        assert store.blob_count() == contents
        first = store.purchase_attachments(links[0][0])
        assert first and store.read_blob(first[0].sha256)[:5] == b"%PDF-"


def child_idle(path: Path) -> dict:
    """The window on ``path``; once its data is shown and its backup on open has finished, the
    purchase log tab opened until painted, then a sort by amount."""
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from desktop832.ui.app import configure_application
    from desktop832.ui.dialogs.backup import wait_for_open_backups
    from desktop832.ui.main_window import TAB_PURCHASES, MainWindow
    from desktop832.ui.purchases import fields

    configure_application(app)
    window = MainWindow(today=dt.date(2024, 6, 1))
    window.resize(1180, 760)
    window.show()
    app.processEvents()
    assert window.open_database(path)
    deadline = time.perf_counter() + 120
    while not (window.document and window.document.findings and window.findings_panel.shown() == window.document.findings):
        app.processEvents()
        assert time.perf_counter() < deadline, "the findings were never shown"
    wait_for_open_backups(120)
    for _ in range(20):
        app.processEvents()
    started = time.perf_counter()
    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    app.processEvents()
    tab.table.viewport().repaint()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    tab.table.horizontalHeader().setSortIndicator(fields.column_index("amount"), Qt.SortOrder.DescendingOrder)
    app.processEvents()
    tab.table.viewport().repaint()
    sort = time.perf_counter() - started
    window.document.save_now()
    return {"open_tab": opened, "sort": sort}


def _idle(path: Path, home: Path) -> dict:
    import json

    from startup import child_env

    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(path)], env=child_env(home),
                          capture_output=True, text=True, check=False, timeout=900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"attachments log child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def run(rows: int = ROWS, attachments: int = ATTACHMENTS, processes: int = PROCESSES) -> dict:
    import purchase_log
    from _cache import cached_unit, copy_of
    from _log_data import make_unit

    source = cached_unit(rows, make=make_unit, name="purchase-log")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "desktop832")], check=False)
    pairs = []
    with tempfile.TemporaryDirectory(prefix="bench-attachments-log-") as folder:
        folder = Path(folder)
        for i in range(processes):  # fresh copies each time: the window's child writes to them
            plain_dir, attached_dir = folder / f"plain{i}", folder / f"attached{i}"
            plain_dir.mkdir()
            attached_dir.mkdir()
            plain, attached = copy_of(source, plain_dir), copy_of(source, attached_dir)
            add_attachments(attached, attachments, min(CONTENTS, attachments))
            size_mb = attached.stat().st_size / 1e6
            window = (purchase_log._child("window", plain, folder / "home", False),
                      purchase_log._child("window", attached, folder / "home", False))
            idle = (_idle(plain, folder / "home"), _idle(attached, folder / "home"))
            pairs.append(({**window[0], "idle_open_tab": idle[0]["open_tab"], "idle_sort": idle[0]["sort"]},
                          {**window[1], "idle_open_tab": idle[1]["open_tab"], "idle_sort": idle[1]["sort"]}))
    note = f"{rows:,} purchases in the year; {attachments:,} attachments, the file {size_mb:.0f} MB; baseline: the same file without"
    results = {}
    for name, key, target in (("open_tab", "open_tab", None), ("open_tab_idle", "idle_open_tab", TARGET_RATIO),
                              ("sort_by_amount_idle", "idle_sort", TARGET_RATIO),
                              ("data_shown", "data_shown", TARGET_RATIO), ("edit_amount", "edit", TARGET_RATIO)):
        results[f"attachments_log_{name}"] = {
            "ratio": statistics.median(b[key] / a[key] for a, b in pairs), "target": target,
            "target_of": "ratio" if target else None,
            "seconds": statistics.median(b[key] for _, b in pairs),
            "baseline_seconds": statistics.median(a[key] for a, _ in pairs), "note": note,
        }
    results["attachments_log_memory"] = {
        "ratio": statistics.median(b["memory"] / a["memory"] for a, b in pairs) if pairs[0][0]["memory"] else None,
        "target": None, "seconds": None, "mb": statistics.median(b["memory"] for _, b in pairs),
        "baseline_mb": statistics.median(a["memory"] for a, _ in pairs), "note": note,
    }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--attachments", type=int, default=ATTACHMENTS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import json

        import os

        print(json.dumps(child_idle(args.child)), flush=True)
        os._exit(0)  # the figures are out: no teardown of a window with workers (nothing left to save)
    for name, r in run(args.rows, args.attachments).items():
        if r["seconds"] is None:
            print(f"{name:<28} with {r['mb']:.0f} MB  without {r['baseline_mb']:.0f} MB  ({r['note']})")
            continue
        print(f"{name:<28} with {r['seconds']:.3f} s  without {r['baseline_seconds']:.3f} s  "
              f"ratio {r['ratio']:.2f}  target {r['target'] or '—'}  ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
