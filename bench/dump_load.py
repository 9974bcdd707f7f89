"""Benchmark: ``desktop832 dump`` and ``desktop832 load`` of a big log, time and peak memory.

Run from the repository root::

    python bench/dump_load.py [--rows N]

Each figure is a whole fresh process (``python -m desktop832 …``), its peak resident memory read
from the operating system after it ends. The baselines run the same way in the same run: for
``dump``, a script with the standard library only that reads the same purchases with ``sqlite3``
and writes them with ``json.dump``; for ``load``, one that reads that JSON file with ``json.load``
and inserts the rows with ``sqlite3`` ``executemany``. They do none of desktop832's work (money as
integer fen read back to yuan, every value checked, the schema made), so they are floors.
Targets (issue: a million purchases): each within 2× its baseline, and under 300 MB of memory.
``run()`` returns ``{name: {"ratio", "target", "seconds", ...}}`` for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / "bench"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

ROWS = 100_000
TARGET_RATIO = 2.0
TARGET_MB = 300

_DUMP_BASELINE = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT date, amount, order_no, supplier, description, purpose, channel, state, paid_on, "
                  "evaluated, note, delivered_on, refunded, hand_edited FROM purchase ORDER BY date, id")
keys = ["date", "amount", "order_no", "supplier", "description", "purpose", "channel", "state", "paid_on",
        "evaluated", "note", "delivered_on", "refunded", "hand_edited"]
doc = {"purchases": [dict(zip(keys, r)) for r in rows]}
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(doc, out, ensure_ascii=False, indent=2)
"""

_LOAD_BASELINE = """
import json, sqlite3, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
db = sqlite3.connect(sys.argv[2])
db.execute("CREATE TABLE purchase (date, amount, order_no, supplier, description, purpose, channel, state, "
           "paid_on, evaluated, note, delivered_on, refunded, hand_edited)")
db.executemany("INSERT INTO purchase VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               [tuple(str(v) if isinstance(v, list) else v for v in p.values()) for p in doc["purchases"]])
db.commit()
"""


def _measure(argv: list[str]) -> tuple[float, float]:
    """Seconds and peak MB of one fresh process (the largest child so far: run the biggest last
    or read each in its own fork, which this does)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a middle process, so the peak read is this command's alone
        os.close(read)
        started = time.perf_counter()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        os.write(write, json.dumps([result.returncode, seconds, peak, result.stderr.decode("utf-8", "replace")[-500:]]).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.waitpid(pid, 0)
    code, seconds, peak, stderr = json.loads(data)
    if code != 0:
        raise RuntimeError(f"{argv[2:]} failed: {stderr}")
    return seconds, peak


def run(rows: int = ROWS) -> dict:
    from export_xlsx import make_unit

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-dump-") as folder:
        folder = Path(folder)
        unit = folder / "unit.sqlite"
        make_unit(unit, rows)
        dump_s, dump_mb = _measure([python, "-m", "desktop832", "--db", str(unit), "dump", "-o", str(folder / "dump.json")])
        base_dump_s, base_dump_mb = _measure([python, "-c", _DUMP_BASELINE, str(unit), str(folder / "base.json")])
        load_s, load_mb = _measure([python, "-m", "desktop832", "load", str(folder / "dump.json"), "--db", str(folder / "new.sqlite")])
        base_load_s, base_load_mb = _measure([python, "-c", _LOAD_BASELINE, str(folder / "dump.json"), str(folder / "base.sqlite")])
    note = f"{rows:,} purchases; whole processes"
    return {
        "dump": {"ratio": dump_s / base_dump_s, "target": TARGET_RATIO, "seconds": dump_s,
                 "baseline_seconds": base_dump_s, "note": note},
        "dump_memory": {"ratio": dump_mb / base_dump_mb, "target": TARGET_MB, "target_of": "mb", "seconds": None,
                        "mb": dump_mb, "note": f"peak resident; baseline {base_dump_mb:.0f} MB"},
        "load": {"ratio": load_s / base_load_s, "target": TARGET_RATIO, "seconds": load_s,
                 "baseline_seconds": base_load_s, "note": note},
        "load_memory": {"ratio": load_mb / base_load_mb, "target": TARGET_MB, "target_of": "mb", "seconds": None,
                        "mb": load_mb, "note": f"peak resident; baseline {base_load_mb:.0f} MB"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.rows)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for name, r in results.items():
            value = f"{r['mb']:.0f} MB" if r.get("mb") is not None else f"{r['seconds']:.2f} s"
            print(f"{name:12} {value:>10}  {r['ratio']:.2f}× baseline  (target {r['target']}{' MB' if r.get('mb') else '×'}; {r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
