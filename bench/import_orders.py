"""Benchmark: importing a 50,000-row order list (.xlsx) from the 832 platform.

Run from the repository root::

    python bench/import_orders.py [--rows N]

``run()`` returns ``{"import_orders_xlsx": {"ratio", "target", "seconds", ...}}``. The figure is
the whole import as the command line does it (open, map the columns, parse every row, sort the
rows into the preview's groups against the log, and write them in one transaction into a fresh
data file); the baseline is a bare openpyxl read-only pass over the same file (every row's values,
nothing else). ``ratio`` is figure / baseline and ``target`` the largest acceptable ratio. Both are
measured alternately in this process, best of ``--repeats``.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = 50_000
TARGET_RATIO = 1.5
HEADERS = ["订单编号", "下单时间", "店铺名称", "商品名称", "商品数量", "实付金额", "订单状态", "支付时间", "收货人", "采购单位"]
SHOPS = ["河南省光山县原味农业发展有限公司", "甘肃定西市马铃薯产业有限公司", "河南省卢氏县香菇种植专业合作社",
         "云南普洱市思茅区茶业有限公司", "宁夏盐池县滩羊肉业有限公司", "陕西延川县红枣专业合作社"]
GOODS = ["光山糯米 10斤装", "定西马铃薯 5kg", "卢氏香菇 500g", "普洱茶 357g", "盐池滩羊肉 2kg", "延川红枣 1kg"]
STATES = ["已完成", "已完成", "已完成", "交易成功", "待收货", "已退款"]


def make_orders(path: Path, rows: int) -> None:
    """A platform-like order list: a title line, the header, then ``rows`` orders."""
    from openpyxl import Workbook

    rnd = random.Random(832)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("订单列表")
    ws.append(["订单列表（导出时间 2025-01-05 09:00:00）"])
    ws.append(HEADERS)
    start = dt.datetime(2024, 1, 1, 8, 0, 0)
    for i in range(rows):
        when = start + dt.timedelta(minutes=7 * i + rnd.randrange(5))
        state = rnd.choice(STATES)
        paid = (when + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S") if state != "已退款" else ""
        ws.append([
            f"832{when:%Y%m%d}{i:07d}", when.strftime("%Y-%m-%d %H:%M:%S"), rnd.choice(SHOPS), rnd.choice(GOODS),
            rnd.randint(1, 40), round(rnd.uniform(20, 5000), 2), state, paid, "张三", "郑州市示例农业技术推广中心",
        ])
    wb.save(path)


def bare_pass(path: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    with open(path, "rb") as handle:
        wb = load_workbook(handle, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()
    return time.perf_counter() - started


def full_import(path: Path, folder: Path, n: int) -> float:
    from desktop832.domain.model import UnitProfile
    from desktop832.app.importing import import_orders
    from desktop832.app.policies import PolicyLibrary
    from desktop832.store.database import Store
    from desktop832.app.workspace import Workspace

    store = Store.open(folder / f"unit-{n}.sqlite")
    store.save_profile(UnitProfile(name="示例单位", province="河南省", city="郑州市"))
    ws = Workspace(store, PolicyLibrary([ROOT / "resources" / "policies"]), today=dt.date(2025, 1, 5))
    try:
        started = time.perf_counter()
        _, result = import_orders(ws, path)
        seconds = time.perf_counter() - started
        assert result.added == store.purchase_count() > 0
        return seconds
    finally:
        ws.close()


def run(rows: int = ROWS, repeats: int = 2) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-import-orders-") as folder:
        folder = Path(folder)
        os.environ.setdefault("DESKTOP832_HOME", str(folder / "home"))
        path = folder / "orders.xlsx"
        make_orders(path, rows)
        # the first data file pays the one-time migration imports; keep that out of the figure
        full_import_warm = full_import(path, folder, -1)
        bare, full = [], []
        for n in range(repeats):
            bare.append(bare_pass(path))
            full.append(full_import(path, folder, n))
    seconds, base = min(full), min(bare)
    return {
        "import_orders_xlsx": {
            "ratio": seconds / base, "target": TARGET_RATIO, "seconds": seconds, "baseline_seconds": base,
            "rows": rows, "first_import_seconds": full_import_warm,
        }
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
    r = results["import_orders_xlsx"]
    verdict = "ok" if r["ratio"] <= r["target"] else "TOO SLOW"
    print(f"import {args.rows:,} orders (.xlsx): {r['seconds']:.2f} s; bare read-only pass {r['baseline_seconds']:.2f} s; "
          f"ratio {r['ratio']:.2f} (target ≤ {r['target']}) {verdict}")
    return 0 if r["ratio"] <= r["target"] else 1


if __name__ == "__main__":
    sys.exit(main())
