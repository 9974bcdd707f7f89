"""Known store errors: problems of the surroundings that the clerk can act on.

Anything else raised while storing is a bug and goes through the crash path instead.
"""

import sqlite3


class StoreError(Exception):
    """A data file problem with a Chinese message for the clerk; ``kind`` lets the UI offer help."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.message = message
        self.kind = kind  # foreign, newer, corrupt, readonly, full, locked, missing, other

    def __str__(self) -> str:
        return self.message


def translate(exc: BaseException, path: object = "") -> StoreError | None:
    """Map a sqlite3 / SQLAlchemy / OS error to a :class:`StoreError`, or ``None`` for a bug."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    if isinstance(orig, sqlite3.DatabaseError) or isinstance(orig, OSError):
        if "readonly" in text or "read-only" in text or "permission denied" in text:
            return StoreError(f"数据文件是只读的，无法保存：{path}。请检查文件权限或另存一份。", "readonly")
        if "disk is full" in text or "no space" in text or "database or disk is full" in text:
            return StoreError("磁盘已满，刚才的修改没有保存。请清理磁盘空间后再试，已保存的数据不受影响。", "full")
        if "locked" in text or "busy" in text:
            return StoreError("数据文件正被其他程序占用，请稍后再试。", "locked")
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return StoreError(f"数据文件已损坏，无法读取：{path}。可以从备份恢复。", "corrupt")
        if "unable to open" in text or isinstance(orig, FileNotFoundError):
            return StoreError(f"无法打开数据文件：{path}", "missing")
    return None
