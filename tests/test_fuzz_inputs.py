"""Fuzzing every file the clerk can hand the app: JSON to ``load``, TOML to the policy loader,
CSV and xlsx to the order importer.

Inputs are random documents and random mutations (bytes flipped, cut, repeated, inserted) of
good files. Every outcome must be a clean refusal (the loader's own error, with a Chinese
message) or a correct load, never any other exception; and no file that existed before is ever
changed: the input itself, and for ``load`` the data file it is pointed at when one is there.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ROOT

FUZZ = settings(max_examples=int(__import__("os").environ.get("DESKTOP832_FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)
CJK = re.compile(r"[\u4e00-\u9fff]")

DEMO_JSON = (ROOT / "resources" / "demo" / "demo-unit.json").read_bytes()
POLICY_TOML = (ROOT / "resources" / "policies" / "cn-2024.toml").read_bytes()
HEADERS = "订单编号,下单时间,店铺名称,商品名称,实付金额,订单状态,支付时间,收货人"
ORDERS_CSV = (
    HEADERS + "\n"
    + "\n".join(f"83220240301{i:05d},2024-03-01 10:22:33,光山县原味农业,糯米 {i},{i + 1}.50,已完成,2024-03-02 09:00:00,张三" for i in range(8))
    + "\n"
).encode("utf-8")


def _xlsx(text: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in text.decode("utf-8").splitlines():
        ws.append(line.split(","))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ORDERS_XLSX = _xlsx(ORDERS_CSV)


@st.composite
def mutated(draw, good: bytes) -> bytes:
    """``good`` with a few random edits: the files a broken download, a bad editor or an attacker make."""
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif kind == "repeat" and data:
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end] * draw(st.integers(2, 50))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 100))]
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_chinese(message: str) -> None:
    assert CJK.search(message), f"no Chinese in the message: {message!r}"


# --- load: JSON -----------------------------------------------------------------------------------


@st.composite
def replaced_value(draw) -> bytes:
    """The demo file with one value somewhere replaced by any JSON value: valid JSON, wrong data."""
    doc = json.loads(DEMO_JSON)
    holder, key = None, None
    node = doc
    for _ in range(draw(st.integers(1, 4))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
        else:
            break
        holder, node = node, node[key]
    if holder is not None:
        holder[key] = draw(json_values)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _hostile_json() -> st.SearchStrategy[bytes]:
    return st.one_of(
        mutated(DEMO_JSON),
        replaced_value(),
        json_values.map(lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")),
        json_values.map(lambda v: json.dumps({"format": "desktop832", "version": 1, "profile": v}).encode()),
        st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n),  # deep nesting
        st.integers(4000, 20_000).map(lambda n: b'{"format": "desktop832", "version": ' + b"9" * n + b"}"),
        st.just(b'{"format": "desktop832", "profile": {"name": "\\ud800"}}'),  # a lone surrogate
        st.binary(max_size=300),
    )


@FUZZ
@given(data=_hostile_json())
def test_load_refuses_or_loads_and_never_changes_an_existing_file(data, capsys):
    from desktop832.cli import main

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "导入.json"
        source.write_bytes(data)
        target = folder / "新单位.sqlite"
        code = main(["--db", str(target), "load", str(source)])
        err = capsys.readouterr().err
        assert code in (0, 2), err
        if code == 2:
            _assert_chinese(err)
            assert not target.exists() and sorted(p.name for p in folder.iterdir()) == ["导入.json"]
        else:  # a correct load: the new file reads back, and its dump loads again
            assert main(["--db", str(target), "dump", "-o", str(folder / "again.json")]) == 0
            assert main(["--db", str(folder / "again.sqlite"), "load", str(folder / "again.json")]) == 0
            capsys.readouterr()
            before = _digest(target)
            assert main(["--db", str(target), "load", str(source)]) == 2  # never over an existing file
            assert "数据文件已存在" in capsys.readouterr().err and _digest(target) == before
        assert source.read_bytes() == data


# --- the policy loader: TOML ---------------------------------------------------------------------


@FUZZ
@given(data=st.one_of(mutated(POLICY_TOML), st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_the_policy_loader_refuses_or_loads(data):
    from desktop832.domain.policy import PolicyError
    from desktop832.domain.policy_files import load_policy_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "政策.toml"
        path.write_bytes(data)
        try:
            policy = load_policy_file(path)
        except PolicyError as exc:
            _assert_chinese(str(exc))
        else:
            assert policy.id and policy.year
        assert path.read_bytes() == data and [p.name for p in Path(folder).iterdir()] == ["政策.toml"]


# --- the order importer: CSV and xlsx --------------------------------------------------------------


def _import(name: str, data: bytes) -> None:
    from desktop832.documents.errors import ExchangeError
    from desktop832.documents.orders import read_orders
    from desktop832.domain.errors import ClerkError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            parsed = read_orders(path)
        except (ExchangeError, ClerkError) as exc:
            _assert_chinese(exc.message)
        else:
            for error in parsed.errors:
                _assert_chinese(str(error.message if hasattr(error, "message") else error))
        assert path.read_bytes() == data and [p.name for p in Path(folder).iterdir()] == [name]


@FUZZ
@given(data=st.one_of(mutated(ORDERS_CSV), st.binary(max_size=400)))
def test_the_importer_refuses_or_reads_csv(data):
    _import("订单.csv", data)


@FUZZ
@given(data=mutated(ORDERS_XLSX))
def test_the_importer_refuses_or_reads_xlsx(data):
    _import("订单.xlsx", data)
