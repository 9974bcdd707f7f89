"""Known store errors: problems of the surroundings that the clerk can act on.

Anything else raised while storing is a bug and goes through the crash path instead.
"""

import errno
import sqlite3

from ..domain.errors import ClerkError


class StoreError(ClerkError):
    """A data file problem with a Chinese message for the clerk; ``kind`` lets the UI offer help."""

    def __init__(self, message: str, kind: str = "other"):
        super().__init__(message)
        self.kind = kind  # foreign, newer, corrupt, readonly, full, locked, missing, io, other

    def __str__(self) -> str:
        return self.message


# SQLite's primary result codes (the low byte of an extended code: SQLITE_IOERR_WRITE is 778 & 0xff == 10)
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26

_KIND_BY_SQLITE_CODE = {
    SQLITE_READONLY: "readonly", SQLITE_PERM: "readonly",
    SQLITE_FULL: "full",
    SQLITE_BUSY: "locked", SQLITE_LOCKED: "locked",
    SQLITE_CORRUPT: "corrupt", SQLITE_NOTADB: "corrupt",
    SQLITE_CANTOPEN: "missing",
    SQLITE_IOERR: "io",
}
_KIND_BY_ERRNO = {
    errno.EACCES: "readonly", errno.EPERM: "readonly", errno.EROFS: "readonly",
    errno.ENOSPC: "full",
    errno.ENOENT: "missing", errno.ENOTDIR: "missing",
    errno.EBUSY: "locked",
    errno.EIO: "io",
}
if hasattr(errno, "EDQUOT"):  # not on Windows
    _KIND_BY_ERRNO[errno.EDQUOT] = "full"


def kind_of(exc: BaseException) -> str | None:
    """What kind of known problem ``exc`` is, from SQLite's result code or the system's errno
    (never from words in the message, which may quote a path such as ``E:\\locked-usb``)."""
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's exception
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        return None if code is None else _KIND_BY_SQLITE_CODE.get(code & 0xFF)
    if isinstance(orig, OSError):
        return _KIND_BY_ERRNO.get(orig.errno)
    return None


def translate(exc: BaseException, path: object = "") -> StoreError | None:
    """Map a sqlite3 / SQLAlchemy / OS error to a :class:`StoreError`, or ``None`` for a bug."""
    kind = kind_of(exc)
    if kind == "readonly":
        return StoreError(f"数据文件是只读的，无法保存：{path}。请检查文件权限或另存一份。", "readonly")
    if kind == "full":
        return StoreError("磁盘已满，刚才的修改没有保存。请清理磁盘空间后再试，已保存的数据不受影响。", "full")
    if kind == "locked":
        return StoreError("数据文件正被其他程序占用，请稍后再试。", "locked")
    if kind == "corrupt":
        return StoreError(f"数据文件已损坏，无法读取：{path}。可以从备份恢复。", "corrupt")
    if kind == "missing":
        return StoreError(f"无法打开数据文件：{path}", "missing")
    if kind == "io":
        return StoreError(f"读写数据文件时出错：{path}。U 盘或网络磁盘是否已断开？已保存的数据不受影响。", "io")
    return None
