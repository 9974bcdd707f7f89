"""What kind of file a path holds, read with plain sqlite3 so opening an up-to-date file never
imports Alembic (it costs half a second of start-up)."""

from __future__ import annotations

import enum
import sqlite3
from pathlib import Path

from .errors import StoreError

APPLICATION_ID = 0x38333244  # "832D": marks a desktop832 data file (PRAGMA application_id)
HEAD_REVISION = "0002"  # must equal the Alembic head; a test checks it
KNOWN_REVISIONS = ("0001", "0002")  # oldest first
SQLITE_MAGIC = b"SQLite format 3\x00"


class FileState(enum.Enum):
    NEW = "new"  # missing or empty: create
    CURRENT = "current"
    OLDER = "older"  # needs a migration


def inspect(path: Path) -> tuple[FileState, str | None]:
    """Classify ``path`` or raise :class:`StoreError` for a file desktop832 must not touch."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return FileState.NEW, None
    if path.is_dir():
        raise StoreError(f"“{path}”是文件夹，不是数据文件。", "foreign")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise StoreError(f"无法读取数据文件：{path}（{exc.strerror}）", "missing") from None
    if magic != SQLITE_MAGIC:
        raise StoreError(f"“{path.name}”不是 desktop832 数据文件（也不是 SQLite 数据库），未作任何改动。", "foreign")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                version = row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"数据文件已损坏，无法读取：{path}（{exc}）。可以从备份恢复。", "corrupt") from None
    if app_id != APPLICATION_ID:
        if not tables:
            return FileState.NEW, None
        raise StoreError(f"“{path.name}”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。", "foreign")
    if version == HEAD_REVISION:
        return FileState.CURRENT, version
    if version in KNOWN_REVISIONS:
        return FileState.OLDER, version
    raise StoreError(
        f"“{path.name}”由更新版本的 desktop832 创建（数据格式 {version}），请升级本程序后再打开；文件未作任何改动。",
        "newer",
    )
