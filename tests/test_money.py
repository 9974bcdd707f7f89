from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from desktop832.domain.errors import InputError
from desktop832.domain.money import (
    MAX_AMOUNT, format_money, format_percent, parse_money, parse_percent, to_capital,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234", "1234.00"),
        ("1,234.56", "1234.56"),
        ("１２３４．５", "1234.50"),
        ("  88.1 ", "88.10"),
        ("12.5万", "125000.00"),
        ("１２.５万", "125000.00"),
        ("¥1,000", "1000.00"),
        ("300元", "300.00"),
        ("0", "0.00"),
        ("999,999,999,999.99", "999999999999.99"),
        ("0.0101万", "101.00"),
    ],
)
def test_parse_money_accepts(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "金额不能为空"),
        ("   ", "金额不能为空"),
        ("-5", "金额不能为负数"),
        ("1.234", "最多保留两位小数"),
        ("0.0000001万", "最多保留两位小数"),
        ("12a", "只能包含数字"),
        ("abc", "只能包含数字"),
        ("1,23", "格式不正确"),
        ("1.2.3", "格式不正确"),
        ("1000000000000", "超过上限"),
        ("100000000万", "超过上限"),
    ],
)
def test_parse_money_rejects_with_message(text, message):
    with pytest.raises(InputError) as info:
        parse_money(text)
    assert message in info.value.message


def test_optional_empty_is_none():
    assert parse_money("", required=False) is None


def test_label_is_in_message():
    with pytest.raises(InputError, match="采购金额不能为负数"):
        parse_money("-1", label="采购金额")


amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)


@given(amounts)
def test_format_parse_round_trip(value):
    assert parse_money(format_money(value)) == value


@given(amounts)
def test_wan_round_trip(value):
    wan = (value / 10000).normalize()
    assert parse_money(f"{wan:f}万") == value


@pytest.mark.parametrize(
    "value, capital",
    [
        ("150000", "壹拾伍万元整"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("10.30", "壹拾元叁角整"),
        ("1010.05", "壹仟零壹拾元零伍分"),
        ("105000", "壹拾万伍仟元整"),
        ("100000000", "壹亿元整"),
        ("1000000001", "壹拾亿零壹元整"),
        ("1234567.89", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        ("20003", "贰万零叁元整"),
    ],
)
def test_capital(value, capital):
    assert to_capital(Decimal(value)) == capital


def test_format_money():
    assert format_money(Decimal("1234567.5")) == "1,234,567.50"
    assert format_money(None) == ""


@pytest.mark.parametrize("text, expected", [("15", "15"), ("15%", "15"), ("１５．５％", "15.5"), ("0.25", "0.25")])
def test_parse_percent(text, expected):
    assert parse_percent(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["101", "-1", "1.234", "abc"])
def test_parse_percent_rejects(text):
    with pytest.raises(InputError):
        parse_percent(text)


def test_format_percent():
    assert format_percent(Decimal("15.00")) == "15%"
    assert format_percent(Decimal("15.50")) == "15.5%"


# Plain "1234.56" takes a shortcut; it must read every text exactly as the general path reads the
# same text with a space around it (which the shortcut does not take): value or message.
@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.from_regex(r"\A[0-9]{1,13}(\.[0-9]{0,3})?\Z", fullmatch=True),
    st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2).map(str),
    st.text(alphabet="0123456789.", min_size=1, max_size=16),
))
def test_the_plain_amount_shortcut_agrees_with_the_general_path(text):
    def outcome(value):
        try:
            return parse_money(value)
        except InputError as exc:
            return ("refused", exc.message)

    shortcut, general = outcome(text), outcome(f" {text} ")
    assert shortcut == general
    if not isinstance(shortcut, tuple):
        assert str(shortcut) == str(general)  # the same places too (Decimal("1.50") == Decimal("1.5"))
