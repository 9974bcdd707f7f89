"""The purchase log's SQL reads agree with the domain: same counting, same tally, same pace."""

import dataclasses
import datetime as dt
import random
import re
from decimal import Decimal as D

import pytest

from desktop832.domain.counting import REASON_CHANNEL, REASON_OPEN, REASON_REFUNDED, overdue_days, tally
from desktop832.domain.errors import InputError
from desktop832.domain.identifiers import parse_order_no
from desktop832.domain.model import CanteenMode, Channel, OrderState, Purchase, Purpose
from desktop832.domain.overview import reserve_target
from desktop832.domain.pace import pace, policy_pace
from desktop832.domain.rules import evaluate
from desktop832.store import purchase_queries as q
from desktop832.store.database import Store

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "unit.sqlite") as store:
        yield store


def random_purchases(n: int, seed: int = 7, year: int = 2024) -> list[Purchase]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366 if year % 4 == 0 else 365))
        paid = None if rng.random() < 0.4 else date + dt.timedelta(days=rng.randrange(60))
        out.append(Purchase(
            date=date, amount=D(rng.randrange(1, 1_000_000)) / 100, order_no=f"832{i:08d}",
            supplier=rng.choice(["光山县原味农业", "定西马铃薯", "卢氏香菇合作社"]), description="糯米",
            purpose=rng.choice(list(Purpose)), channel=rng.choice([Channel.PLATFORM] * 4 + [Channel.OTHER]),
            state=rng.choice([OrderState.DONE] * 4 + [OrderState.OPEN, OrderState.REFUNDED]),
            paid_on=paid, evaluated=rng.random() < 0.5,
        ))
    return out


# --- domain helpers the log relies on ----------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("8322023011100004", "8322023011100004"), (" 832 2023 0111 ", "83220230111"), ("８３２－１", "832-1"),
    ("INV/2024.001_a", "INV/2024.001_a"), ("", ""),
])
def test_order_numbers_are_tidied(text, expected):
    assert parse_order_no(text) == expected


@pytest.mark.parametrize("text, message", [
    ("订单123", "不能有“订”"), ("-123", "应以字母或数字开头"), ("1" * 101, "过长"), ("83#1", "不能有“#”"),
])
def test_bad_order_numbers_are_refused_in_chinese(text, message):
    with pytest.raises(InputError, match=message):
        parse_order_no(text)
    with pytest.raises(InputError, match="不能为空"):
        parse_order_no(" ", required=True)


def test_overdue_only_for_completed_unpaid_platform_orders_beyond_the_limit():
    day = dt.date(2024, 5, 1)
    args = (day, None, TODAY, 30)  # 31 days unpaid
    assert overdue_days(Channel.PLATFORM, OrderState.DONE, *args) == 31
    assert overdue_days(Channel.PLATFORM, OrderState.DONE, day, None, dt.date(2024, 5, 31), 30) is None  # exactly 30
    assert overdue_days(Channel.OTHER, OrderState.DONE, *args) is None
    assert overdue_days(Channel.PLATFORM, OrderState.OPEN, *args) is None
    assert overdue_days(Channel.PLATFORM, OrderState.DONE, day, day, TODAY, 30) is None
    assert overdue_days(Channel.PLATFORM, OrderState.DONE, day, None, TODAY, None) is None


@pytest.mark.parametrize("today", [dt.date(2023, 1, 15), dt.date(2023, 6, 1), dt.date(2023, 10, 31)])
@pytest.mark.parametrize("done", ["0", "50000", "120000"])
def test_pace_says_what_the_progress_rule_says(policies, profile, plan, today, done):
    # Henan 2023 names a finishing date (10月底): the purchase log's pace and the rule agree
    plan, policy = dataclasses.replace(plan, year=2023), policies["henan-2023"]
    purchases = [Purchase(date=dt.date(2023, 1, 2), amount=D(done))] if done != "0" else []
    [finding] = [f for f in evaluate(profile, plan, purchases, policy, today) if f.rule_id == "purchase-progress"]
    target = reserve_target(profile, plan)
    p = policy_pace(policy, target, D(done), 2023, today)
    assert target == D("165000.00")  # 150,000 canteen + 15,000 union
    per_month = re.search(r"每月还需采购约 ([\d,.]+) 元", finding.message).group(1)
    assert per_month == f"{p.per_month:,.2f}"
    assert ("进度落后" in finding.message) == p.behind


def test_pace_when_done_late_or_without_target(profile, plan):
    finish = dt.date(2024, 10, 31)
    assert pace(D("100"), D("100"), 2024, finish, TODAY).complete
    late = pace(D("100"), D("40"), 2024, finish, dt.date(2024, 11, 5))
    assert late.late and late.remaining == D("60") and late.per_month is None
    assert pace(D("0"), D("40"), 2024, finish, TODAY) is None
    ahead = pace(D("1000"), D("0"), 2024, finish, dt.date(2023, 12, 1))  # planning before the year
    assert ahead.months_left == 10 and ahead.per_month == D("100.00") and not ahead.behind
    no_canteen = dataclasses.replace(profile, canteen_mode=CanteenMode.NONE)
    assert reserve_target(no_canteen, plan) == D("15000.00")


# --- SQL against the domain --------------------------------------------------------------------


def test_year_tally_equals_the_domain_tally(store, policies):
    purchases = random_purchases(400) + random_purchases(30, seed=3, year=2023)
    store.add_purchases(purchases)
    for policy_id in ("qinghai-2024", "zhengzhou-2023"):
        policy = policies[policy_id]
        expected = tally(store.purchases(2024), policy, 2024, TODAY)
        assert expected.overdue and expected.not_counted_by_reason  # the data exercises every branch
        assert q.year_tally(store, 2024, policy, TODAY) == expected


def test_year_tally_of_an_empty_year(store, policies):
    assert q.year_tally(store, 2024, policies["qinghai-2024"], TODAY) == tally([], policies["qinghai-2024"], 2024, TODAY)


def query_ids(store, judge, **kw):
    return q.purchase_ids(store, q.LogQuery(2024, **kw), judge)


def test_filters_and_sorts_agree_with_python(store, policies):
    store.add_purchases(random_purchases(300))
    all_ = {p.id: p for p in store.purchases(2024)}
    judge = q.Judge(policies["qinghai-2024"], TODAY)
    reason = lambda p: judge.reason(q.purchase_rows(store, [p.id])[p.id])  # noqa: E731

    assert query_ids(store, judge) == [p.id for p in sorted(all_.values(), key=lambda p: (p.date, p.id))]
    by_amount = query_ids(store, judge, sort="amount", descending=True)
    assert by_amount == [p.id for p in sorted(all_.values(), key=lambda p: (p.amount, p.date, p.id), reverse=True)]
    assert set(query_ids(store, judge, purpose=Purpose.UNION)) == {i for i, p in all_.items() if p.purpose is Purpose.UNION}
    assert set(query_ids(store, judge, month=2)) == {i for i, p in all_.items() if p.date.month == 2}
    assert set(query_ids(store, judge, state=OrderState.OPEN)) == {i for i, p in all_.items() if p.state is OrderState.OPEN}
    not_counted = set(query_ids(store, judge, counted=False))
    assert not_counted == {i for i, p in all_.items() if reason(p) is not None}
    assert set(query_ids(store, judge, counted=True)) == set(all_) - not_counted
    overdue = {o.purchase_id for o in tally(all_.values(), policies["qinghai-2024"], 2024, TODAY).overdue}
    assert set(query_ids(store, judge, overdue_only=True)) == overdue
    assert query_ids(store, judge, search="83200000012") == [i for i, p in all_.items() if p.order_no.startswith("83200000012")]
    assert set(query_ids(store, judge, search="香菇")) == {i for i, p in all_.items() if "香菇" in p.supplier}
    grouped = [reason(all_[i]) or "" for i in query_ids(store, judge, sort=q.COUNTED)]
    assert grouped == sorted(grouped)  # counted ("") first, then reason by reason


def test_search_is_literal(store, policies):
    store.add_purchases([
        Purchase(date=dt.date(2024, 1, 1), amount=D("1"), order_no="A_1"),
        Purchase(date=dt.date(2024, 1, 1), amount=D("1"), order_no="AB1"),
    ])
    judge = q.Judge(policies["qinghai-2024"], TODAY)
    assert len(query_ids(store, judge, search="A_1")) == 1  # "_" is not a wildcard
    assert query_ids(store, judge, search="100%") == []


def test_shown_total_and_rows_round_trip(store, policies):
    saved = store.add_purchase(Purchase(
        date=dt.date(2024, 3, 1), amount=D("1234.56"), order_no="832-1", supplier="供应商", purpose=Purpose.UNION,
        channel=Channel.OTHER, state=OrderState.REFUNDED, paid_on=dt.date(2024, 3, 9), evaluated=True, note="备注",
    ))
    store.add_purchase(Purchase(date=dt.date(2024, 3, 2), amount=D("0.44")))
    judge = q.Judge(policies["qinghai-2024"], TODAY)
    assert q.shown_total(store, q.LogQuery(2024), judge) == (2, D("1235.00"))
    assert q.shown_total(store, q.LogQuery(2024, purpose=Purpose.UNION), judge) == (1, D("1234.56"))
    row = q.purchase_rows(store, [saved.id, 99999])[saved.id]
    assert q.to_purchase(row) == saved
    assert judge.reason(row) == REASON_CHANNEL


def test_reasons_follow_the_policy(policies):
    judge = q.Judge(policies["qinghai-2024"], TODAY)
    row = lambda c, s, p: (1, "2024-01-01", "", "", "", p.value, c.value, s.value, 100, None, 0, "", None, 0, "")  # noqa: E731
    assert judge.reason(row(Channel.PLATFORM, OrderState.OPEN, Purpose.CANTEEN)) == REASON_OPEN
    assert judge.reason(row(Channel.PLATFORM, OrderState.REFUNDED, Purpose.CANTEEN)) == REASON_REFUNDED
    assert "所属国有企业" in judge.reason(row(Channel.PLATFORM, OrderState.DONE, Purpose.STATE_ENTERPRISE))
    assert q.Judge(policies["henan-2023"], TODAY).reason(row(Channel.PLATFORM, OrderState.DONE, Purpose.STATE_ENTERPRISE)) is None


def test_delete_many_and_restore(store):
    kept = store.add_purchase(Purchase(date=dt.date(2024, 1, 1), amount=D("1")))
    gone = [store.add_purchase(Purchase(date=dt.date(2024, 1, d), amount=D(d))) for d in (2, 3)]
    store.delete_purchases([p.id for p in gone])
    assert store.purchases(2024) == [kept]
    store.add_purchases(gone)
    assert store.purchases(2024) == [kept, *gone]



def test_the_sql_tally_counts_unpaid_days_from_delivery(tmp_path, policies):
    store = Store.open(tmp_path / "unit.sqlite")
    try:
        store.add_purchases([
            Purchase(date=dt.date(2024, 3, 1), amount=D("100.00"), order_no="D1", delivered_on=dt.date(2024, 3, 10)),
            Purchase(date=dt.date(2024, 3, 1), amount=D("200.00"), order_no="D2"),
        ])
        policy, today = policies["qinghai-2024"], dt.date(2024, 4, 5)  # 26 days after delivery, 35 after the order
        sql = q.year_tally(store, 2024, policy, today)
        assert sql.overdue == tally(store.purchases(2024), policy, 2024, today).overdue
        assert [(o.order_no, o.days, o.from_order_date) for o in sql.overdue] == [("D2", 35, True)]
        judge = q.Judge(policy, today)
        rows = {r[q.ORDER_NO]: r for r in q.purchase_rows(store, q.purchase_ids(store, q.LogQuery(2024), judge)).values()}
        assert judge.overdue_days(rows["D1"]) is None and judge.overdue_days(rows["D2"]) == 35
        assert [r for r in q.purchase_ids(store, q.LogQuery(2024, overdue_only=True), judge)] == [rows["D2"][q.ID]]
    finally:
        store.close()


@pytest.mark.parametrize("when", ["completed", "paid", "paid-and-accepted"])
def test_counting_when_paid_or_paid_and_accepted_agrees_in_sql_and_python(tmp_path, policies, when):
    base = policies["qinghai-2024"]
    rule = base.rule("what-counts")
    rule = dataclasses.replace(rule, params={**rule.params, "count_when": when})
    policy = dataclasses.replace(base, rules={**base.rules, "what-counts": rule})
    day = dt.date(2024, 3, 1)
    purchases = [
        Purchase(date=day, amount=D("1.00"), order_no="N"),  # neither paid nor delivered
        Purchase(date=day, amount=D("10.00"), order_no="P", paid_on=day),  # paid, no delivery date
        Purchase(date=day, amount=D("100.00"), order_no="PA", paid_on=day, delivered_on=day),  # paid and accepted
    ]
    store = Store.open(tmp_path / "unit.sqlite")
    try:
        store.add_purchases(purchases)
        sql = q.year_tally(store, 2024, policy, TODAY)
        assert sql == tally(store.purchases(2024), policy, 2024, TODAY)
        expected = {"completed": D("111.00"), "paid": D("110.00"), "paid-and-accepted": D("100.00")}[when]
        assert sql.counted_total == expected
        judge = q.Judge(policy, TODAY)
        rows = {r[q.ORDER_NO]: r for r in q.purchase_rows(store, q.purchase_ids(store, q.LogQuery(2024), judge)).values()}
        reasons = {no: judge.reason(row) for no, row in rows.items()}
        counted = {no for no, reason in reasons.items() if reason is None}
        assert counted == {"completed": {"N", "P", "PA"}, "paid": {"P", "PA"}, "paid-and-accepted": {"PA"}}[when]
        # the log's "counted only" filter is the same decision in SQL
        shown = q.purchase_ids(store, q.LogQuery(2024, counted=True), judge)
        assert {rows_no for rows_no, row in rows.items() if row[q.ID] in shown} == counted
        if when == "paid-and-accepted":
            assert reasons["P"] == "尚未验货验票（没有收货日期），不计入（政策按付款并验货验票计入）"
            assert reasons["N"] == "尚未付款，不计入（政策按付款计入）"
    finally:
        store.close()
