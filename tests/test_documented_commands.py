"""Every ``desktop832 …`` command line written in README.md and docs/ (the help pages too) works as written.

Each documented line is run twice, as its shortest form (optional parts left out) and with every
optional part in, on a fresh copy of the demo unit (``--db`` added after the sub-command when the
line names no data file: global options are accepted there as well as before it). Placeholders
(``Y``, ``FILE.pdf``, ``FILE...``, ``列名=字段``, …) become real files and values. Lines that open the
window are checked by the parser only; the full ``--self-test`` run is in ``test_cli.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from desktop832.cli import build_parser, main

from .exchange_helpers import write_orders_csv

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]  # the help pages (docs/help/) too
_SPAN = re.compile(r"`(desktop832(?:[ \n][^`]*)?)`")
_OPTIONAL = re.compile(r"\s*\[([^\]]*)\]")


def documented_lines() -> list[tuple[str, str]]:
    found = {}
    for source in SOURCES:
        for match in _SPAN.finditer(source.read_text("utf-8")):
            line = " ".join(match.group(1).split())
            found.setdefault(line, source.name)
    return sorted((line, source) for line, source in found.items())


LINES = documented_lines()


def variants(line: str) -> dict[str, list[str]]:
    """The shortest form and the one with every optional part, as argument lists."""
    shortest = _OPTIONAL.sub("", line)
    fullest = _OPTIONAL.sub(lambda m: " " + m.group(1), line)
    return {"shortest": shortest.split()[1:], "fullest": fullest.split()[1:]}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo data file (copied for every run), its JSON, an export of it and an order list."""
    folder = tmp_path_factory.mktemp("documented")
    db = folder / "demo.sqlite"
    assert main(["--demo", "dump", "-o", str(folder / "demo.json")]) == 0
    assert main(["load", str(folder / "demo.json"), "--db", str(db)]) == 0
    source = folder / "source.sqlite"
    shutil.copy(db, source)
    assert main(["--db", str(source), "export", "-o", str(folder / "a.xlsx")]) == 0
    # stack refuses the same unit and year twice: the second file is the unit's other year
    assert main(["--db", str(source), "export", "--year", "2023", "-o", str(folder / "b.xlsx")]) == 0
    write_orders_csv(folder / "orders.csv", "utf-8")
    (folder / "mapping.json").write_text('{"columns": {"收货人": "不导入"}, "states": {"已签收待结算": "已完结"}}', "utf-8")
    # the commitment letter is refused for a unit with a canteen (the demo's is outsourced): its
    # documented lines run on the same unit made 无食堂, with its meal arrangement written in
    data = json.loads((folder / "demo.json").read_text("utf-8"))
    data["profile"].update(canteen_mode="无食堂", meal_arrangement="职工在单位附近自行就餐")
    (folder / "no-canteen.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["load", str(folder / "no-canteen.json"), "--db", str(folder / "no-canteen.sqlite")]) == 0
    return folder


def _paper_fingerprint(path: Path) -> str:
    """The short fingerprint printed on the demo export's form, as a reviewer types it."""
    from desktop832.documents import fingerprint as fp
    from desktop832.documents.verify import verify_file

    return fp.short(verify_file(path).computed_fingerprint).replace(" ", "")


def concrete(args: list[str], demo: Path, run: Path) -> list[str]:
    """The documented arguments with every placeholder made real."""
    command = next((a for a in args if not a.startswith("-")), None)
    bare_file = {
        "dump": str(run / "out.json"), "export": str(run / "out.xlsx"), "import-orders": str(demo / "orders.csv"),
        "load": str(demo / "demo.json"), None: str(run / "unit.sqlite"),
    }
    values = {
        "Y": "2024", "FILE.json": str(demo / "demo.json"), "NEW": str(run / "new.sqlite"),
        "FILE.pdf": str(run / "letter.pdf"), "FILE.zip": str(run / "pack.zip"), "FILE.xlsx": str(demo / "a.xlsx"), "ALL.xlsx": str(run / "all.xlsx"),
        "FILE.toml": str(ROOT / "resources" / "policies" / "cn-2024.toml"), "ID": "cn-2025", "DATE": "2024-03-01",
        "用途": "食堂食材", "列名=字段": "实付金额=实付金额", "MAPPING.json": str(demo / "mapping.json"), "FILE": bare_file.get(command, ""),
        "指纹": _paper_fingerprint(demo / "a.xlsx"),
    }
    out = []
    for arg in args:
        if arg == "…":
            continue
        if arg == "FILE...":
            out += [str(demo / "a.xlsx"), str(demo / "b.xlsx")]
        else:
            out.append(values.get(arg, arg))
    return out


def test_the_docs_name_every_sub_command():
    # the scan finds the lines (a broken pattern would make the test below pass on nothing)
    named = {variants(line)["shortest"][0] for line, _ in LINES if variants(line)["shortest"]}
    assert {"check", "policies", "dump", "load", "letter", "export", "verify", "import-orders", "stack", "report",
            "evidence"} <= named


@pytest.mark.parametrize("form", ["shortest", "fullest"])
@pytest.mark.parametrize("line, source", LINES, ids=[line for line, _ in LINES])
def test_a_documented_command_line_works(line, source, form, demo, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a command's default output (export without -o) lands here, not in the checkout
    args = concrete(variants(line)[form], demo, tmp_path)
    parsed = build_parser().parse_args(args)  # a refused line exits here with status 2
    if parsed.command is None:  # the window, or the self-test (run in test_cli.py)
        return
    if "--db" not in args and "--demo" not in args:
        unit = "no-canteen.sqlite" if parsed.command == "letter" else "demo.sqlite"
        shutil.copy(demo / unit, tmp_path / "unit.sqlite")
        args += ["--db", str(tmp_path / "unit.sqlite")]
    status = main(args)
    assert status == 0, f"{source}: desktop832 {' '.join(args)}\n{capsys.readouterr()}"


@pytest.mark.parametrize("command", [["check"], ["dump"], ["policies"], ["letter", "-o", "x.pdf"]])
def test_global_options_are_the_same_before_and_after_the_sub_command(command, tmp_path):
    db = str(tmp_path / "unit.sqlite")
    before = vars(build_parser().parse_args(["--db", db, *command]))
    after = vars(build_parser().parse_args([*command, "--db", db]))
    assert before == after and before["db"] == Path(db)
    assert vars(build_parser().parse_args([*command, "--demo"]))["demo"] is True
    assert vars(build_parser().parse_args(command))["db"] is None  # not given anywhere: the default


def test_load_as_the_readme_writes_it(demo, tmp_path, capsys):
    new = tmp_path / "new.sqlite"
    assert main(["load", str(demo / "demo.json"), "--db", str(new)]) == 0
    assert new.exists() and "已建立" in capsys.readouterr().out
    assert main(["check", "--db", str(new)]) == 0
