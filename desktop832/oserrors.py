"""Why a file could not be written, in Chinese: the system's own text is English on most machines.

One function for every place that reports a failed write (export, letter, backups, ``dump -o``),
so a full disk reads the same everywhere. Imports nothing of the application: every layer may use it.
"""

from __future__ import annotations

import errno

# the file is open in another program: Windows refuses to write or replace it (sharing and lock
# violations, reported by Python as EACCES with these ``winerror`` codes)
_WINDOWS_IN_USE = {32, 33}
IN_USE = "文件正被其他程序占用（如 Excel、WPS），请关闭后重试"

_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
    errno.EACCES: "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开，请关闭后重试",
    errno.EPERM: "没有写入权限，或文件正被其他程序（如 Excel、WPS）打开，请关闭后重试",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOENT: "文件夹不存在（U 盘或网络磁盘是否已断开？）",
    errno.EBUSY: IN_USE,
    errno.ENAMETOOLONG: "文件名或路径太长，请换一个短一些的名称或文件夹",
    errno.EISDIR: "已有同名的文件夹",
    errno.EIO: "读写磁盘时出错（U 盘或网络磁盘是否已断开？）",
}
if hasattr(errno, "ETXTBSY"):
    _REASONS[errno.ETXTBSY] = IN_USE
if hasattr(errno, "EDQUOT"):  # not on Windows
    _REASONS[errno.EDQUOT] = "磁盘配额已用完，请清理后重试"


def write_failure_reason(exc: BaseException) -> str:
    """The reason an ``OSError`` gives for a failed write, in Chinese when it is a known one;
    otherwise the system's text (``strerror``), or the exception's."""
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        return IN_USE
    known = _REASONS.get(getattr(exc, "errno", None))
    if known:
        return known
    return getattr(exc, "strerror", None) or str(exc)
