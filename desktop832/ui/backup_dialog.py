"""文件 → 备份: a consistent copy of the data file in the backup folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from .. import paths


def run_backup(window) -> Path | None:
    from ..store.database import backup_copy

    store = window.workspace.store
    window.document.save_now()
    source = Path(store.path)
    target = paths.backup_dir() / f"{source.stem}.{dt.datetime.now():%Y%m%d-%H%M%S}.manual.sqlite"
    try:
        backup_copy(source, target)
    except OSError as exc:
        QMessageBox.warning(window, "备份失败", f"无法写入备份：{exc.strerror or exc}")
        return None
    QMessageBox.information(window, "已备份", f"已备份到：\n{target}")
    return target
