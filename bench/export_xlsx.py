"""Benchmark: the upward export of a year with 100,000 purchases.

Run from the repository root::

    python bench/export_xlsx.py [--rows N]

``run()`` returns ``{"export_xlsx": {"ratio", "target", "seconds", ...}}``. The figure is the whole
export as the command line does it (read the year from the data file, run the rules, compute the
fingerprint, write the five sheets through a temporary file, mark the filing as exported); the
baseline is a bare openpyxl write-only workbook holding the same purchase cells (one row of twelve
values per purchase, values prepared beforehand, no styles). ``ratio`` is figure / baseline and
``target`` the largest acceptable ratio. Both are measured alternately in this process, best of
``--repeats``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
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
TARGET_RATIO = 1.5
SHOPS = ["河南省光山县原味农业发展有限公司", "甘肃定西市马铃薯产业有限公司", "河南省卢氏县香菇种植专业合作社",
         "云南普洱市思茅区茶业有限公司", "宁夏盐池县滩羊肉业有限公司", "陕西延川县红枣专业合作社"]
GOODS = ["光山糯米 10斤装", "定西马铃薯 5kg", "卢氏香菇 500g", "普洱茶 357g", "盐池滩羊肉 2kg", "延川红枣 1kg"]


def iter_purchases(rows: int):
    from desktop832.domain.model import Channel, OrderState, Purchase, Purpose

    rnd = random.Random(832)
    purposes, states = list(Purpose), [OrderState.DONE] * 8 + [OrderState.OPEN, OrderState.REFUNDED]
    start = dt.date(YEAR, 1, 1)
    for i in range(rows):
        date = start + dt.timedelta(days=i * 365 // rows)
        yield Purchase(
            date=date, amount=Decimal(rnd.randint(2000, 500000)) / 100, order_no=f"832{date:%Y%m%d}{i:07d}",
            supplier=rnd.choice(SHOPS), description=rnd.choice(GOODS), purpose=rnd.choice(purposes),
            channel=Channel.PLATFORM if i % 20 else Channel.OTHER, state=rnd.choice(states),
            paid_on=date + dt.timedelta(days=3) if i % 3 else None, evaluated=bool(i % 2), note="",
        )


def purchases(rows: int):
    return list(iter_purchases(rows))


def make_unit(path: Path, rows: int) -> None:
    from desktop832.domain.model import AnnualPlan, UnitProfile
    from desktop832.store.database import Store

    with Store.open(path) as store:
        store.save_profile(UnitProfile(
            name="郑州市示例农业技术推广中心", credit_code="12410100MB0C8K3D2W", province="河南省", city="郑州市",
            supervising_department="郑州市农业农村工作委员会", contact_name="李晓敏", phone="0371-67180832",
            union_members=86, employees=92,
        ))
        store.save_plan(AnnualPlan(YEAR).with_canteen_total(Decimal(1250000)).with_reserve_ratio(Decimal(15)).with_(
            union_farm_total=Decimal(150000), union_reserve=Decimal(24000), last_year_amount=Decimal(120000)))
        batch = []
        for purchase in iter_purchases(rows):  # in batches: a million Purchase values at once would take gigabytes
            batch.append(purchase)
            if len(batch) == 50_000:
                store.add_purchases(batch)
                batch = []
        store.add_purchases(batch)


def bare_write(rows: list[list], path: Path) -> float:
    from openpyxl import Workbook

    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("采购明细")
    for row in rows:
        ws.append(row)
    wb.save(path)
    return time.perf_counter() - started


def same_cells(path: Path) -> list[list]:
    """The detail sheet's values, as the export writes them."""
    from desktop832.documents import fingerprint as fp
    from desktop832.store.database import Store

    with Store.open(path) as store:
        stored = store.purchases(YEAR)
    return [
        [p.date, p.order_no, p.supplier, p.description, p.amount, p.purpose.value, p.channel.value, p.state.value,
         p.paid_on, "是" if p.evaluated else "否", p.note or None, fp.digest(fp.purchase_line(p))]
        for p in stored
    ]


def full_export(db: Path, out: Path) -> float:
    import shutil

    from desktop832.app.exporting import export_year
    from desktop832.app.policies import PolicyLibrary
    from desktop832.app.workspace import Workspace

    copy = db.with_name(f"copy-{out.stem}.sqlite")
    shutil.copyfile(db, copy)  # every run starts from a draft filing
    ws = Workspace.open(copy, library=PolicyLibrary([ROOT / "resources" / "policies"]), today=dt.date(YEAR, 2, 10))
    try:
        started = time.perf_counter()
        result = export_year(ws, YEAR, out)
        seconds = time.perf_counter() - started
        assert result.purchase_count > 0
        return seconds
    finally:
        ws.close()


def run(rows: int = ROWS, repeats: int = 2) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        folder = Path(folder)
        os.environ.setdefault("DESKTOP832_HOME", str(folder / "home"))
        db = folder / "unit.sqlite"
        make_unit(db, rows)
        cells = same_cells(db)
        bare, full = [], []
        for n in range(repeats):
            bare.append(bare_write(cells, folder / f"bare-{n}.xlsx"))
            full.append(full_export(db, folder / f"export-{n}.xlsx"))
    seconds, base = min(full), min(bare)
    return {
        "export_xlsx": {"ratio": seconds / base, "target": TARGET_RATIO, "seconds": seconds, "baseline_seconds": base,
                        "rows": rows}
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.rows, args.repeats)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    r = results["export_xlsx"]
    verdict = "ok" if r["ratio"] <= r["target"] else "TOO SLOW"
    print(f"export a year of {args.rows:,} purchases: {r['seconds']:.2f} s; bare write-only of the same cells "
          f"{r['baseline_seconds']:.2f} s; ratio {r['ratio']:.2f} (target ≤ {r['target']}) {verdict}")
    return 0 if r["ratio"] <= r["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
