"""Data files the benchmarks share, built once and kept: a million purchases take minutes to
make and seconds to measure, so a run reuses the file an earlier run made.

    from _cache import cached_unit
    db = cached_unit(1_000_000)             # the export benchmark's unit with a million purchases
    db = cached_unit(n, make=my_make_unit)  # another generator: its own file

The files live in ``bench/.cache/`` (or ``$DESKTOP832_BENCH_CACHE``), named by the row count and
a digest of the generator's module source and the data file's schema revision, so a changed
generator or schema builds a new file instead of measuring a stale one. Treat a cached file as
read-only: copy it (:func:`copy_of`) before anything writes to it. Delete the folder to rebuild.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (ROOT, BENCH):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))


def cache_dir() -> Path:
    return Path(os.environ.get("DESKTOP832_BENCH_CACHE") or BENCH / ".cache")


def cached_unit(rows: int, make: Callable[[Path, int], None] | None = None, name: str = "unit") -> Path:
    """The data file ``make(path, rows)`` builds (default: ``export_xlsx.make_unit``), built the
    first time it is asked for and kept; later runs get the same file at once."""
    if make is None:
        from export_xlsx import make_unit as make
    from desktop832.store.schema import HEAD_REVISION

    source = Path(inspect.getsourcefile(make)).read_bytes()
    key = hashlib.sha256(source + f"|{make.__qualname__}|{rows}|{HEAD_REVISION}".encode()).hexdigest()[:12]
    path = cache_dir() / f"{name}-{rows}-{key}.sqlite"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for leftover in (building, building.with_name(building.name + "-wal"), building.with_name(building.name + "-shm")):
        leftover.unlink(missing_ok=True)
    print(f"building {path.name} ({rows:,} purchases, once) …", file=sys.stderr, flush=True)
    make(building, rows)
    con = sqlite3.connect(building)  # everything into the file itself: it is copied without its -wal
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    building.with_name(building.name + "-wal").unlink(missing_ok=True)
    building.with_name(building.name + "-shm").unlink(missing_ok=True)
    building.replace(path)
    return path


def copy_of(path: Path, folder: Path) -> Path:
    """A private copy of a cached file, for a benchmark that writes to it."""
    copy = Path(folder) / path.name
    shutil.copyfile(path, copy)
    return copy
