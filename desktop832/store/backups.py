"""Backups of a data file: make, list, rotate and restore. Plain sqlite3 and files, no Qt.

Every backup is a complete, standalone SQLite file in one folder (normally
:func:`desktop832.paths.backup_dir`), named ``<stem>.<YYYYmmdd-HHMMSS>[-n].<reason>.sqlite`` so a
clerk can recognise them in a file manager and the list needs no index file that could get lost:

- ``open``: made when the file is opened; skipped when nothing changed since the newest backup,
  so opening the app ten times a day does not fill the disk with ten identical copies;
- ``manual``: 文件 → 备份 → 立即备份;
- ``before-restore``: the current file, kept just before a restore replaced it;
- ``before-migration-<rev>``: made by :meth:`Store.open` before a schema upgrade (same folder).

A backup belongs to the data file whose identity it carries (the random id stored inside every
data file, copied into its backups): two files of the same name in different folders share the
backup folder, never a list, a rotation or a restore. Backups without an identity (made before
files had one, or unreadable) and any backup listed for a file whose identity cannot be read (a
damaged file) are matched by name alone. A ``replaced`` backup (what the window had when its file
was replaced under it) is listed with the file now at that path, which is where the clerk looks.

Rotation keeps, per data file, the 10 newest backups plus the newest backup of each of the last
10 days; backups made before a migration are never rotated away, they are the only copy in the
old format.

:func:`restore` closes nothing: the caller must close every connection to the data file first
(``Store.close()``), or SQLite would keep writing the old file's WAL over the restored one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
import glob
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

from .. import paths
from ..oserrors import read_failure_reason, write_failure_reason
from . import schema
from .errors import StoreError, translate

KEEP_VERSIONS = 10
KEEP_DAYS = 10
SUFFIX = ".sqlite"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
OPEN, MANUAL, BEFORE_RESTORE, MIGRATION_PREFIX = "open", "manual", "before-restore", "before-migration"
REPLACED = "replaced"  # what the window had when its file was replaced under it
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.(?P<reason>[a-z][a-z0-9-]*)\.sqlite$")
_REASON_LABELS = {
    OPEN: "打开时自动备份", MANUAL: "手动备份", BEFORE_RESTORE: "恢复备份前的数据文件", REPLACED: "文件被替换时窗口中的数据",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    stem: str  # the data file's name without suffix
    created: dt.datetime  # local time, from the name (copying a file keeps it)
    sequence: int  # >1 when several backups were made within one second
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    @property
    def rotatable(self) -> bool:
        return not self.reason.startswith(MIGRATION_PREFIX)


def reason_label(reason: str) -> str:
    """The Chinese text shown for a backup's reason."""
    if reason.startswith(MIGRATION_PREFIX):
        version = reason[len(MIGRATION_PREFIX) + 1:]
        return f"升级数据格式前（原格式 {version}）" if version else "升级数据格式前"
    return _REASON_LABELS.get(reason, reason)


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def parse_name(path: Path) -> Backup | None:
    """The backup a file name describes, or ``None`` for any other file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        created = dt.datetime.strptime(match["stamp"], STAMP_FORMAT)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return Backup(path, match["stem"], created, int(match["n"] or 1), match["reason"], size)


_identities: dict[tuple, str | None] = {}  # backup file (path, inode, size, mtime) -> its identity


def backup_identity(path: Path) -> str | None:
    """The identity inside a backup file; remembered while the file is unchanged."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    if key not in _identities:
        if len(_identities) > 4096:
            _identities.clear()
        _identities[key] = schema.file_identity(path)
    return _identities[key]


def _belongs(backup: Backup, identity: str | None) -> bool:
    if identity is None or backup.reason == REPLACED:
        return True
    theirs = backup_identity(backup.path)
    return theirs is None or theirs == identity


def list_backups(backup_dir: Path, source: Path | str | None = None) -> list[Backup]:
    """Backups in ``backup_dir``, newest first; only those of ``source`` if given (its file stem
    and the identity stored inside, see the module's docstring)."""
    backup_dir = Path(backup_dir)
    stem = Path(source).stem if source is not None else None
    try:
        entries = list(backup_dir.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"无法读取备份文件夹：{backup_dir}（{read_failure_reason(exc)}）", "missing") from None
    found = [b for b in map(parse_name, entries) if b is not None and (stem is None or b.stem == stem)]
    if source is not None and found:
        identity = schema.file_identity(source)
        found = [b for b in found if _belongs(b, identity)]
    return sorted(found, key=lambda b: (b.created, b.sequence), reverse=True)


def backup_name(source: Path, reason: str, now: dt.datetime, sequence: int = 1) -> str:
    stamp = now.strftime(STAMP_FORMAT) + (f"-{sequence}" if sequence > 1 else "")
    return f"{Path(source).stem}.{stamp}.{reason}{SUFFIX}"


def _free_name(backup_dir: Path, source: Path, reason: str, now: dt.datetime) -> Path:
    """A name no backup of ``source`` has: the list orders by stamp then sequence, whatever the reason."""
    taken = {(b.created, b.sequence) for b in list_backups(backup_dir, source)}
    stamp, sequence = now.replace(microsecond=0), 1
    while (stamp, sequence) in taken or (backup_dir / backup_name(source, reason, now, sequence)).exists():
        sequence += 1
    return backup_dir / backup_name(source, reason, now, sequence)


def _copy_database(source: Path, target: Path, connection: sqlite3.Connection | None = None) -> None:
    """A consistent standalone copy through SQLite's online backup API (reads the WAL too);
    from ``connection`` when given (what an open store sees, whatever the path holds now)."""
    src = connection or sqlite3.connect(schema.sqlite_uri(source, mode="ro"), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # a rollback-journal file needs no -wal/-shm beside it: one file per backup
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        if connection is None:
            src.close()
    _fsync(target)


def _fsync(path: Path) -> None:
    # a backup the clerk relies on must survive a power cut right after it is reported made
    # (opened for writing: Windows cannot flush a read-only handle)
    with open(path, "r+b") as handle:
        os.fsync(handle.fileno())


def _store_error(exc: BaseException, what: str, path: Path) -> StoreError:
    known = translate(exc, path)
    if known is not None and known.kind == "full":
        # the data file itself is untouched: only the copy could not be finished
        return StoreError(f"磁盘已满，{what}。请清理磁盘空间后再试。", "full")
    detail = write_failure_reason(exc) if isinstance(exc, OSError) else "SQLite 报告错误"
    return StoreError(f"{what}：{path}（{detail}）", known.kind if known else "other")


def make_backup(
    source: Path | str,
    backup_dir: Path | str,
    reason: str = MANUAL,
    *,
    now: dt.datetime | None = None,
    skip_if_unchanged: bool = False,
    connection: sqlite3.Connection | None = None,
) -> Backup | None:
    """Copy ``source`` into ``backup_dir``; returns the backup, or ``None`` when skipped because
    ``skip_if_unchanged`` and the newest backup already holds exactly this content.

    The copy is written under a temporary name and renamed when complete, so a crash or a full disk
    never leaves a half backup that looks like a good one. Raises :class:`StoreError`.
    """
    source, backup_dir = Path(source), Path(backup_dir)
    now = now or dt.datetime.now()
    if not re.fullmatch(r"[a-z][a-z0-9-]*", reason):
        raise ValueError(f"bad backup reason: {reason!r}")
    try:
        paths.make_private_dir(backup_dir)
    except OSError as exc:
        raise _store_error(exc, "无法建立备份文件夹", backup_dir) from None
    # unique per call: the backup made on open runs on a worker while the clerk may ask for one
    partial = backup_dir / f".{source.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial"
    try:
        partial.unlink(missing_ok=True)
        paths.create_private_file(partial)  # owner-only from the start, kept by the rename
        _copy_database(source, partial, connection)
        if skip_if_unchanged:
            newest = list_backups(backup_dir, source)
            # identical bytes: the backup API copies pages verbatim, so unchanged data compares equal
            if newest and newest[0].size == partial.stat().st_size and filecmp.cmp(newest[0].path, partial, shallow=False):
                partial.unlink()
                return None
        target = _free_name(backup_dir, source, reason, now)
        os.replace(partial, target)
        _fsync_dir(backup_dir)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise _store_error(exc, "备份失败，数据文件未受影响", source) from None
    return parse_name(target)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its rename is already durable enough
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def to_delete(backups: list[Backup], now: dt.datetime, keep_versions: int = KEEP_VERSIONS, keep_days: int = KEEP_DAYS) -> list[Backup]:
    """Which of one file's backups rotation removes (pure: the rule, tested on its own)."""
    rotatable = sorted((b for b in backups if b.rotatable), key=lambda b: (b.created, b.sequence), reverse=True)
    keep = set(b.path for b in rotatable[:keep_versions])
    first_day = now.date() - dt.timedelta(days=keep_days - 1)
    newest_of_day: dict[dt.date, Backup] = {}
    for backup in rotatable:  # newest first: the first seen of each day is that day's newest
        day = backup.created.date()
        if day >= first_day and day not in newest_of_day:
            newest_of_day[day] = backup
    keep |= {b.path for b in newest_of_day.values()}
    return [b for b in rotatable if b.path not in keep]


def rotate(
    backup_dir: Path | str, source: Path | str, *, now: dt.datetime | None = None,
    keep_versions: int = KEEP_VERSIONS, keep_days: int = KEEP_DAYS,
) -> list[Backup]:
    """Delete the backups of ``source`` that :func:`to_delete` names; returns them.

    A backup that cannot be deleted (read-only, in use) is left alone: rotation only saves space.
    """
    removed = []
    for backup in to_delete(list_backups(Path(backup_dir), source), now or dt.datetime.now(), keep_versions, keep_days):
        try:
            backup.path.unlink()
        except OSError:
            continue
        removed.append(backup)
    _remove_stale_partials(Path(backup_dir), Path(source))
    return removed


def _remove_stale_partials(backup_dir: Path, source: Path, age: dt.timedelta = dt.timedelta(hours=1)) -> None:
    """Half-made copies left by a crash while backing up (never listed, but they take space)."""
    limit = (dt.datetime.now() - age).timestamp()
    for partial in backup_dir.glob(f".{glob.escape(source.name)}.*.partial"):
        try:
            if partial.stat().st_mtime < limit:
                partial.unlink()
        except OSError:
            continue


def backup_on_open(source: Path | str, backup_dir: Path | str, *, now: dt.datetime | None = None) -> Backup | None:
    """The automatic backup when a file is opened (skipped if unchanged), then rotation."""
    now = now or dt.datetime.now()
    source = Path(source)
    if not source.exists() or source.stat().st_size == 0:
        return None
    backup = make_backup(source, backup_dir, OPEN, now=now, skip_if_unchanged=True)
    rotate(backup_dir, source, now=now)
    return backup


def check_backup(backup: Backup | Path) -> None:
    """Raise :class:`StoreError` unless the file is a sound desktop832 data file this version reads."""
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    state, _version = schema.inspect(path)  # raises for foreign, corrupt headers, newer versions
    if state is schema.FileState.NEW:
        raise StoreError(f"备份文件是空的，不能用来恢复：{path.name}", "foreign")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise StoreError(f"备份文件已损坏，不能用来恢复：{path.name}（SQLite 无法读取它）", "corrupt") from None
    if verdict != "ok":  # SQLite's own report (English, page numbers) is for support, not the clerk
        raise StoreError(f"备份文件已损坏，不能用来恢复：{path.name}（完整性检查未通过）", "corrupt")


def keep_current(target: Path, backup_dir: Path, now: dt.datetime) -> Backup | None:
    """Save the current data file as a ``before-restore`` backup, even when it is damaged."""
    if not target.exists() or target.stat().st_size == 0:
        return None
    try:
        return make_backup(target, backup_dir, BEFORE_RESTORE, now=now)
    except StoreError as exc:
        if exc.kind == "full":
            raise
    # SQLite cannot read it (corrupt, foreign): keep its bytes, and its WAL, exactly as they are
    destination = _free_name(backup_dir, target, BEFORE_RESTORE, now)
    try:
        shutil.copyfile(target, destination)
        paths.make_private(destination)
        wal = target.with_name(target.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, destination.with_name(destination.name + "-wal"))
            paths.make_private(destination.with_name(destination.name + "-wal"))
        _fsync(destination)
    except OSError as exc:
        destination.unlink(missing_ok=True)
        raise _store_error(exc, "无法先保存当前数据文件，恢复已取消", target) from None
    return parse_name(destination)


def restore(backup: Backup | Path, target: Path | str, backup_dir: Path | str, *, now: dt.datetime | None = None) -> Backup | None:
    """Replace ``target`` by a copy of ``backup``; the current file is kept as a backup first.

    The caller must have closed every connection to ``target`` (``Store.close()``) and reopens
    it afterwards: this function closes and opens nothing of the caller's. Returns the backup of
    the file that was replaced (``None`` when there was none). Raises :class:`StoreError`, in
    which case ``target`` is untouched.
    """
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    target, backup_dir = Path(target), Path(backup_dir)
    now = now or dt.datetime.now()
    check_backup(path)
    kept = keep_current(target, backup_dir, now)
    incoming = target.with_name(f".{target.name}.restoring")
    # the old file's WAL belongs to the old file: left beside the restored one, SQLite would replay
    # it into it and corrupt it. It is moved aside (its content is in the before-restore backup)
    # and put back if the file cannot be replaced.
    sidecars = [target.with_name(target.name + s) for s in ("-wal", "-shm", "-journal")]
    moved: list[tuple[Path, Path]] = []
    try:
        incoming.unlink(missing_ok=True)
        paths.create_private_file(incoming)
        _copy_database(path, incoming)
        for sidecar in sidecars:
            if sidecar.exists():
                aside = sidecar.with_name(f".{sidecar.name}.replaced")
                os.replace(sidecar, aside)
                moved.append((sidecar, aside))
        os.replace(incoming, target)
        _fsync_dir(target.parent)
    except (sqlite3.Error, OSError) as exc:
        incoming.unlink(missing_ok=True)
        for sidecar, aside in moved:
            try:
                os.replace(aside, sidecar)
            except OSError:
                pass
        raise _store_error(exc, "恢复失败，数据文件未被替换", target) from None
    for _sidecar, aside in moved:
        aside.unlink(missing_ok=True)
    return kept
