"""Writing a file so that it is either complete or not there at all.

Every file the program hands out (the export, the letter, the purchase log's table, ``dump -o``)
is written through :func:`write_atomically`, so each failure reads the same, in Chinese.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path
from typing import Callable

from .. import protected_files
from ..oserrors import write_failure_reason
from .errors import ExchangeError


def write_atomically(path: Path, write: Callable[[Path], None], *, inputs: tuple = ()) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then move it over ``path``.

    A crash, a full disk or a cancel while writing leaves the previous file (or none) in place,
    never half a file. ``write`` may raise anything; the temporary file is removed either way.
    The written file is flushed to disk before it takes the name. Raises :class:`ExchangeError`
    with the reason in Chinese when the system refuses a write.

    Refused before anything is written: a ``path`` that is a data file of this process, one of
    its companions (``-wal``, ``-shm``, ``-journal``, lock) or one of ``inputs`` (what the command
    reads), see :mod:`desktop832.protected_files`.
    """
    path = Path(path)
    try:
        protected_files.refuse_writing(path, inputs=tuple(inputs))
    except protected_files.ProtectedFileError as exc:
        raise ExchangeError(exc.message) from None
    _remove_stale_temporaries(path)
    try:
        tmp = _new_temporary(path)
    except OSError as exc:
        raise ExchangeError(f"无法在“{path.parent}”中写入文件：{write_failure_reason(exc)}") from None
    try:
        write(tmp)
        _flush(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExchangeError(f"无法写入“{path}”：{write_failure_reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


STALE_AFTER_S = 600  # no write of ours takes this long: an older temporary was left by a kill


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of earlier writes of ``path`` that a kill or power cut left behind (empty or
    half-written, hidden by their leading dot): removed before the next write of the same file."""
    import glob
    import time

    limit = time.time() - STALE_AFTER_S
    pattern = f".{glob.escape(path.stem)}.*.tmp{glob.escape(path.suffix)}"
    try:
        candidates = list(path.parent.glob(pattern))
    except OSError:
        return
    for candidate in candidates:
        with contextlib.suppress(OSError):
            if candidate.is_file() and candidate.stat().st_mtime < limit:
                candidate.unlink()


def _new_temporary(path: Path) -> Path:
    """An empty file of a fresh name beside ``path``, made as any new file is (0666 less the
    umask): ``tempfile.mkstemp`` makes it readable by its owner only, and after the rename the
    saved file would keep that (a letter the colleague sharing the folder cannot open)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp{path.suffix}")
        try:
            os.close(os.open(tmp, flags, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "无法取得临时文件名", str(path.parent))


def _flush(path: Path) -> None:
    """Make the content durable before the rename makes it the file (opened for writing:
    Windows cannot flush a read-only handle)."""
    with open(path, "r+b") as handle:
        os.fsync(handle.fileno())
