"""The clerk's own policy files: a new year from a base, save, duplicate, remove, import, export,
the words a policy is shown in and what changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop832 import paths
from desktop832.app import policy_editing as editing
from desktop832.app.policies import PolicyLibrary
from desktop832.app.policy_words import describe, policy_words
from desktop832.domain.model import AnnualPlan
from desktop832.domain.policy import PolicyError
from desktop832.domain.policy_files import load_policy_file

NOTICE = {"number": "财办库〔2026〕300号", "title": "关于做好2027年政府采购脱贫地区农副产品工作的通知",
          "issuer": "财政部办公厅", "date": dt.date(2026, 12, 20)}


def _draft_2027(library, changes=None):
    doc = editing.draft_from(library.get("cn-2025"), year=2027, policy_id="cn-2027", name="全国 2027 年度", notice=NOTICE)
    doc["rules"]["filing-deadline"]["date"] = dt.date(2027, 3, 31)
    for (rule_id, name), value in (changes or {}).items():
        doc["rules"][rule_id][name] = value
    return doc


def test_a_new_year_from_the_2025_policy_saves_and_round_trips_through_the_loader():
    library = PolicyLibrary()
    saved = editing.save_draft(library, _draft_2027(library, {("canteen-ratio", "floor_ratio"): 12}))
    path = Path(saved.source)
    assert path.parent == paths.user_policies_dir() and path.name == "cn-2027.toml"
    again = load_policy_file(path)
    assert again.year == 2027 and again.rule("canteen-ratio")["floor_ratio"] == 12
    assert again.rule("filing-deadline")["date"] == dt.date(2027, 3, 31)
    assert again.rule("canteen-ratio").notice.number == "财办库〔2026〕300号"
    assert again.rule("pay-on-time").notice.number == "国务院令第728号"  # a standing regulation keeps its own
    assert [w.text for w in policy_words(again)] == [w.text for w in policy_words(library.get("cn-2027"))]
    assert editing.label(library, library.get("cn-2027")) == "全国 2027 年度（本机自建，财办库〔2026〕300号）"
    assert editing.label(library, library.get("cn-2025")) == library.get("cn-2025").name


def test_last_years_dates_are_refused_with_the_loaders_message_and_nothing_is_written():
    library = PolicyLibrary()
    doc = editing.draft_from(library.get("cn-2025"), year=2027, policy_id="cn-2027", name="x", notice=NOTICE)
    with pytest.raises(PolicyError) as caught:
        editing.save_draft(library, doc)
    assert caught.value.key == "rules.filing-deadline.date"
    assert "不在本政策的年度 2027 年内" in caught.value.problem
    assert not paths.user_policies_dir().exists() or not list(paths.user_policies_dir().iterdir())


@pytest.mark.parametrize("value, problem", [(150, "百分数应在 0 到 100 之间"), ("十", "应为百分数")])
def test_a_bad_ratio_is_refused_naming_the_key(value, problem):
    library = PolicyLibrary()
    with pytest.raises(PolicyError) as caught:
        editing.save_draft(library, _draft_2027(library, {("canteen-ratio", "floor_ratio"): value}))
    assert caught.value.key == "rules.canteen-ratio.floor_ratio" and problem in caught.value.problem


def test_shipped_and_duplicate_ids_are_refused_in_chinese():
    library = PolicyLibrary()
    doc = _draft_2027(library)
    doc["id"] = "cn-2025"
    with pytest.raises(PolicyError, match="程序自带"):
        editing.save_draft(library, doc)
    editing.save_draft(library, _draft_2027(library))
    with pytest.raises(PolicyError, match="已有 id 为“cn-2027”的政策"):
        editing.save_draft(library, _draft_2027(library))
    # editing the same file is allowed
    edited = editing.save_draft(library, _draft_2027(library, {("canteen-ratio", "floor_ratio"): 11}), replacing="cn-2027")
    assert edited.rule("canteen-ratio")["floor_ratio"] == 11


def test_duplicate_remove_and_the_years_that_use_a_policy(profile):
    library = PolicyLibrary()
    editing.save_draft(library, _draft_2027(library))
    copy = editing.duplicate(library, "cn-2027", "cn-2027-b")
    assert copy.name == "全国 2027 年度（本机自建，财办库〔2026〕300号）（副本）" and Path(copy.source).exists()
    plans = [AnnualPlan(year=2027, policy_id="cn-2027-b"), AnnualPlan(year=2025)]
    assert editing.years_using(library, "cn-2027-b", profile, plans) == [2027]
    assert editing.years_using(library, "cn-2027", profile, plans) == []
    editing.remove(library, "cn-2027-b")
    assert library.get("cn-2027-b") is None and not Path(copy.source).exists()
    with pytest.raises(PolicyError, match="程序自带的政策文件，不能删除"):
        editing.remove(library, "cn-2025")


def test_import_validates_before_copying_and_export_writes_a_file_that_loads(tmp_path):
    library = PolicyLibrary()
    broken = tmp_path / "sent.toml"
    broken.write_text('format = 1\nid = "x"\n', "utf-8")
    with pytest.raises(PolicyError, match="缺少此项"):
        editing.import_file(library, broken)
    assert not paths.user_policies_dir().exists() or not list(paths.user_policies_dir().iterdir())
    editing.save_draft(library, _draft_2027(library))
    sent = tmp_path / "to-units.toml"
    editing.export(library, "cn-2027", sent)
    assert load_policy_file(sent).rule("filing-deadline")["date"] == dt.date(2027, 3, 31)
    with pytest.raises(PolicyError, match="已有 id 为“cn-2027”的政策.*请先删除"):
        editing.import_file(library, sent)
    editing.remove(library, "cn-2027")
    assert editing.import_file(library, sent).year == 2027


def test_a_layered_policy_exports_standing_alone(tmp_path):
    library = PolicyLibrary()
    editing.export(library, "qinghai-2024", tmp_path / "q.toml")
    alone = load_policy_file(tmp_path / "q.toml")
    assert not alone.extends
    assert {k: r.citation for k, r in alone.rules.items()} == {k: r.citation for k, r in library.get("qinghai-2024").rules.items()}


@pytest.mark.parametrize("policy_id", ["zhengzhou-2023", "qinghai-2024", "henan-2023"])
def test_an_exported_layered_policy_keeps_every_levels_deadline(tmp_path, policy_id):
    # Zhengzhou's notice names only its county units' confirmation date; its city-level units keep
    # the province's. Standing alone, the file must still give both.
    library = PolicyLibrary()
    layered = library.get(policy_id)
    editing.export(library, policy_id, tmp_path / "alone.toml")
    alone = load_policy_file(tmp_path / "alone.toml")
    dated = [rule_id for rule_id, rule in layered.rules.items() if "date" in rule.params or "by_level" in rule.params]
    assert dated
    for rule_id in dated:
        for level in layered.scope.levels:
            before, after = layered.deadline(rule_id, level), alone.deadline(rule_id, level)
            assert (before and before.date) == (after and after.date), (rule_id, level)


def test_zhengzhou_city_units_keep_the_provinces_confirmation_date_when_exported(tmp_path):
    from desktop832.domain.model import Level

    library = PolicyLibrary()
    editing.export(library, "zhengzhou-2023", tmp_path / "z.toml")
    alone = load_policy_file(tmp_path / "z.toml")
    assert alone.deadline("confirmation-deadline", Level.MUNICIPAL).date == dt.date(2023, 4, 20)
    assert alone.deadline("confirmation-deadline", Level.COUNTY).date == dt.date(2023, 3, 25)


def test_changes_list_rule_before_and_after():
    library = PolicyLibrary()
    new = editing.check_draft(_draft_2027(library, {("canteen-ratio", "floor_ratio"): 12}))
    found = {c.what: (c.before, c.after) for c in editing.changes(library.get("cn-2025"), new)}
    assert found["年度"] == ("2025", "2027")
    assert found["食堂预留比例"] == ("比例不低于 10%；鼓励达到 15%", "比例不低于 12%；鼓励达到 15%")
    assert found["填报期限"][0].startswith("填报截止 2025年3月31日") and found["填报期限"][1].startswith("填报截止 2027年3月31日")
    assert "及时付款" not in found  # unchanged rules are not listed
    assert editing.changes(new, new) == []


def test_clerk_words_for_the_union_standard_and_deadlines(policies):
    words = {w.rule_id: w.text for w in policy_words(policies["henan-2023"])}
    assert "工会每人不低于 300 元" in words["union-standard"]
    assert "比例不低于 10%" in words["canteen-ratio"]
    shown = "\n".join(describe(policies["cn-2025"]))
    assert "填报截止 2025年3月31日" in shown and "依据：财办库〔2024〕267号" in shown


def test_quotes_not_in_the_given_notice_text_are_named(policies):
    library = PolicyLibrary()
    doc = editing.draft_from(library.get("henan-2023"), year=2023, policy_id="h2", name="x", notice=NOTICE)
    policy = editing.check_draft(doc)
    quote = policy.rule("canteen-ratio").quotes[0]
    missing = editing.quotes_not_found(policy, f"一、{quote}。")
    assert ("canteen-ratio", quote) not in missing and missing  # the other quotes are not in this text
    assert editing.quotes_not_found(policy, "") == []


@pytest.mark.parametrize("number, ok", [
    ("豫财购〔2027〕1号", True), ("财办库〔2026〕300号", True), ("豫财购[2027]1号", False), ("豫财购〔27〕1号", False),
    ("", False), ("豫财购〔2027〕号", False),
])
def test_notice_numbers_are_written_with_hexagonal_brackets(number, ok):
    assert (editing.check_notice_number(number) == "") is ok


def test_the_policies_command_lists_shows_and_checks(tmp_path, capsys):
    from desktop832.cli import main

    library = PolicyLibrary()
    editing.save_draft(library, _draft_2027(library))
    assert main(["policies"]) == 0
    listed = capsys.readouterr().out
    assert "cn-2027" in listed and "本机自建" in listed and "cn-2025" in listed and "程序自带" in listed
    assert main(["policies", "--show", "cn-2027"]) == 0
    shown = capsys.readouterr().out
    assert "全国 2027 年度（本机自建，财办库〔2026〕300号）" in shown and "填报截止 2027年3月31日" in shown
    assert [line for line in shown.splitlines() if "比例不低于" in line] == ["  食堂预留比例：比例不低于 10%；鼓励达到 15%"]
    assert main(["policies", "--show", "nope"]) == 2
    assert "没有 id 为“nope”的政策" in capsys.readouterr().err
    sent = tmp_path / "sent.toml"
    editing.export(library, "cn-2027", sent)
    editing.remove(library, "cn-2027")
    assert main(["policies", "--check", str(sent)]) == 0
    checked = capsys.readouterr().out
    assert "适用于 2027 年度，全国 · 省级、市级、县级单位" in checked and "2027 年度目前没有其他政策文件" in checked
    assert not paths.user_policies_dir().joinpath("cn-2027.toml").exists()  # --check copies nothing
    sent.write_text(sent.read_text("utf-8").replace("2027-03-31", "2026-03-31"), "utf-8")
    assert main(["policies", "--check", str(sent)]) == 2
    assert "“rules.filing-deadline.date”日期 2026-03-31 不在本政策的年度 2027 年内" in capsys.readouterr().err
