"""Where things live: shipped resources, the clerk's data, backups, logs, settings, user policy files.

``DESKTOP832_HOME`` (used by the tests) puts every per-user folder under one directory. A bundle
with a file named ``portable`` beside its executable (the portable zip) keeps them in ``data/``
beside the executable instead, so it runs from a USB stick without touching the PC's user folders.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "desktop832"


def resources_dir() -> Path:
    """``resources/`` beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def forms_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "forms"
    return Path(__file__).resolve().parent.parent / "forms"


def help_dir() -> Path:
    """The help pages (``docs/help/*.md``) beside the package, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root / "docs" / "help"


PORTABLE_MARKER = "portable"  # the file that makes a bundle portable (build_installer.py adds it)
PORTABLE_DATA = "data"  # the portable copy's data folder, beside the executable


def bundle_dir() -> Path | None:
    """The folder of the frozen executables (the installed or unpacked bundle); ``None`` from source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def portable_root() -> Path | None:
    """The bundle's folder when it holds the ``portable`` marker file, else ``None``."""
    folder = bundle_dir()
    if folder is not None and (folder / PORTABLE_MARKER).is_file():
        return folder
    return None


def _user_dir(kind: str) -> Path:
    home = os.environ.get("DESKTOP832_HOME")
    if home:
        return Path(home) / kind
    portable = portable_root()
    if portable is not None:  # one folder beside the program: the data file, backups, policies, logs
        data = portable / PORTABLE_DATA
        return data if kind == "data" else data / "logs"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _user_dir("data")


def log_dir() -> Path:
    return _user_dir("log")


def default_database() -> Path:
    return data_dir() / "desktop832.sqlite"


def settings_file() -> Path:
    """The window's settings (QSettings, INI format): in the data folder, so they go with it."""
    return data_dir() / "settings.ini"


def licenses_dir() -> Path | None:
    """The bundle's ``licenses/`` folder (licence texts of everything shipped); ``None`` from source."""
    folder = bundle_dir()
    return folder / "licenses" if folder is not None else None


def backup_dir() -> Path:
    return data_dir() / "backups"


def user_policies_dir() -> Path:
    return data_dir() / "policies"


def shipped_policies_dir() -> Path:
    return resources_dir() / "policies"


def demo_data() -> Path:
    return resources_dir() / "demo" / "demo-unit.json"


# --- private folders and files -------------------------------------------------------------------

PRIVATE_DIR_MODE = 0o700  # the clerk's data, backups and log: no other local user may read them
PRIVATE_FILE_MODE = 0o600


def make_private_dir(folder: Path | str) -> Path:
    """Create ``folder`` (and its parents) readable by its owner only, where the system has modes.

    One of the app's own folders (data, backups, log) that exists already is made private too;
    any other existing folder (one the clerk chose for a data file) is left as it is.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if os.name == "posix" and _is_own_folder(folder):
        try:
            if folder.stat().st_mode & 0o077:
                os.chmod(folder, PRIVATE_DIR_MODE)
        except OSError:
            pass  # not ours to change (another owner): the files inside are still private
    return folder


def _is_own_folder(folder: Path) -> bool:
    own = {os.path.abspath(p) for p in (data_dir(), backup_dir(), log_dir(), user_policies_dir())}
    return os.path.abspath(folder) in own


def make_private(path: Path | str) -> None:
    """Make an existing file readable and writable by its owner only (by name: never opened)."""
    if os.name != "posix":
        return
    try:
        os.chmod(path, PRIVATE_FILE_MODE)
    except OSError:
        pass


def create_private_file(path: Path | str) -> bool:
    """Create ``path`` empty with owner-only permissions; ``False`` if it exists already.

    Used for a new data file before SQLite first opens it: SQLite gives its ``-wal`` and
    ``-shm`` the data file's permissions, so they are private too.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_FILE_MODE))
    except FileExistsError:
        return False
    return True
