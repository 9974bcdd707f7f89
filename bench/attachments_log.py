"""Benchmark: the purchase log opens as fast with 5,000 attachments in the file as without.

Run from the repository root::

    python bench/attachments_log.py [--rows N] [--attachments N]

Two data files with the same 100,000 purchases (``bench/purchase_log.py``'s ``fill``); the second
also holds 5,000 attachments (4,000 distinct contents of 16 KB, so some are shared) linked to
purchases spread over the year. Each figure is the median over three fresh processes, the two
files measured one after the other so both see the same load:

- attachments_log_open_tab: build the purchase log tab, load the year and paint it, on the file
  with attachments; the baseline is the same on the file without (target: ratio at most 1.25,
  the spread of such timings on a shared machine; the log never reads the attachment tables);
- attachments_log_app_open (for the record): the main window opening each file, findings included
  (they ask SQL which completed orders have no evidence).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for entry in (ROOT, BENCH):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import purchase_log  # noqa: E402  (bench/purchase_log.py: the file and the measuring children)

ROWS = purchase_log.ROWS
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


def run(rows: int = ROWS, attachments: int = ATTACHMENTS, processes: int = PROCESSES) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-attachments-log-") as folder:
        folder = Path(folder)
        plain, with_files = folder / "plain.sqlite", folder / "attached.sqlite"
        purchase_log.fill(plain, rows)
        shutil.copyfile(plain, with_files)
        add_attachments(with_files, attachments, min(CONTENTS, attachments))
        size_mb = with_files.stat().st_size / 1e6
        pairs = []
        for _ in range(processes):
            pairs.append((purchase_log._child("tab", plain, rows, folder / "home"),
                          purchase_log._child("tab", with_files, rows, folder / "home")))
        apps = (purchase_log._child("app", plain, rows, folder / "home"),
                purchase_log._child("app", with_files, rows, folder / "home"))
    note = f"{rows:,} purchases; {attachments:,} attachments, file {size_mb:.0f} MB"
    return {
        "attachments_log_open_tab": {
            "ratio": statistics.median(b["open_tab"] / a["open_tab"] for a, b in pairs),
            "target": TARGET_RATIO, "target_of": "ratio",
            "seconds": statistics.median(b["open_tab"] for _, b in pairs),
            "baseline_seconds": statistics.median(a["open_tab"] for a, _ in pairs),
            "note": note,
        },
        "attachments_log_app_open": {
            "ratio": apps[1]["app_open"] / apps[0]["app_open"], "target": None,
            "seconds": apps[1]["app_open"], "baseline_seconds": apps[0]["app_open"], "note": note,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--attachments", type=int, default=ATTACHMENTS)
    args = parser.parse_args(argv)
    results = run(args.rows, args.attachments)
    for name, r in results.items():
        print(f"{name:<28} with {r['seconds']:.3f} s  without {r['baseline_seconds']:.3f} s  "
              f"ratio {r['ratio']:.2f}  target {r['target'] or '—'}  ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
