"""The purchase log benchmark's data file: the keystroke benchmark's unit (profile, 2023 and 2024
plans) with ``rows`` purchases in 2024 in the log's mix: mostly completed platform orders paid
within weeks, some open, refunded, off-platform or unpaid too long. Kept apart from the benchmark so
that the cached files (``_cache.cached_unit``, keyed by this module's source) outlive its edits."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

YEAR = 2024
TODAY = dt.date(2024, 6, 1)

SUPPLIERS = [
    "河南省光山县原味农业发展有限公司", "甘肃定西市马铃薯产业有限公司", "河南省卢氏县香菇种植专业合作社",
    "云南普洱市思茅区茶业有限公司", "宁夏盐池县滩羊肉业有限公司", "贵州遵义市正安县白茶有限公司",
    "陕西延川县红枣专业合作社", "湖北恩施州富硒茶叶有限公司", "四川凉山州苦荞食品有限公司",
    "内蒙古兴安盟大米产业有限公司", "新疆和田地区红枣加工有限公司", "江西赣州市脐橙专业合作社",
]
GOODS = ["光山糯米", "定西马铃薯", "卢氏香菇", "普洱茶", "盐池滩羊肉", "正安白茶", "延川红枣", "恩施硒茶", "凉山苦荞", "兴安盟大米"]


# --- the data file (built once into the cache) -----------------------------------------------------


def _records(rows: int):
    from desktop832.domain.model import Channel, OrderState, Purpose

    rng = random.Random(832)
    purposes = [Purpose.CANTEEN] * 12 + [Purpose.UNION] * 5 + [Purpose.EMPLOYEE, Purpose.STATE_ENTERPRISE, Purpose.OTHER]
    states = [OrderState.DONE] * 17 + [OrderState.OPEN, OrderState.OPEN, OrderState.REFUNDED]
    start = dt.date(YEAR, 1, 1)
    for i in range(rows):
        date = start + dt.timedelta(days=rng.randrange(152))  # up to "today"
        paid = date + dt.timedelta(days=rng.randrange(1, 25))
        if rng.random() < 0.03 or paid > TODAY:
            paid = None
        yield (
            YEAR, date.isoformat(), rng.randrange(500, 2_000_000), f"832{date:%Y%m%d}{i:07d}",
            rng.choice(SUPPLIERS), f"{rng.choice(GOODS)} {rng.randrange(1, 80)}件", rng.choice(purposes).value,
            (Channel.PLATFORM if rng.random() < 0.93 else Channel.OTHER).value, rng.choice(states).value,
            paid.isoformat() if paid else None, int(rng.random() < 0.7), "",
        )


def make_unit(path: Path, rows: int) -> None:
    """The keystroke benchmark's unit (profile, 2023 and 2024 plans) with ``rows`` purchases in 2024,
    inserted with plain sqlite3 in the store's format (streamed: a million rows are never held)."""
    from startup import fill_unit

    from desktop832.store.database import Store

    fill_unit(path, 0)
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "INSERT INTO purchase (year, date, amount, order_no, supplier, description, purpose, channel, state, "
            "paid_on, evaluated, note, refunded, hand_edited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '')",
            _records(rows),
        )
    con.close()
    with Store.open(path, readonly=True) as store:  # the raw rows read back as domain values
        assert store.purchase_count(YEAR) == rows and store.purchases(YEAR)[0].supplier in SUPPLIERS
