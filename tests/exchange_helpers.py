"""Shared helpers for the export, verify and order import tests: a small unit and order lists."""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from openpyxl import Workbook

from desktop832.domain.model import AnnualPlan, Channel, OrderState, Purchase, Purpose
from desktop832.app.policies import PolicyLibrary
from desktop832.store.database import Store
from desktop832.app.workspace import Workspace

from .conftest import ROOT

TODAY = dt.date(2024, 2, 10)

ORDER_HEADERS = ["订单编号", "下单时间", "店铺名称", "商品名称", "实付金额", "订单状态", "支付时间", "收货人"]
ORDER_ROWS = [
    ["8322024030100001", "2024-03-01 10:22:33", "光山县原味农业发展有限公司", "光山糯米 10件", "1,234.50", "已完成", "2024-03-02 09:00:00", "张三"],
    ["8322024030500002", "2024-03-05 08:00:00", "定西市马铃薯产业有限公司", "定西马铃薯", "880", "交易成功", "", "李四"],
    ["8322024031000003", "2024-03-10 12:00:00", "卢氏县香菇合作社", "卢氏香菇", "99.90", "待收货", "", "王五"],
    ["8322024031200004", "2024-03-12 15:30:00", "卢氏县香菇合作社", "木耳", "45.00", "已退款", "", "王五"],
]


_TEMPLATE: list[Path] = []


def new_store(path: Path) -> Store:
    """A fresh data file, copied from one migrated once per session (a migration costs 0.2 s)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="d832-template-"))
        atexit.register(shutil.rmtree, folder, True)
        Store.open(folder / "template.sqlite").close()
        _TEMPLATE.append(folder / "template.sqlite")
    shutil.copyfile(_TEMPLATE[0], path)
    return Store.open(path)


def workspace(path: Path, profile, plan: AnnualPlan | None = None, purchases=(), today: dt.date = TODAY) -> Workspace:
    store = new_store(path)
    store.save_profile(profile)
    if plan is not None:
        store.save_plan(plan)
    store.add_purchases(list(purchases))
    return Workspace(store, PolicyLibrary([ROOT / "resources" / "policies"]), today=today)


def sample_purchases(n: int = 12, year: int = 2024) -> list[Purchase]:
    purposes = list(Purpose)
    states = [OrderState.DONE, OrderState.DONE, OrderState.OPEN, OrderState.REFUNDED]
    return [
        Purchase(
            date=dt.date(year, 1 + i % 12, 1 + i % 27), amount=D(1000 + i * 37) + D("0.25"), order_no=f"832{year}{i:06d}",
            supplier=f"供应商{i % 3}", description=f"商品{i}", purpose=purposes[i % len(purposes)],
            channel=Channel.OTHER if i % 7 == 6 else Channel.PLATFORM, state=states[i % 4],
            paid_on=dt.date(year, 1 + i % 12, 28) if i % 2 else None, evaluated=bool(i % 3), note="",
        )
        for i in range(n)
    ]


def write_orders_xlsx(path: Path, headers=ORDER_HEADERS, rows=ORDER_ROWS, title: str | None = "订单列表（导出时间 2024-04-01）") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "订单"
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_orders_csv(path: Path, encoding: str, headers=ORDER_HEADERS, rows=ORDER_ROWS) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
