import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop832.domain.errors import InputError
from desktop832.domain.identifiers import credit_check_character, parse_credit_code, parse_phone
from desktop832.domain.values import parse_count, parse_date

# published codes: an example in GB 32100-2015, two well-known companies, and 财政部
REAL_CODES = ["91350100M000100Y43", "914403001922038216", "91330100716105852F", "11100000000013127D"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert parse_credit_code(code) == code


def test_lower_case_and_spaces_are_normalised():
    assert parse_credit_code(" 91330100716105852f ") == "91330100716105852F"


def test_full_width_is_normalised():
    assert parse_credit_code("９１３３０１００７１６１０５８５２Ｆ") == "91330100716105852F"


@pytest.mark.parametrize(
    "code, message",
    [
        ("", "不能为空"),
        ("9133010071610585", "应为18位，现为16位"),
        ("91330100716105852FF", "应为18位，现为19位"),
        ("91330100716105852I", "不允许的字符“I”"),
        ("91330100O16105852F", "不允许的字符“O”"),
        ("B1330100716105852F", "登记管理部门代码"),
        ("913301AB716105852F", "行政区划码"),
        ("91330100716105852E", "校验位不正确：第18位应为“F”"),
    ],
)
def test_credit_code_errors(code, message):
    with pytest.raises(InputError) as info:
        parse_credit_code(code)
    assert message in info.value.message


def test_check_character_matches_every_real_code():
    for code in REAL_CODES:
        assert credit_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("0371-65901234", "0371-65901234"),
        ("(0371)65901234", "0371-65901234"),
        ("010-88881234", "010-88881234"),
        ("0371-6590123-8001", "0371-6590123-8001"),
        ("400-1188-832", "400-118-8832"),
    ],
)
def test_phones(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text, message", [("12345", "手机号码应为11位"), ("65901234", "请加区号"), ("abc", "格式不正确"), ("", "不能为空")]
)
def test_phone_errors(text, message):
    with pytest.raises(InputError) as info:
        parse_phone(text)
    assert message in info.value.message


@pytest.mark.parametrize("text", ["2024-02-19", "2024/2/19", "2024.2.19", "2024年2月19日", "20240219", "2024-02-19 10:30:00"])
def test_dates(text):
    assert str(parse_date(text)) == "2024-02-19"


@pytest.mark.parametrize("text, message", [("2024-02-30", "不存在"), ("19/2/2024", "格式不正确"), ("1990-01-01", "超出范围")])
def test_date_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_date(text)


def test_counts():
    assert parse_count("1,200人") == 1200
    assert parse_count("") is None
    with pytest.raises(InputError, match="整数"):
        parse_count("12.5")
    with pytest.raises(InputError, match="负数"):
        parse_count("-3")


# The plain ISO form takes a shortcut; it must read every 10-character text exactly as the general
# path reads the same text with a space around it (which the shortcut does not take).
@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.dates(dt.date(1990, 1, 1), dt.date(2110, 12, 31)).map(dt.date.isoformat),
    st.text(alphabet="0123456789-", min_size=10, max_size=10),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z", fullmatch=True),
))
def test_the_iso_shortcut_agrees_with_the_general_path(text):
    def outcome(value):
        try:
            return parse_date(value)
        except InputError as exc:
            return ("refused", exc.message)

    assert outcome(text) == outcome(f" {text} ")
