"""Why a file could not be written or read, in Chinese: the system's own text is English on most
machines (``Is a directory``, ``Permission denied``), and no message the clerk sees carries it.

One function for every place that reports a failed write (export, letter, backups, ``dump -o``),
one for every failed read of a file the clerk named (order lists, fonts, policy files, notices),
so a full disk reads the same everywhere. An error this module does not know is named by its
number; the system's own words go to the log only. Imports nothing of the application: every
layer may use it.
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
    errno.ENOTDIR: "路径中有一段不是文件夹（被同名的文件挡住了）",
    errno.EIO: "读写磁盘时出错（U 盘或网络磁盘是否已断开？）",
}
if hasattr(errno, "ETXTBSY"):
    _REASONS[errno.ETXTBSY] = IN_USE
if hasattr(errno, "EDQUOT"):  # not on Windows
    _REASONS[errno.EDQUOT] = "磁盘配额已用完，请清理后重试"


_READ_REASONS = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.ENOENT: "文件不存在（U 盘或网络磁盘是否已断开？）",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹（被同名的文件挡住了）",
    errno.EIO: "读写磁盘时出错（U 盘或网络磁盘是否已断开？）",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ELOOP: "路径中的快捷方式（符号链接）指向自身",
    errno.EBUSY: IN_USE,
    errno.ENXIO: "不是普通文件（可能是管道或设备）",
}


def _unknown(exc: BaseException, what: str) -> str:
    number = getattr(exc, "errno", None)
    return f"系统{what}，错误号 {number}" if number else f"系统{what}"


def write_failure_reason(exc: BaseException) -> str:
    """The reason an ``OSError`` gives for a failed write, in Chinese; an unknown one by its number."""
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        return IN_USE
    known = _REASONS.get(getattr(exc, "errno", None))
    if known:
        return known
    return _unknown(exc, "拒绝写入")


def read_failure_reason(exc: BaseException) -> str:
    """The reason an ``OSError`` gives for a failed read, in Chinese; an unknown one by its number."""
    if getattr(exc, "winerror", None) in _WINDOWS_IN_USE:
        return IN_USE
    known = _READ_REASONS.get(getattr(exc, "errno", None))
    if known:
        return known
    return _unknown(exc, "无法读取该文件")
