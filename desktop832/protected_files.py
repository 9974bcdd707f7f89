"""The clerk's data files, which nothing but SQLite may open, and no output may replace.

Two rules follow from how SQLite keeps a file safe:

- *Never open a data file (or its ``-wal``, ``-shm``, ``-journal``) outside SQLite.* On POSIX,
  closing any descriptor of a file drops every ``fcntl`` lock this process holds on it, SQLite's
  included; another process may then checkpoint and delete the WAL the window still writes into.
  Readers of files the clerk names (order lists, exports to verify, fonts, policy files) ask
  :func:`refuse_reading` first, so picking ``unit.sqlite`` by mistake is refused, not read.
- *Never write an output over a data file, its companions, its lock, or a command's own input.*
  :func:`refuse_writing` is asked by the one function that writes every output file.

Data files are registered here when a store opens them and stay known for the whole process (an
export over the file the window had open an hour ago is still an export over the clerk's data).
Comparison is by device and inode where the system has them, and by the absolute path as well,
so a second name (a hard link, another spelling) is caught too. Imports nothing of the
application: every layer may use it.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

SIDECARS = ("-wal", "-shm", "-journal")
LOCK_SUFFIX = ".lock"
_known: set[str] = set()  # absolute paths of data files opened in this process
_guard = threading.Lock()


class ProtectedFileError(Exception):
    """A file that must not be read or written this way; ``message`` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _absolute(path: Path | str) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))


def companions(data_file: Path | str) -> list[Path]:
    """The data file and every file SQLite or the lock keeps beside it."""
    data_file = _absolute(data_file)
    return [data_file] + [data_file.with_name(data_file.name + s) for s in SIDECARS + (LOCK_SUFFIX,)]


def register(data_file: Path | str) -> None:
    """``data_file`` is a desktop832 data file this process works with."""
    with _guard:
        _known.add(str(_absolute(data_file)))


def known() -> list[Path]:
    with _guard:
        return [Path(p) for p in sorted(_known)]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _same(a: Path, b: Path) -> bool:
    if a == b or os.path.normcase(str(a)) == os.path.normcase(str(b)):
        return True
    ia, ib = _identity(a), _identity(b)
    return ia is not None and ia == ib


def which_data_file(path: Path | str, extra: tuple = ()) -> tuple[Path, Path] | None:
    """``(data file, matching companion)`` if ``path`` is a data file or one of its companions."""
    path = _absolute(path)
    for data_file in known() + [_absolute(p) for p in extra]:
        for companion in companions(data_file):
            if _same(path, companion):
                return data_file, companion
    return None


def refuse_reading(path: Path | str) -> None:
    """Raise :class:`ProtectedFileError` when ``path`` is a data file (or companion) of this
    process, or no regular file at all: a named pipe (FIFO) or a device would block ``open``
    or ``read`` for ever. A missing file passes: the reader reports it in its own words."""
    hit = which_data_file(path)
    if hit is not None:
        raise ProtectedFileError(
            f"“{Path(path).name}”是 desktop832 的数据文件（或其附属文件），不能作为要读取的文件，未读取任何内容。"
        )
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISDIR(mode):
        raise ProtectedFileError(f"“{Path(path).name}”是文件夹，不是文件，未读取任何内容。")
    if not stat.S_ISREG(mode):
        raise ProtectedFileError(f"“{Path(path).name}”不是普通文件（可能是管道或设备），未读取任何内容。")


def refuse_writing(path: Path | str, *, inputs: tuple = (), data_files: tuple = ()) -> None:
    """Raise :class:`ProtectedFileError` when writing ``path`` would replace a data file, one of
    its companions or its lock, or one of ``inputs`` (the files the command reads)."""
    hit = which_data_file(path, data_files)
    if hit is not None:
        data_file, companion = hit
        what = "数据文件" if companion == data_file else "数据文件的附属文件"
        raise ProtectedFileError(
            f"不能写到“{_absolute(path).name}”：那是{what}（{data_file.name}），写入会毁掉数据。请换一个文件名，未写入任何内容。"
        )
    target = _absolute(path)
    for source in inputs:
        if source is not None and _same(target, _absolute(source)):
            raise ProtectedFileError(
                f"不能写到“{target.name}”：它是本命令正在读取的文件，写入会覆盖它。请换一个文件名，未写入任何内容。"
            )
