"""One writer per data file: a ``QLockFile`` beside it (``unit.sqlite`` → ``unit.sqlite.lock``).

SQLite alone would let two windows write the same file in turn, each overwriting the other's plan
with the copy it loaded. The lock tells a second instance who holds the file, so it can offer
read-only viewing instead. A lock left by an instance that crashed (its process is gone) is stale
and taken over; age alone never makes a lock stale, because a clerk may keep the window open for
days. Only QtCore is used (no widgets): the dialog lives in :mod:`desktop832.ui.dialogs.file_lock`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket
from pathlib import Path

from PySide6.QtCore import QLockFile

# one QLockFile per path held by this process: opening the file again must not lock us out
_held: dict[str, QLockFile] = {}


@dataclasses.dataclass
class LockResult:
    ok: bool
    holder_description: str  # Chinese, who holds the file ("" when ok)
    lock: QLockFile | None  # keep it for as long as the file is open for writing
    problem: str = ""  # "held" by another instance, "error" no lock could be made, "readonly"
    path: Path | None = None

    def release(self) -> None:
        if self.ok and self.path is not None:
            release(self.path)


def lock_path(path: Path | str) -> Path:
    path = Path(path).expanduser().absolute()
    return path.with_name(path.name + ".lock")


def acquire(path: Path | str) -> LockResult:
    """Lock ``path`` for writing. Never blocks; a stale lock is removed and taken."""
    key = str(lock_path(path))
    if key in _held:
        return LockResult(True, "", _held[key], path=Path(path))
    lock = QLockFile(key)
    # 0 turns off stale-by-age; a lock whose process is gone (same machine) is still stale
    lock.setStaleLockTime(0)
    if lock.tryLock(0) or (_held_by_no_one(lock) and lock.tryLock(0)):
        _held[key] = lock
        return LockResult(True, "", lock, path=Path(path))
    if lock.error() == QLockFile.LockError.LockFailedError:
        return LockResult(False, describe_holder(lock), None, "held", Path(path))
    return LockResult(False, f"无法在数据文件所在的文件夹建立锁文件（{key}）：{_why_no_lock(lock, Path(key))}", None, "error", Path(path))


def _held_by_no_one(lock: QLockFile) -> bool:
    """Remove a lock of this computer that no live process holds, even where Qt thinks it is.

    Qt calls a lock stale when its process number is gone or runs another program. A number
    reused by another Python process (desktop832 run from source, any Python tool) passes both
    tests, and the file stayed locked for good. But the instance holding a lock also holds the
    system's own lock on the lock file (``flock``/``fcntl`` on POSIX, an open handle on Windows)
    until it unlocks or dies; ``removeStaleLockFile`` deletes the file only when it can take
    that lock itself, so a live holder is never dispossessed. Never for another computer's lock:
    over a network share the system's lock may not reach the other machine.
    """
    if lock.error() != QLockFile.LockError.LockFailedError:
        return False
    try:
        _pid, host, _program = lock.getLockInfo()
    except (TypeError, ValueError, RuntimeError):
        return False
    if host and host != socket.gethostname():
        return False
    return lock.removeStaleLockFile()


def _why_no_lock(lock: QLockFile, key: Path) -> str:
    """Say what is true: a full disk is no read-only folder (the message used to guess that)."""
    import shutil

    if lock.error() == QLockFile.LockError.PermissionError:
        return "该文件夹不允许写入（只读）"
    try:
        if shutil.disk_usage(key.parent).free < 64 * 1024:
            return "磁盘已满，请清理磁盘空间后再试"
    except OSError:
        return "文件夹不存在或无法访问（U 盘或网络磁盘是否已断开？）"
    return "系统拒绝建立该文件"


def write_problem(path: Path | str) -> str:
    """Why this process cannot write the data file (Chinese), or ``""``.

    SQLite opens a file it may not write read-only without a word, and the clerk would learn it
    only when the first edit fails to save: ask the system first. SQLite also needs to create
    ``-wal`` and ``-shm`` files beside the data file, so its folder must be writable too.
    """
    path = Path(path).expanduser().absolute()
    if path.exists() and not os.access(path, os.W_OK):
        return f"数据文件“{path.name}”是只读的（文件属性或权限不允许修改）"
    folder = path.parent
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        return f"数据文件所在的文件夹“{folder}”不允许写入"
    return ""


def release(path: Path | str) -> None:
    """Unlock ``path`` if this process holds it (safe to call when it does not)."""
    lock = _held.pop(str(lock_path(path)), None)
    if lock is not None:
        lock.unlock()


def held_paths() -> list[Path]:
    return [Path(p) for p in _held]


def describe_holder(lock: QLockFile) -> str:
    """Who holds the lock, as a clerk can act on it: which computer, which program, since when."""
    try:
        pid, host, _program = lock.getLockInfo()
    except (TypeError, ValueError, RuntimeError):  # unreadable lock file: say what we can
        pid, host = 0, ""
    since = _modified(Path(lock.fileName()))
    who = "本机上" if not host or host == socket.gethostname() else f"计算机“{host}”上"
    # only desktop832 makes these lock files; the program name Qt records is the interpreter's
    # when run from source, which would only confuse
    text = f"{who}的 desktop832"
    if pid:
        text += f"（进程号 {pid}）"
    if since:
        text += f"，自 {since} 起"
    return text


def _modified(path: Path) -> str:
    try:
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return ""
    return stamp.strftime("%H:%M") if stamp.date() == dt.date.today() else stamp.strftime("%Y-%m-%d %H:%M")
