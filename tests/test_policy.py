import datetime as dt
import shutil
from decimal import Decimal

import pytest

from desktop832.domain.model import Level
from desktop832.domain.policy import PolicyError, discover, load_policy_file, parse_policy, select
from desktop832.app.policies import PolicyLibrary
from desktop832.domain.rules import RULES
from desktop832.domain.policy import RULE_PARAMS

from .conftest import ROOT

MINIMAL = """
format = 1
id = "test-2024"
name = "测试"
year = 2024

[[notice]]
key = "n"
number = "测财〔2024〕1号"
title = "测试通知"

[rules.canteen-ratio]
floor_ratio = 15
notice = "n"
clause = "一"
"""


def test_shipped_policies(policies):
    assert {"henan-2023", "zhengzhou-2023", "cn-2024"} <= set(policies)
    assert policies["cn-2024"].rule("canteen-ratio")["floor_ratio"] == Decimal(15)
    assert policies["henan-2023"].rule("canteen-ratio")["floor_ratio"] == Decimal(10)
    assert policies["zhengzhou-2023"].filing_deadline == dt.date(2023, 3, 20)
    assert policies["henan-2023"].filing_deadline == dt.date(2023, 4, 15)
    assert policies["cn-2024"].filing_deadline == dt.date(2024, 2, 20)
    assert policies["cn-2024"].confirmation_deadline == dt.date(2024, 2, 26)
    assert "豫财购〔2023〕2号" in policies["henan-2023"].notice_numbers
    assert "郑财购〔2023〕3号" in policies["zhengzhou-2023"].notice_numbers
    assert "财办库〔2023〕252号" in policies["cn-2024"].notice_numbers


def test_every_rule_has_an_implementation_and_a_schema():
    assert set(RULES) == set(RULE_PARAMS)


def test_minimal_policy_parses():
    policy = parse_policy(MINIMAL, "t.toml")
    assert policy.rule("canteen-ratio").citation == "测财〔2024〕1号 一"
    assert policy.levels == tuple(Level)


@pytest.mark.parametrize(
    "change, key, problem",
    [
        (lambda s: s.replace("[rules.canteen-ratio]", "[rules.canteen-ration]"), "rules.canteen-ration", "未知规则"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = 150"), "rules.canteen-ratio.floor_ratio", "0 到 100"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = true"), "rules.canteen-ratio.floor_ratio", "百分数"),
        (lambda s: s.replace("floor_ratio = 15\n", ""), "rules.canteen-ratio.floor_ratio", "缺少此项"),
        (lambda s: s.replace('notice = "n"', 'notice = "m"'), "rules.canteen-ratio.notice", "未定义的文件依据"),
        (lambda s: s.replace("year = 2024", "year = \"2024\""), "year", "非负整数"),
        (lambda s: s.replace("format = 1", "format = 9"), "format", "不受支持"),
        (lambda s: "colour = 1\n" + s, "colour", "不认识的项"),
        (lambda s: s.replace('clause = "一"', 'clause = "一"\nratio = 3'), "rules.canteen-ratio.ratio", "不认识的项"),
        (lambda s: s.replace('[[notice]]', '[[notic]]'), "notic", "不认识的项"),
        (lambda s: s.replace('id = "test-2024"', 'id = "a b"'), "id", "字母"),
    ],
)
def test_malformed_policy_names_key_and_problem(change, key, problem):
    with pytest.raises(PolicyError) as info:
        parse_policy(change(MINIMAL), "bad.toml")
    assert info.value.key == key
    assert problem in info.value.problem
    assert "bad.toml" in str(info.value) and key in str(info.value)


def test_broken_toml_names_the_file():
    with pytest.raises(PolicyError, match="broken.toml.*TOML 格式错误：第 1 行第 8 列附近"):
        parse_policy("year = = 3", "broken.toml")


def test_not_utf8():
    with pytest.raises(PolicyError, match="UTF-8"):
        parse_policy("名称".encode("gbk"), "gbk.toml")


def test_union_mode_needs_its_parameters():
    text = MINIMAL + '\n[rules.union-standard]\nmode = "share-of-union-purchases"\nnotice = "n"\n'
    with pytest.raises(PolicyError, match="union_purchase_share"):
        parse_policy(text, "u.toml")


def test_disabled_rule_is_left_out():
    text = MINIMAL.replace('clause = "一"', 'clause = "一"\nenabled = false')
    with pytest.raises(PolicyError, match="至少要启用一条规则"):
        parse_policy(text, "d.toml")
    assert parse_policy(text + '\n[rules.canteen-shared]\nnotice = "n"\n', "d.toml").rule("canteen-ratio") is None


def test_selection(policies):
    values = list(policies.values())
    assert select(values, 2023, "河南省", "郑州市", Level.MUNICIPAL).id == "zhengzhou-2023"
    assert select(values, 2023, "河南", "洛阳市", Level.MUNICIPAL).id == "henan-2023"
    assert select(values, 2024, "河南省", "郑州市", Level.COUNTY).id == "cn-2024"
    # no 2025 file: the nearest earlier year is used (and the engine warns)
    assert select(values, 2025, "广东省", "广州市", Level.PROVINCIAL).id == "cn-2024"


def test_discover_reports_broken_files_beside_good_ones(tmp_path):
    (tmp_path / "good.toml").write_text(MINIMAL, "utf-8")
    (tmp_path / "bad.toml").write_text("format = 1\n", "utf-8")
    found, errors = discover([tmp_path])
    assert list(found) == ["test-2024"]
    assert len(errors) == 1 and "bad.toml" in str(errors[0])


def test_a_new_year_needs_only_a_new_file(tmp_path):
    text = (ROOT / "resources/policies/cn-2024.toml").read_text("utf-8")
    text = text.replace('id = "cn-2024"', 'id = "cn-2025"').replace("year = 2024", "year = 2025")
    text = text.replace("2024-02-20", "2025-03-31").replace("floor_ratio = 15", "floor_ratio = 20")
    source = tmp_path / "cn-2025.toml"
    source.write_text(text, "utf-8")
    library = PolicyLibrary()
    policy = library.add_file(source)
    assert policy.year == 2025 and policy.filing_deadline == dt.date(2025, 3, 31)
    assert PolicyLibrary().get("cn-2025") is not None  # kept in the clerk's policy folder


def test_add_file_refuses_a_bad_file_and_copies_nothing(tmp_path):
    source = tmp_path / "x.toml"
    source.write_text(MINIMAL.replace("[rules.canteen-ratio]", "[rules.nonsense]"), "utf-8")
    library = PolicyLibrary()
    with pytest.raises(PolicyError, match="未知规则"):
        library.add_file(source)
    assert not any(library.directories[-1].glob("*.toml"))


def test_load_policy_file_missing(tmp_path):
    with pytest.raises(PolicyError, match="无法读取"):
        load_policy_file(tmp_path / "nope.toml")


def test_hidden_files_in_a_policy_folder_are_not_policies(tmp_path):
    # a copy still being written sits beside the real files under a hidden name until it is complete
    (tmp_path / ".cn-2025.toml.3f2a.tmp.toml").write_text("format = 1\nid = ", "utf-8")
    shutil.copyfile(ROOT / "resources" / "policies" / "cn-2024.toml", tmp_path / "cn-2024.toml")
    found, errors = discover([tmp_path])
    assert list(found) == ["cn-2024"] and errors == []
