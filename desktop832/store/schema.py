"""What kind of file a path holds, read with plain sqlite3 so opening an up-to-date file never
imports Alembic (it costs half a second of start-up)."""

from __future__ import annotations

import enum
import sqlite3
import stat
from pathlib import Path

from .errors import StoreError

APPLICATION_ID = 0x38333244  # "832D": marks a desktop832 data file (PRAGMA application_id)
HEAD_REVISION = "0006"  # must equal the Alembic head; a test checks it
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")  # oldest first
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26  # primary result codes (sqlite3.h)
IDENTITY_KEY = "file.identity"  # a random id made when a file is first opened for writing


class FileState(enum.Enum):
    NEW = "new"  # missing or empty: create
    CURRENT = "current"
    OLDER = "older"  # needs a migration


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A ``file:`` URI for ``sqlite3.connect(..., uri=True)``; the path percent-encoded, so a
    ``?`` or ``#`` in a folder name is part of the name, not the start of the parameters."""
    from urllib.parse import quote, urlencode

    text = quote(Path(path).as_posix(), safe="/")
    return f"file:{text}" + (f"?{urlencode(params)}" if params else "")


def file_identity(path: Path | str) -> str | None:
    """The identity stored inside a data file or one of its backups, or ``None`` when it has
    none or cannot be read (damaged, not a data file, missing).

    Read through SQLite only (never ``open``: see :mod:`desktop832.protected_files`) and
    ``immutable``: no lock is taken, nothing is written, no ``-shm`` is made beside the file.
    The identity is checkpointed into the file itself when it is made, so the WAL is not needed.
    """
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):  # a named pipe would block the open
            return None
        con = sqlite3.connect(sqlite_uri(path, mode="ro", immutable="1"), uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = ?", (IDENTITY_KEY,)).fetchone()
        finally:
            con.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    return row[0] if row is not None and isinstance(row[0], str) and row[0] else None


class ReadingSource:
    """How to read a data file read-only, also where SQLite cannot work beside it.

    A file in WAL mode needs its ``-shm`` to be read, and SQLite creates it beside the file: in a
    read-only folder (a CD, a write-protected USB stick, a shared folder without write access)
    it cannot, and fails with SQLITE_CANTOPEN, which is no damage at all. Then:

    - without a ``-wal`` holding changes the file alone is the whole truth (no process can be
      writing there: a writer needs to create ``-wal``): it is read as ``immutable``;
    - with one, the file and its ``-wal`` are copied into a private temporary folder and the copy
      is read, so the changes still waiting in the ``-wal`` are shown too.

    ``note`` says which (Chinese, "" for a normal read); :meth:`close` removes the copy.
    """

    def __init__(self, uri: str, note: str = "", folder: Path | None = None):
        self.uri, self.note, self.folder = uri, note, folder

    @classmethod
    def for_file(cls, path: Path) -> ReadingSource:
        uri = sqlite_uri(path, mode="ro")
        if not _cannot_open(uri):
            return cls(uri)
        wal = path.with_name(path.name + "-wal")
        try:
            pending = wal.stat().st_size > 0
        except OSError:
            pending = False
        if not pending:
            return cls(sqlite_uri(path, mode="ro", immutable="1"), READ_ONLY_FOLDER_NOTE)
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="desktop832-view-"))  # owner-only, as mkdtemp makes it
        try:
            # Python opens the file here, which SQLite in this process does not have open: it could not
            copy = folder / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, folder / wal.name)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return cls(uri)  # the first error stands
        return cls(sqlite_uri(copy, mode="ro"), READ_ONLY_FOLDER_COPY_NOTE, folder)

    def close(self) -> None:
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


READ_ONLY_FOLDER_NOTE = "数据文件所在的文件夹是只读的，已直接读取文件的内容"
READ_ONLY_FOLDER_COPY_NOTE = "数据文件所在的文件夹是只读的，已读取文件及其未合并修改的临时副本"


def _cannot_open(uri: str) -> bool:
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return getattr(exc, "sqlite_errorcode", 0) & 0xFF == SQLITE_CANTOPEN
    return False


def inspect(path: Path) -> tuple[FileState, str | None]:
    """Classify ``path`` or raise :class:`StoreError` for a file desktop832 must not touch.

    The file is read through SQLite only, never opened by Python: closing another descriptor of
    a file this process has open in SQLite would drop SQLite's locks on it (see
    :mod:`desktop832.protected_files`).
    """
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return FileState.NEW, None
    except OSError as exc:
        raise StoreError(f"无法读取数据文件：{path}（{_os_reason(exc)}）", "missing") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"“{path}”是文件夹，不是数据文件。", "foreign")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"“{path.name}”不是普通文件（可能是管道或设备），不是数据文件，未作任何改动。", "foreign")
    if st.st_size == 0:
        return FileState.NEW, None
    source = ReadingSource.for_file(path)
    try:
        con = sqlite3.connect(source.uri, uri=True)
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
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_NOTADB:
            raise StoreError(f"“{path.name}”不是 desktop832 数据文件（也不是 SQLite 数据库），未作任何改动。", "foreign") from None
        if code == SQLITE_CANTOPEN:
            raise StoreError(f"无法打开数据文件：{path}", "cantopen") from None
        raise StoreError(f"数据文件已损坏，无法读取：{path}。可以从备份恢复。", "corrupt") from None
    finally:
        source.close()
    if app_id != APPLICATION_ID:
        # an empty SQLite file (no mark, no tables) may become a data file when the clerk asks for
        # a new one; a file another program marked as its own is never touched, tables or not
        if not tables and app_id == 0:
            return FileState.NEW, None
        raise StoreError(f"“{path.name}”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。", "foreign")
    if version is None:
        raise StoreError(
            f"“{path.name}”是 desktop832 数据文件，但缺少数据格式的版本记录（文件不完整或已损坏），未作任何改动。可以从备份恢复。",
            "corrupt",
        )
    if version == HEAD_REVISION:
        return FileState.CURRENT, version
    if version in KNOWN_REVISIONS:
        return FileState.OLDER, version
    raise StoreError(
        f"“{path.name}”由更新版本的 desktop832 创建（数据格式 {version}），请升级本程序后再打开；文件未作任何改动。",
        "newer",
    )


def _os_reason(exc: OSError) -> str:
    import errno

    from ..oserrors import write_failure_reason

    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    return write_failure_reason(exc)
