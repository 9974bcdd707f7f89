"""Writing a file so that it is either complete or not there at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from .errors import ExchangeError


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then move it over ``path``.

    A crash, a full disk or a cancel while writing leaves the previous file (or none) in place,
    never half a file. ``write`` may raise anything; the temporary file is removed either way.
    """
    path = Path(path)
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp" + path.suffix, dir=path.parent)
    except OSError as exc:
        raise ExchangeError(f"无法在“{path.parent}”中写入文件：{exc.strerror or exc}") from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except PermissionError:
        raise ExchangeError(f"无法写入“{path.name}”：文件可能正被 Excel 或 WPS 打开，请关闭后重试") from None
    except OSError as exc:
        raise ExchangeError(f"无法写入“{path}”：{exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
