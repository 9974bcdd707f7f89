"""Writes ``head_schema.py`` again from the migrations (run after adding one)::

    python -m desktop832.store.make_head_schema
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from . import head_schema, schema
from .database import _make_engine, migrate


def generate() -> str:
    """The text of ``head_schema.py`` for the migrations' head."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "new.sqlite"
        engine = _make_engine(path)
        migrate(engine, path, new=True, snapshot=False)
        engine.dispose()
        con = sqlite3.connect(path)
        rows = con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
        con.close()
    text = Path(head_schema.__file__).read_text("utf-8")
    head, _, _ = text.partition("REVISION = ")
    body = "".join(f"    {sql!r},\n" for (sql,) in rows)
    return f'{head}REVISION = "{schema.HEAD_REVISION}"\n\nSTATEMENTS = (\n{body})\n'


if __name__ == "__main__":  # pragma: no cover
    Path(head_schema.__file__).write_text(generate(), "utf-8")
