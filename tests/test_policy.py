import dataclasses
import datetime as dt
import re
import shutil
from decimal import Decimal

import pytest

from desktop832.domain.model import Level, UnitProfile
from desktop832.domain.policy import RULE_PARAMS, UNCHECKED_MARK, PolicyError, select
from desktop832.domain.policy_files import discover, load_policy_file, parse_policy
from desktop832.domain.rules import RULES
from desktop832.app.policies import PolicyLibrary

from .conftest import ROOT

NOTICES = ROOT / "resources" / "notices"
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
    assert set(policies) == {"henan-2023", "zhengzhou-2023", "cn-2024", "qinghai-2024", "cn-2025"}
    floor = {pid: p.rule("canteen-ratio")["floor_ratio"] for pid, p in policies.items()}
    assert floor == {"henan-2023": 10, "zhengzhou-2023": 10, "cn-2024": 10, "qinghai-2024": 15, "cn-2025": 10}
    assert policies["cn-2024"].rule("canteen-ratio")["encouraged_ratio"] == Decimal(15)
    assert policies["qinghai-2024"].rule("canteen-ratio")["encouraged_ratio"] is None
    filing = lambda pid, level=Level.MUNICIPAL: policies[pid].deadline("filing-deadline", level).date  # noqa: E731
    assert filing("zhengzhou-2023") == dt.date(2023, 3, 20)
    assert filing("henan-2023") == dt.date(2023, 4, 15)
    assert filing("cn-2024") == filing("qinghai-2024") == dt.date(2024, 2, 20)
    assert filing("cn-2025") == dt.date(2025, 3, 31)
    assert policies["qinghai-2024"].deadline("confirmation-deadline", Level.COUNTY).date == dt.date(2024, 2, 26)
    assert "豫财购〔2023〕2号" in policies["henan-2023"].notice_numbers
    assert "郑财购〔2023〕3号" in policies["zhengzhou-2023"].notice_numbers
    assert "财办库〔2023〕252号" in policies["qinghai-2024"].notice_numbers  # through the national layer
    assert "财办库〔2024〕267号" in policies["cn-2025"].notice_numbers


def test_scopes_of_the_shipped_files(policies):
    assert policies["zhengzhou-2023"].scope.levels == (Level.MUNICIPAL, Level.COUNTY)
    assert (policies["zhengzhou-2023"].province, policies["zhengzhou-2023"].city) == ("河南省", "郑州市")
    assert policies["qinghai-2024"].province == "青海省" and policies["qinghai-2024"].extends == "cn-2024"
    assert policies["cn-2024"].province == "" and policies["cn-2025"].province == ""


def test_the_national_files_say_they_are_unchecked(policies):
    for pid in ("cn-2024", "cn-2025"):
        policy = policies[pid]
        assert all(not n.checked and n.source and not n.text for n in policy.notices)
        assert all(UNCHECKED_MARK in r.citation for r in policy.rules.values() if r.notice)
    # the national file holds only what is known of 252号 itself (plus the payment regulation):
    # no province's letter rule, cap or union share
    assert set(policies["cn-2024"].rules) == {"profile-complete", "canteen-ratio", "filing-deadline", "pay-on-time"}


def test_every_rule_has_an_implementation_and_declares_its_parameters():
    assert set(RULES) == set(RULE_PARAMS)


def _shipped_texts() -> dict[str, str]:
    return {path.name: path.read_text("utf-8") for path in NOTICES.glob("*.txt")}


def test_every_quote_occurs_verbatim_in_the_shipped_text_of_its_notice(policies):
    texts = _shipped_texts()
    checked = 0
    for policy in policies.values():
        for rule in policy.own_rules.values():
            if rule.notice is None:
                assert not rule.quotes
                continue
            if rule.notice.checked:
                # a checked notice is one whose text ships, and every rule resting on it quotes it
                assert rule.notice.text in texts, (policy.id, rule.id)
                assert rule.quotes, f"{policy.id} {rule.id}: a citation needs a short quote"
            for quote in rule.quotes:
                assert quote in texts[rule.notice.text], f"{policy.id} {rule.id}: “{quote}” is not in {rule.notice.text}"
                checked += 1
            assert rule.clause, (policy.id, rule.id)
    assert checked >= 25


def test_the_quote_test_catches_a_quote_the_notice_does_not_say(policies):
    text = _shipped_texts()["henan-2023-2.txt"]
    # the Henan notice has no word on outsourced, shared or no canteens (those are Zhengzhou's)
    for word in ("外包", "承包", "共用", "无食堂", "无独立工会经费", "履约评价"):
        assert word not in text
    henan = policies["henan-2023"]
    for rule_id in ("canteen-outsourced", "canteen-shared", "canteen-none", "performance-evaluation", "union-cap"):
        assert henan.rule(rule_id) is None
    # and the 2024 notice says nothing of state-owned enterprises, 履约评价 or a finishing date
    qinghai_text = _shipped_texts()["qinghai-2024.txt"]
    assert "国有企业" not in qinghai_text and "履约评价" not in qinghai_text and "10月" not in qinghai_text
    qinghai = policies["qinghai-2024"]
    assert qinghai.rule("performance-evaluation") is None and qinghai.rule("purchase-progress")["finish_by"] is None
    assert "所属国有企业" not in [p.value for p in qinghai.rule("what-counts")["purposes"]]
    assert not qinghai.rule("what-counts")["excluded"]  # silent: not mentioned, never excluded


def test_the_shipped_texts_are_the_notices():
    texts = _shipped_texts()
    assert "豫财购〔2023〕2号" in texts["henan-2023-2.txt"] and "2023年3月30日印发" in texts["henan-2023-2.txt"]
    assert "郑财购〔2023〕3号" in texts["zhengzhou-2023-3.txt"] and "2023年4月14日" in texts["zhengzhou-2023-3.txt"]
    assert "2023 年度预留份额填报的通知" in texts["zhengzhou-2023-filing.txt"]
    assert "青海省各区域服务中心" in texts["qinghai-2024.txt"]


def test_minimal_policy_parses():
    policy = parse_policy(MINIMAL, "t.toml")
    assert policy.rule("canteen-ratio").citation == "测财〔2024〕1号 一" + UNCHECKED_MARK
    assert policy.levels == tuple(Level)


def test_a_citation_carries_clause_and_quote(policies):
    citation = policies["henan-2023"].rule("canteen-not-below-last-year").citation
    assert citation == "豫财购〔2023〕2号 一、切实做好预留份额填报 第一段：“不低于上年度数额”"


@pytest.mark.parametrize(
    "change, key, problem",
    [
        (lambda s: s.replace("[rules.canteen-ratio]", "[rules.canteen-ration]"), "rules.canteen-ration", "未知规则"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = 150"), "rules.canteen-ratio.floor_ratio", "0 到 100"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = true"), "rules.canteen-ratio.floor_ratio", "百分数"),
        (lambda s: s.replace("floor_ratio = 15\n", ""), "rules.canteen-ratio.floor_ratio", "缺少此项"),
        (lambda s: s.replace('notice = "n"', 'notice = "m"'), "rules.canteen-ratio.notice", "本文件未定义的文件依据"),
        (lambda s: s.replace("year = 2024", "year = \"2024\""), "year", "非负整数"),
        (lambda s: s.replace("format = 1", "format = 9"), "format", "不受支持"),
        (lambda s: "colour = 1\n" + s, "colour", "不认识的项"),
        (lambda s: s.replace('clause = "一"', 'clause = "一"\nratio = 3'), "rules.canteen-ratio.ratio", "不认识的项"),
        (lambda s: s.replace('[[notice]]', '[[notic]]'), "notic", "不认识的项"),
        (lambda s: s.replace('id = "test-2024"', 'id = "a b"'), "id", "字母"),
        (lambda s: s.replace('id = "test-2024"', 'id = ".."'), "id", "字母"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = nan"), "rules.canteen-ratio.floor_ratio", "nan"),
        (lambda s: s.replace("floor_ratio = 15", "floor_ratio = -inf"), "rules.canteen-ratio.floor_ratio", "nan 或 inf"),
        (lambda s: s + "[rules.filing-deadline]\ndate = 2023-12-31\nnotice = \"n\"\n", "rules.filing-deadline.date", "不在本政策的年度 2024 年内"),
        (lambda s: s + "[rules.filing-deadline]\nnotice = \"n\"\n", "rules.filing-deadline.date", "缺少此项"),
        (lambda s: s + "[rules.filing-deadline]\ndate = 2024-02-20\nholidays = [2025-01-01]\nnotice = \"n\"\n", "rules.filing-deadline.holidays", "不在本政策的年度 2024 年内"),
        (lambda s: s + "[rules.confirmation-deadline]\nby_level = { \"乡级\" = 2024-01-01 }\nnotice = \"n\"\n", "rules.confirmation-deadline.by_level", "级次"),
        (lambda s: s + "[rules.purchase-progress]\npace = \"linear\"\nnotice = \"n\"\n", "rules.purchase-progress.pace_start", "linear"),
        (lambda s: s + "[rules.purchase-progress]\npace = \"milestones\"\nnotice = \"n\"\n", "rules.purchase-progress.milestones", "milestones"),
        (lambda s: s + "[rules.purchase-progress]\npace = \"milestones\"\nmilestones = [{ date = 2024-06-30, share = 60 }, { date = 2024-09-30, share = 50 }]\nnotice = \"n\"\n", "rules.purchase-progress.milestones", "不能低于"),
        (lambda s: s.replace('clause = "一"', 'clause = "一"\nseverity = "fatal"'), "rules.canteen-ratio.severity", "error"),
        (lambda s: s.replace('clause = "一"', 'clause = "一"\nquote = 3'), "rules.canteen-ratio.quote", "原文"),
        (lambda s: s.replace('title = "测试通知"', 'title = "测试通知"\nchecked = true'), "notice[0].checked", "不能标为已核对"),
        (lambda s: s.replace('year = 2024', 'year = 2024\nextends = "test-2024"'), "extends", "不能扩展自己"),
        (lambda s: s.replace('year = 2024', 'year = 2024\nlevels = []'), "levels", "至少要有一个级次"),
        (lambda s: s.replace('year = 2024', 'year = 2024\ncity = "郑州市"'), "province", "省份"),
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


def unit(province="河南省", city="郑州市", level=Level.MUNICIPAL, **kw):
    return UnitProfile(name="某单位", province=province, city=city, level=level, **kw)


def test_a_provincial_unit_in_zhengzhou_is_under_henan_not_zhengzhou(policies):
    chosen = select(policies.values(), 2023, unit(level=Level.PROVINCIAL))
    assert chosen.policy.id == "henan-2023"
    assert chosen.policy.deadline("filing-deadline", Level.PROVINCIAL).date == dt.date(2023, 4, 15)
    passed = {p.id: why for p, why in chosen.passed_over}
    assert passed["zhengzhou-2023"] == "适用于市级、县级单位，本单位为省级单位"
    assert "河南省郑州市省级单位" in chosen.reason and "河南省 · 省级、市级、县级单位" in chosen.reason


def test_a_county_unit_in_zhengzhou_is_under_zhengzhou(policies):
    chosen = select(policies.values(), 2023, unit(level=Level.COUNTY))
    assert chosen.policy.id == "zhengzhou-2023"
    assert "最具体" in chosen.reason
    assert dict((p.id, why) for p, why in chosen.passed_over)["henan-2023"].endswith("更具体")


def test_units_elsewhere(policies):
    values = policies.values()
    assert select(values, 2023, unit(city="洛阳市")).policy.id == "henan-2023"
    assert select(values, 2023, unit("河南", "洛阳")).policy.id == "henan-2023"  # short names match
    # another province in 2023: no file covers it, and none of Henan's is borrowed
    other = select(values, 2023, unit("广东省", "广州市"))
    assert other.policy is None and "没有适用于 2023 年度、广东省广州市市级单位的政策文件" in other.reason
    assert dict((p.id, why) for p, why in other.passed_over)["henan-2023"] == "适用于河南省，本单位所在省份为广东省"
    # 2024: Qinghai's own notice for a Qinghai unit, the national notice for everyone else
    assert select(values, 2024, unit("青海省", "西宁市", Level.COUNTY)).policy.id == "qinghai-2024"
    assert select(values, 2024, unit(level=Level.PROVINCIAL)).policy.id == "cn-2024"
    assert select(values, 2025, unit("青海省", "西宁市")).policy.id == "cn-2025"


@pytest.mark.parametrize("year", [2026, 2027, 2022])
def test_a_year_without_its_own_file_has_no_policy(policies, year):
    for where in (unit(), unit("青海省", "西宁市"), unit("广东省", "广州市", Level.PROVINCIAL)):
        chosen = select(policies.values(), year, where)
        assert chosen.policy is None
        assert f"没有适用于 {year} 年度" in chosen.reason and "2023、2024、2025" in chosen.reason


def test_the_clerks_choice_counts_only_for_its_own_year(policies):
    values = policies.values()
    assert select(values, 2023, unit(level=Level.COUNTY), "henan-2023").policy.id == "henan-2023"
    other_year = select(values, 2026, unit(), "qinghai-2024")
    assert other_year.policy is None and "所选政策“青海省 2024 年度（落实财办库〔2023〕252号）”不适用于 2026 年度" in other_year.reason
    assert other_year.reason.count("2024 年度") == 1  # the name says its year: not “…2024 年度）”为 2024 年度”
    gone = select(values, 2024, unit("青海省", "西宁市"), "no-such-file")
    assert gone.policy.id == "qinghai-2024" and "已不在政策文件中" in gone.reason
    outside = select(values, 2023, unit(level=Level.PROVINCIAL), "zhengzhou-2023")
    assert outside.policy.id == "zhengzhou-2023" and "注意：该文件适用于市级、县级单位" in outside.reason


def test_a_city_file_extends_its_province_and_keeps_each_rules_citation(policies):
    zz, henan = policies["zhengzhou-2023"], policies["henan-2023"]
    assert zz.parent is henan
    # set by Henan, inherited: still cited to 豫财购
    assert zz.rule("canteen-ratio") is henan.rule("canteen-ratio")
    assert zz.rule("canteen-ratio").citation.startswith("豫财购〔2023〕2号")
    # set by Zhengzhou: cited to its own notices
    assert zz.rule("canteen-none").citation.startswith("郑财购〔2023〕3号附件2 二（二）")
    assert zz.rule("filing-deadline").policy_id == "zhengzhou-2023"


def test_deadlines_per_level_fall_back_to_the_layer_below(policies):
    zz = policies["zhengzhou-2023"]
    county = zz.deadline("confirmation-deadline", Level.COUNTY)
    municipal = zz.deadline("confirmation-deadline", Level.MUNICIPAL)
    assert county.date == dt.date(2023, 3, 25) and county.rule.policy_id == "zhengzhou-2023"
    assert municipal.date == dt.date(2023, 4, 20) and municipal.rule.policy_id == "henan-2023"
    henan = policies["henan-2023"]
    assert henan.deadline("supervisor-deadline", Level.PROVINCIAL).date == dt.date(2023, 4, 20)
    assert henan.deadline("supervisor-deadline", Level.COUNTY) is None
    assert henan.deadline("confirmation-deadline", Level.PROVINCIAL) is None


CHILD = """
format = 1
id = "child-2024"
name = "子"
year = 2024
province = "某省"
extends = "test-2024"

[[notice]]
key = "c"
number = "某财〔2024〕2号"
title = "子通知"

[rules.canteen-ratio]
enabled = false

[rules.filing-deadline]
date = 2024-03-01
notice = "c"
"""


def test_a_child_may_switch_off_an_inherited_rule(tmp_path):
    (tmp_path / "a.toml").write_text(MINIMAL, "utf-8")
    (tmp_path / "b.toml").write_text(CHILD, "utf-8")
    found, errors = discover([tmp_path])
    assert errors == []
    child = found["child-2024"]
    assert child.rule("canteen-ratio") is None and child.deadline("filing-deadline", Level.COUNTY).date == dt.date(2024, 3, 1)
    assert found["test-2024"].rule("canteen-ratio") is not None


@pytest.mark.parametrize(
    "parent, problem",
    [
        ("", "要扩展的政策文件“test-2024”不存在"),
        (MINIMAL.replace("year = 2024", "year = 2023"), "只能扩展同一年度的政策"),
        (MINIMAL.replace('year = 2024', 'year = 2024\nextends = "child-2024"'), "扩展关系形成了循环"),
    ],
)
def test_a_child_without_a_usable_parent_is_refused(tmp_path, parent, problem):
    if parent:
        (tmp_path / "a.toml").write_text(parent, "utf-8")
    (tmp_path / "b.toml").write_text(CHILD, "utf-8")
    found, errors = discover([tmp_path])
    assert "child-2024" not in found
    assert any(problem in str(e) for e in errors), errors


def test_a_users_file_never_silently_replaces_a_shipped_one(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    text = (ROOT / "resources/policies/henan-2023.toml").read_text("utf-8").replace("floor_ratio = 10", "floor_ratio = 5")
    (user / "henan-2023.toml").write_text(text, "utf-8")
    found, errors = discover([ROOT / "resources" / "policies", user])
    assert found["henan-2023"].rule("canteen-ratio")["floor_ratio"] == 10
    assert any("henan-2023" in str(e) and "未使用此文件" in str(e) for e in errors)


def test_discover_reports_broken_files_beside_good_ones(tmp_path):
    (tmp_path / "good.toml").write_text(MINIMAL, "utf-8")
    (tmp_path / "bad.toml").write_text("format = 1\n", "utf-8")
    found, errors = discover([tmp_path])
    assert list(found) == ["test-2024"]
    assert len(errors) == 1 and "bad.toml" in str(errors[0])


def test_a_new_year_needs_only_a_new_file(tmp_path):
    text = (ROOT / "resources/policies/cn-2025.toml").read_text("utf-8")
    text = text.replace('id = "cn-2025"', 'id = "cn-2027"').replace("year = 2025", "year = 2027")
    text = text.replace("2025-03-31", "2027-03-20").replace("floor_ratio = 10", "floor_ratio = 20")
    source = tmp_path / "cn-2027.toml"
    source.write_text(text, "utf-8")
    library = PolicyLibrary()
    policy = library.add_file(source)
    assert policy.year == 2027 and policy.deadline("filing-deadline", Level.COUNTY).date == dt.date(2027, 3, 20)
    assert PolicyLibrary().get("cn-2027") is not None  # kept in the clerk's policy folder
    assert select(PolicyLibrary(), 2027, unit()).policy.id == "cn-2027"


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
    shutil.copyfile(ROOT / "resources" / "policies" / "cn-2025.toml", tmp_path / "cn-2025.toml")
    found, errors = discover([tmp_path])
    assert list(found) == ["cn-2025"] and errors == []


def test_a_county_file_governs_its_county_units_only(tmp_path, policies):
    text = (ROOT / "resources/policies/zhengzhou-2023.toml").read_text("utf-8")
    text = text.replace('id = "zhengzhou-2023"', 'id = "zhongmou-2023"').replace('city = "郑州市"', 'city = "郑州市"\ncounty = "中牟县"')
    text = text.replace('levels = ["市级", "县级"]', 'levels = ["县级"]').replace('extends = "henan-2023"', 'extends = "zhengzhou-2023"')
    source = tmp_path / "zhongmou-2023.toml"
    source.write_text(text, "utf-8")
    county = parse_policy(source.read_bytes(), "zhongmou-2023.toml")
    assert county.scope.county == "中牟县" and county.region == "河南省郑州市中牟县"
    found = {**policies, "zhongmou-2023": county}
    for name in ("中牟县", "中牟"):
        chosen = select(found.values(), 2023, unit(level=Level.COUNTY, county=name))
        assert chosen.policy.id == "zhongmou-2023", chosen.reason
        assert dict((p.id, why) for p, why in chosen.passed_over)["zhengzhou-2023"].endswith("更具体")
    # another county of Zhengzhou, and a county unit that has not said its county: Zhengzhou's file
    for elsewhere in ("新郑市", ""):
        chosen = select(found.values(), 2023, unit(level=Level.COUNTY, county=elsewhere))
        assert chosen.policy.id == "zhengzhou-2023"
        assert dict((p.id, why) for p, why in chosen.passed_over)["zhongmou-2023"].startswith("适用于中牟县，本单位所在区县为")
    with pytest.raises(PolicyError, match="写了 county 就要写所在省份"):
        parse_policy('format = 1\nid = "x"\nname = "x"\nyear = 2023\ncounty = "中牟县"\n'
                     '[[notice]]\nkey = "a"\nnumber = "1"\ntitle = "t"\n', "x.toml")
