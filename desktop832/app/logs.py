"""Logging to a rotating file in the user log folder, so a clerk can send it when something fails.

The log holds what support needs (versions, the data file opened, errors with tracebacks) and
nothing is ever printed to the clerk. If the folder cannot be written, the app still runs without
a log file rather than failing to start.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from .. import __version__, paths

LOG_NAME = "desktop832.log"
CRASH_LOG_NAME = "crash.log"  # faulthandler writes hard crashes (segfaults) here
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5  # desktop832.log.1 … .5: a few weeks of normal use, at most 6 MB
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_MARK = "_desktop832_handler"  # tags our handler, so a second set-up replaces it

log = logging.getLogger("desktop832")


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def crash_log_file() -> Path:
    return paths.log_dir() / CRASH_LOG_NAME


def setup_logging(level: int = logging.INFO, *, log_path: Path | None = None) -> Path | None:
    """Send log records (ours and the libraries') to the rotating file; returns its path, or
    ``None`` when it cannot be written. Calling it again replaces the previous handler."""
    path = Path(log_path) if log_path is not None else log_file()
    root = logging.getLogger()
    shutdown_logging()
    try:
        paths.make_private_dir(path.parent)
        handler = _PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    system = platform.uname()  # not platform.platform(): it reads the Python binary, 9 ms at every start
    log.info(
        "desktop832 %s started: Python %s, %s %s %s (%s), %s",
        __version__, platform.python_version(), system.system, system.release, system.version, system.machine,
        _qt_version(),
    )
    return path


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Every log file (the current one and each one rotation starts) readable by its owner only."""

    def _open(self):
        stream = super()._open()
        paths.make_private(self.baseFilename)
        return stream


def shutdown_logging() -> None:
    """Remove (and close) the handler :func:`setup_logging` added."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()


def current_log_file() -> Path | None:
    """The file the log goes to now, if set up."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False):
            return Path(handler.baseFilename)
    return None


def _qt_version() -> str:
    qt = sys.modules.get("PySide6.QtCore")  # only if already imported: logging must not load Qt
    return f"Qt {qt.qVersion()}" if qt is not None else "Qt not loaded"


def install_qt_message_handler() -> None:
    """Route Qt's own warnings into the log instead of a console the clerk never sees."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("desktop832.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode, context, message):
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)
