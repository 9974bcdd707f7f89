"""Benchmark: ``desktop832 dump`` and ``desktop832 load`` of a big log, time and peak memory.

Run from the repository root::

    python bench/dump_load.py [--rows N ...] [--repeats R]

Each figure is a whole fresh process (``python -m desktop832 …``), its peak resident memory read
from the operating system after it ends. The baselines run the same way in the same run: for
``dump``, a script with the standard library only that reads the same purchases with ``sqlite3``
and writes them with ``json.dump``; for ``load``, one that reads that JSON file with ``json.load``
and inserts the rows with ``sqlite3`` ``executemany``. They do none of desktop832's work (money as
integer fen read back to yuan, every value checked, the schema made), so they are floors.
Targets (issue: a million purchases): each within 2× its baseline, and under 300 MB of memory,
at 100,000 purchases and at a million (``dump_1m``, ``load_1m``, …; the units are built once into
the benchmark cache, see ``_cache.py``). CPU seconds and their ratio are reported beside the wall
times (steadier on a shared machine). The commands run from compiled bytecode, as installed.
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
SIZES = (ROWS, 1_000_000)  # the million-purchase unit is built once into bench/.cache/
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


def _env() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # an installed app runs from compiled bytecode (pip and the installer write it): the first
    # run writes it here, the measured ones read it, instead of compiling every module each time
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _measure(argv: list[str]) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak MB of one fresh process (the largest child so far: run the
    biggest last or read each in its own fork, which this does)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a middle process, so the peak read is this command's alone
        os.close(read)
        started = time.perf_counter()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        os.write(write, json.dumps([result.returncode, seconds, cpu, peak, result.stderr.decode("utf-8", "replace")[-500:]]).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.waitpid(pid, 0)
    code, seconds, cpu, peak, stderr = json.loads(data)
    if code != 0:
        raise RuntimeError(f"{argv[2:]} failed: {stderr}")
    return seconds, cpu, peak


def _best(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def measure(rows: int, repeats: int = 1) -> dict:
    """The four figures for a unit of ``rows`` purchases (built once into the benchmark cache),
    each command and its baseline run alternately, best of ``repeats``."""
    from _cache import cached_unit

    python = sys.executable
    unit = cached_unit(rows)
    suffix = "" if rows == ROWS else f"_{rows // 1_000_000}m" if rows % 1_000_000 == 0 else f"_{rows}"
    with tempfile.TemporaryDirectory(prefix="bench-dump-") as folder:
        folder = Path(folder)
        dump = [python, "-m", "desktop832", "--db", str(unit), "dump", "-o", str(folder / "dump.json")]
        base_dump = [python, "-c", _DUMP_BASELINE, str(unit), str(folder / "base.json")]
        # the package's bytecode, as pip writes it at install (site-packages has it already)
        subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "desktop832")], capture_output=True, env=_env())
        runs, base_runs = [], []
        for _ in range(repeats):
            runs.append(_measure(dump))
            base_runs.append(_measure(base_dump))
        (folder / "base.json").unlink()
        dump_s, dump_cpu, dump_mb = _best(runs)
        base_dump_s, base_dump_cpu, base_dump_mb = _best(base_runs)
        runs, base_runs = [], []
        for n in range(repeats):
            runs.append(_measure([python, "-m", "desktop832", "load", str(folder / "dump.json"), "--db", str(folder / f"new{n}.sqlite")]))
            base_runs.append(_measure([python, "-c", _LOAD_BASELINE, str(folder / "dump.json"), str(folder / f"base{n}.sqlite")]))
            for made in folder.glob("*.sqlite*"):
                made.unlink()
        load_s, load_cpu, load_mb = _best(runs)
        base_load_s, base_load_cpu, base_load_mb = _best(base_runs)
    note = f"{rows:,} purchases; whole processes, best of {repeats}"
    return {
        f"dump{suffix}": {"ratio": dump_s / base_dump_s, "target": TARGET_RATIO, "seconds": dump_s,
                          "baseline_seconds": base_dump_s, "cpu_seconds": dump_cpu, "baseline_cpu_seconds": base_dump_cpu,
                          "cpu_ratio": dump_cpu / base_dump_cpu, "rows": rows, "note": note},
        f"dump_memory{suffix}": {"ratio": dump_mb / base_dump_mb, "target": TARGET_MB, "target_of": "mb", "seconds": None,
                                 "mb": dump_mb, "baseline_mb": base_dump_mb, "rows": rows,
                                 "note": f"peak resident; baseline {base_dump_mb:.0f} MB"},
        f"load{suffix}": {"ratio": load_s / base_load_s, "target": TARGET_RATIO, "seconds": load_s,
                          "baseline_seconds": base_load_s, "cpu_seconds": load_cpu, "baseline_cpu_seconds": base_load_cpu,
                          "cpu_ratio": load_cpu / base_load_cpu, "rows": rows, "note": note},
        f"load_memory{suffix}": {"ratio": load_mb / base_load_mb, "target": TARGET_MB, "target_of": "mb", "seconds": None,
                                 "mb": load_mb, "baseline_mb": base_load_mb, "rows": rows,
                                 "note": f"peak resident; baseline {base_load_mb:.0f} MB"},
    }


def run(sizes: tuple[int, ...] = SIZES, repeats: int = 2) -> dict:
    results = {}
    for rows in sizes:
        results.update(measure(rows, repeats if rows <= ROWS else 1))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(SIZES), help="sizes to measure (default 100000 1000000)")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each command up to 100,000 purchases (1 above)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = run(tuple(args.rows), args.repeats)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for name, r in results.items():
            value = f"{r['mb']:.0f} MB" if r.get("mb") is not None else f"{r['seconds']:.2f} s"
            cpu = f", CPU {r['cpu_ratio']:.2f}×" if r.get("cpu_ratio") else ""
            print(f"{name:16} {value:>10}  {r['ratio']:.2f}× baseline{cpu}  (target {r['target']}{' MB' if r.get('mb') else '×'}; {r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
