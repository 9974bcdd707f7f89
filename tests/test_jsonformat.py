"""The JSON form of a data file: what ``load`` accepts and what it refuses, by JSON path."""

import json
from decimal import Decimal as D

import pytest

from desktop832 import paths
from desktop832.domain.jsonformat import JsonFormatError, dump, load


def doc(**plan):
    return {"format": "desktop832", "version": 1, "plans": [{"year": 2024, **plan}]}


def test_demo_unit_loads_and_its_plans_are_consistent():
    profile, plans, purchases = load(json.loads(paths.demo_data().read_text("utf-8")))
    assert plans and purchases and profile.name
    assert all(plan == plan.rederived() for plan in plans)


def test_dump_of_a_plan_made_by_edits_loads_again(profile, plan):
    odd = plan.with_canteen_total(D("1000000.01")).with_reserve_ratio(D("15"))  # amount 150,000.01
    _, [loaded], _ = load(json.loads(json.dumps(dump(profile, [odd], []))))
    assert loaded == odd


@pytest.mark.parametrize(
    "fields",
    [
        # amount entered: the ratio is the amount's share rounded down to 0.01 point
        {"canteen_total": "1000000.00", "reserve_amount": "149999.99", "reserve_ratio": "14.99"},
        {"canteen_total": "3.00", "reserve_amount": "2.00", "reserve_ratio": "66.66", "reserve_basis": "amount"},
        # ratio entered: the amount is the ratio of the total rounded up to the fen
        {"canteen_total": "1000000.01", "reserve_amount": "150000.01", "reserve_ratio": "15.00", "reserve_basis": "ratio"},
        {"canteen_total": "0.00", "reserve_amount": "0.00", "reserve_ratio": "15.00", "reserve_basis": "ratio"},
        # nothing to compare
        {"canteen_total": "1000000.00", "reserve_amount": "1.00"},
        {"canteen_total": "1000000.00", "reserve_ratio": "15.00"},
        {"reserve_amount": "1.00", "reserve_ratio": "15.00"},
    ],
)
def test_consistent_ratio_and_amount_load(fields):
    _, [plan], _ = load(doc(**fields))
    assert plan.reserve_amount == (D(fields["reserve_amount"]) if "reserve_amount" in fields else None)


@pytest.mark.parametrize(
    "fields, path, expected",
    [
        # 1.00 of 1,000,000.00 is 0.0001%: the file's 15% contradicts it
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "1.00"},
         "$.plans[0].reserve_ratio", "应为 \"0.00\""),
        # rounding the share UP would give 15.00; the rule rounds down
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "149999.99"},
         "$.plans[0].reserve_ratio", "应为 \"14.99\""),
        ({"canteen_total": "3.00", "reserve_ratio": "66.67", "reserve_amount": "2.00", "reserve_basis": "amount"},
         "$.plans[0].reserve_ratio", "应为 \"66.66\""),
        # 15% of 1,000,000.00 is 150,000.00 exactly
        ({"canteen_total": "1000000.00", "reserve_ratio": "15.00", "reserve_amount": "1.00", "reserve_basis": "ratio"},
         "$.plans[0].reserve_amount", "应为 \"150000.00\""),
        # 15% of 1,000,000.01 is 150,000.0015: rounded up, not to the nearest 150,000.00
        ({"canteen_total": "1000000.01", "reserve_ratio": "15.00", "reserve_amount": "150000.00", "reserve_basis": "ratio"},
         "$.plans[0].reserve_amount", "应为 \"150000.01\""),
        # no ratio can be taken of a zero total
        ({"canteen_total": "0.00", "reserve_ratio": "15.00", "reserve_amount": "1.00"},
         "$.plans[0].reserve_ratio", "应为 null"),
    ],
)
def test_ratio_and_amount_that_disagree_are_refused_by_path(fields, path, expected):
    with pytest.raises(JsonFormatError) as caught:
        load(doc(**fields))
    assert caught.value.path == path
    assert expected in caught.value.problem and "不一致" in caught.value.problem


def test_the_refusal_names_the_plan_it_is_in():
    bad = doc(canteen_total="1000000.00", reserve_ratio="15.00", reserve_amount="1.00")
    bad["plans"].insert(0, {"year": 2023})
    bad["plans"][1]["year"] = 2024
    with pytest.raises(JsonFormatError) as caught:
        load(bad)
    assert str(caught.value).startswith("$.plans[1].reserve_ratio：预留比例 15% 与预留金额 1.00 元不一致")


def _purchases(n):
    import datetime as dt

    from desktop832.domain.model import OrderState, Purchase, Purpose

    odd = ['引号"与\\反斜杠', "换行\n与\t制表", "emoji 🍚", "</script>", ""]
    return [
        Purchase(date=dt.date(2024, 1 + i % 12, 1 + i % 28), amount=D(i) + D("0.01"), order_no=f"832-{i}",
                 supplier=odd[i % len(odd)], note=odd[(i + 1) % len(odd)], purpose=list(Purpose)[i % len(Purpose)],
                 state=list(OrderState)[i % len(OrderState)], paid_on=None if i % 2 else dt.date(2024, 12, 31),
                 hand_edited=frozenset({"amount", "state"}) if i % 3 == 0 else frozenset(), id=i + 1)
        for i in range(n)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, 7])
def test_the_streamed_dump_is_byte_for_byte_the_whole_dump(profile, plan, count):
    from desktop832.domain.jsonformat import dump_chunks

    purchases = _purchases(count)
    whole = json.dumps(dump(profile, [plan, plan.with_(year=2025)], purchases), ensure_ascii=False, indent=2) + "\n"
    streamed = "".join(dump_chunks(profile, [plan, plan.with_(year=2025)], iter(purchases)))
    assert streamed == whole


def test_dump_streams_from_the_store_and_loads_back(tmp_path, profile, plan):
    # the command reads the log in batches; a batch boundary inside the log changes nothing
    from desktop832.cli import main
    from desktop832.store.database import Store

    purchases = _purchases(4500)
    with Store.open(tmp_path / "unit.sqlite") as store:
        store.save_profile(profile)
        store.save_plan(plan)
        store.add_purchases(purchases)
        assert [p.order_no for p in store.iter_purchases(batch=1000)] == [p.order_no for p in store.purchases()]
        expected = json.dumps(dump(profile, store.plans(), store.purchases()), ensure_ascii=False, indent=2) + "\n"
    assert main(["--db", str(tmp_path / "unit.sqlite"), "dump", "-o", str(tmp_path / "out.json")]) == 0
    assert (tmp_path / "out.json").read_text("utf-8") == expected
    _, _, loaded = load(json.loads(expected))
    assert len(loaded) == 4500
