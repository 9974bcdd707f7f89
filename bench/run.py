"""Run every benchmark in ``bench/`` and print one table (or, with ``--json``, one JSON object).

Run from the repository root::

    python bench/run.py [--json] [--only NAME ...]

Every ``bench/*.py`` module except this one and ``_*.py`` helpers is a benchmark module: it has a
``run()`` returning ``{benchmark name: figures}``, each figures dict holding at least

- ``seconds``: the measured time (``None`` for a figure that is not a time, e.g. memory);
- ``ratio``: that time divided by a baseline measured in the same run on the same machine
  (``None`` when there is no baseline);
- ``target``: the goal (``None``: for the record only), and preferably ``target_of`` saying what
  it bounds: ``"ratio"``, ``"seconds"``, ``"mb"`` or ``"kb"`` (then the figure is under that key).
  Without ``target_of``: ``"mb"`` when the figures carry ``mb``, else a target of 1 or more bounds
  the ratio (a ratio under 1 would mean faster than the bare baseline) and a smaller one the
  seconds.

``--json`` prints ``{name: {"ratio", "target", "seconds", ...}}`` with every figure a module gave,
plus ``ok`` (``true``/``false``, ``null`` without a target) and ``module``. A module that fails is
reported with its error and the others still run; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (ROOT, BENCH):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))


def modules() -> list[Path]:
    return sorted(p for p in BENCH.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def target_of(figures: dict) -> str | None:
    if figures.get("target") is None:
        return None
    if figures.get("target_of"):
        return figures["target_of"]
    if figures.get("mb") is not None:
        return "mb"
    return "ratio" if figures["target"] >= 1 else "seconds"


def verdict(figures: dict) -> bool | None:
    kind = target_of(figures)
    if kind is None:
        return None
    value = figures.get(kind)
    if value is None:
        return None
    return value <= figures["target"]


def collect(only: list[str] | None = None, log=sys.stderr) -> tuple[dict, dict]:
    """Run the modules; returns ``(results by benchmark name, errors by module name)``."""
    results: dict[str, dict] = {}
    errors: dict[str, str] = {}
    for path in modules():
        if only and not any(word in path.stem for word in only):
            continue
        print(f"running {path.name} …", file=log, flush=True)
        started = time.perf_counter()
        try:
            figures = load(path).run()
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others
            errors[path.stem] = traceback.format_exc(limit=3)
            print(f"  failed: {errors[path.stem].strip().splitlines()[-1]}", file=log, flush=True)
            continue
        print(f"  done in {time.perf_counter() - started:.0f} s", file=log, flush=True)
        if "seconds" in figures and not isinstance(figures.get("seconds"), dict):
            figures = {path.stem: figures}  # a module measuring one thing may return its figures alone
        for name, values in figures.items():
            key = name if name not in results else f"{path.stem}.{name}"
            results[key] = {**values, "ok": verdict(values), "module": path.stem}
    return results, errors


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import PySide6

        qt = f"PySide6 {PySide6.__version__}"
    except ImportError:
        qt = "no PySide6"
    system = platform.system()
    if system == "Linux":
        try:
            release = dict(
                line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
            )
            system = release.get("PRETTY_NAME", "Linux").strip('"')
        except OSError:
            pass
    return f"{cpu}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}, {qt}"


def _fmt(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "seconds":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if kind == "ratio":
        return f"{value:.2f}×"
    if kind == "mb":
        return f"{value:.0f} MB"
    if kind == "kb":
        return f"{value:.0f} KB"
    return str(value)


def table(results: dict, errors: dict) -> str:
    rows = [("benchmark", "measured", "baseline", "ratio", "target", "verdict")]
    for name, r in results.items():
        kind = target_of(r)
        if r.get("seconds") is not None:
            measured, base = _fmt(r["seconds"], "seconds"), _fmt(r.get("baseline_seconds"), "seconds")
        elif r.get("mb") is not None:
            measured, base = _fmt(r["mb"], "mb"), _fmt(r.get("baseline_mb"), "mb")
        elif r.get("kb") is not None:
            measured, base = _fmt(r["kb"], "kb"), "—"
        else:
            measured, base = "—", "—"
        target = "—" if kind is None else ("≤ " if kind == "ratio" else "< ") + _fmt(r["target"], kind)
        ok = {True: "ok", False: "MISSED", None: ""}[r["ok"]]
        rows.append((name, measured, base, _fmt(r.get("ratio"), "ratio"), target, ok))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"machine: {machine()}", ""]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) if j == 0 else cell.rjust(width) for j, (cell, width) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * width for width in widths))
    notes = [f"  {name}: {r['note']}" for name, r in results.items() if r.get("note")]
    if notes:
        lines += ["", "notes:"] + notes
    for module, error in errors.items():
        lines += ["", f"{module}.py FAILED:", error.rstrip()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--only", nargs="*", help="run only the modules whose name contains one of these words")
    args = parser.parse_args(argv)
    results, errors = collect(args.only)
    if args.json:
        out = dict(results)
        for module, error in errors.items():
            out[module] = {"ratio": None, "target": None, "seconds": None, "ok": False, "error": error}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(table(results, errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
