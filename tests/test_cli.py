"""The headless commands, run as a clerk or support would run them."""

import json
import os
import subprocess
import sys

import pytest

from desktop832.cli import main

from .conftest import ROOT, VALID_CODE

UNIT_JSON = {
    "format": "desktop832",
    "version": 1,
    "profile": {
        "name": "测试县教育局", "credit_code": VALID_CODE, "level": "县级", "province": "青海省", "city": "西宁市",
        "supervising_department": "测试县人民政府", "contact_name": "王五", "phone": "0371-65901234",
        "canteen_mode": "自有食堂", "has_union_funds": True, "union_members": 50, "employees": 60,
    },
    "plans": [
        {
            "year": 2024, "canteen_total": "1000000.00", "reserve_amount": "100000.00", "reserve_ratio": "10.00",
            "union_farm_total": "100000.00", "union_reserve": "15000.00", "last_year_amount": "90000.00",
        }
    ],
    "purchases": [
        {"date": "2024-03-01", "amount": "5000.00", "order_no": "832A", "purpose": "食堂食材", "paid_on": "2024-03-05"},
        {"date": "2024-03-02", "amount": "700.00", "order_no": "832B", "state": "未完结"},
    ],
}


@pytest.fixture
def unit_json(tmp_path):
    path = tmp_path / "unit.json"
    path.write_text(json.dumps(UNIT_JSON, ensure_ascii=False), "utf-8")
    return path


def test_load_then_check_json(tmp_path, unit_json, capsys):
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "load", str(unit_json)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "check", "--year", "2024", "--json", "--today", "2024-02-01"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["policy"]["id"] == "qinghai-2024"
    by_rule = {f["rule"]: f for f in out["findings"]}
    assert by_rule["canteen-ratio"]["severity"] == "error"
    assert "150,000.00" in by_rule["canteen-ratio"]["message"]
    assert by_rule["canteen-ratio"]["citation"].startswith("青海省2024年度通知 一（一）目标要求：“按照不低于15%的比例”")
    assert "青海省 · 省级、市级、县级单位" in out["selection"]["reason"]
    assert {"id": "cn-2024", "reason": "适用范围（全国 · 省级、市级、县级单位）也包含本单位，但“青海省 2024 年度（落实财办库〔2023〕252号）”更具体"} in out["selection"]["passed_over"]
    assert by_rule["union-standard"]["severity"] == "ok"
    assert by_rule["filing-deadline"]["severity"] == "info"
    assert "700.00" in by_rule["what-counts"]["message"]
    assert out["errors"] == 1


def test_dump_after_load_gives_the_same_json(tmp_path, unit_json, capsys):
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "load", str(unit_json)]) == 0
    first = tmp_path / "first.json"
    assert main(["--db", str(db), "dump", "-o", str(first)]) == 0
    db2 = tmp_path / "again.sqlite"
    assert main(["--db", str(db2), "load", str(first)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db2), "dump"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second == json.loads(first.read_text("utf-8"))
    assert second["profile"]["name"] == "测试县教育局"
    assert second["purchases"][1]["state"] == "未完结"
    assert second["plans"][0]["reserve_amount"] == "100000.00"


@pytest.mark.parametrize(
    "path, value, message",
    [
        (("purchases", 1, "amount"), "-3", "$.purchases[1].amount"),
        (("purchases", 0, "date"), "2024-02-30", "$.purchases[0].date"),
        (("plans", 0, "canteen_total"), 12.5, "金额应写成字符串"),
        (("profile", "canteen_mode"), "大食堂", "$.profile.canteen_mode"),
        # a wrong check character is kept, as the window keeps it (tests/test_bad_input.py); a number is not text
        (("profile", "credit_code"), 91330100716105852, "$.profile.credit_code：应为字符串"),
        (("profile", "colour"), "red", "不认识的字段"),
        # 1.00 of 1,000,000.00 is not the 10% the file says
        (("plans", 0, "reserve_amount"), "1.00", "$.plans[0].reserve_ratio：预留比例 10% 与预留金额 1.00 元不一致"),
    ],
)
def test_load_refuses_bad_json_and_writes_nothing(tmp_path, capsys, path, value, message):
    doc = json.loads(json.dumps(UNIT_JSON))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "load", str(source)]) == 2
    assert message in capsys.readouterr().err
    assert not db.exists() and not list(tmp_path.glob("new.sqlite*"))


def test_load_refuses_to_overwrite(tmp_path, unit_json, capsys):
    db = tmp_path / "new.sqlite"
    assert main(["--db", str(db), "load", str(unit_json)]) == 0
    assert main(["--db", str(db), "load", str(unit_json)]) == 2
    assert "已存在" in capsys.readouterr().err


def test_load_not_json(tmp_path, capsys):
    source = tmp_path / "x.json"
    source.write_text("{oops", "utf-8")
    assert main(["--db", str(tmp_path / "n.sqlite"), "load", str(source)]) == 2
    assert "不是有效的 JSON" in capsys.readouterr().err


def test_check_on_a_foreign_file(tmp_path, capsys):
    bad = tmp_path / "x.sqlite"
    bad.write_text("hello", "utf-8")
    assert main(["--db", str(bad), "check"]) == 2
    assert "不是 desktop832 数据文件" in capsys.readouterr().err


def test_check_missing_file(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite"), "check"]) == 2
    assert "不存在" in capsys.readouterr().err


# The demo unit (in Zhengzhou, Henan) on 2024-06-01: Henan has no 2024 file, so the national one governs
# (the per-user policy folder is an empty temporary one): filed before its deadline, reserve met, one
# warning (an order unpaid for over 30 days) and no error, so exit 0. Nothing of Qinghai's notice applies.
DEMO_DAY = "2024-06-01"


def test_demo_check_readable_table(capsys):
    code = main(["--demo", "check", "--today", DEMO_DAY])
    out = capsys.readouterr().out
    assert "郑州市示例农业技术推广中心" in out and "依据：" in out
    assert "错误 0 项，警告 1 项" in out
    assert "未采用 青海省 2024 年度（落实财办库〔2023〕252号）（qinghai-2024）：适用于青海省，本单位所在省份为河南省" in out
    assert "注意：财办库〔2023〕252号、国务院令第728号 未核对原文" in out
    assert code == 0


def test_policies_lists_shipped_files(capsys):
    assert main(["policies"]) == 0
    out = capsys.readouterr().out
    for policy_id in ("qinghai-2024", "henan-2023", "zhengzhou-2023"):
        assert policy_id in out


def test_bad_usage_exits_2():
    with pytest.raises(SystemExit) as info:
        main(["check", "--year", "abc"])
    assert info.value.code == 2


def test_console_entry_point_runs_headless(tmp_path):
    env = {**os.environ, "DESKTOP832_HOME": str(tmp_path / "home")}  # no per-user policy files
    result = subprocess.run(
        [sys.executable, "-m", "desktop832", "--demo", "check", "--json", "--today", DEMO_DAY],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60, env=env,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["year"] == 2024 and out["policy"]["id"] == "cn-2024"
    assert out["policy"]["unchecked_notices"] == ["财办库〔2023〕252号", "国务院令第728号"]
    assert (out["errors"], out["warnings"]) == (0, 1)


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    """`desktop832 dump | head`: the pipe closes under the dump; the command stops quietly with
    the shell's SIGPIPE status instead of printing a traceback."""
    env = {**os.environ, "DESKTOP832_HOME": str(tmp_path / "home")}
    child = subprocess.Popen([sys.executable, "-m", "desktop832", "--demo", "dump"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.read(100).startswith(b"{")
    child.stdout.close()  # more than a pipe's buffer is still to come: the next write fails
    with child.stderr:
        stderr = child.stderr.read().decode("utf-8", "replace")
    assert child.wait(timeout=60) == 141, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


def test_self_test():
    result = subprocess.run(
        [sys.executable, "-m", "desktop832", "--self-test"], capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    assert result.returncode == 0 and result.stdout.startswith("自检通过")
