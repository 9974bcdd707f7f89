"""Where things live: shipped resources, the clerk's data, backups, logs, user policy files.

``DESKTOP832_HOME`` (used by the tests) puts every per-user folder under one directory.
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


def _user_dir(kind: str) -> Path:
    home = os.environ.get("DESKTOP832_HOME")
    if home:
        return Path(home) / kind
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _user_dir("data")


def log_dir() -> Path:
    return _user_dir("log")


def default_database() -> Path:
    return data_dir() / "desktop832.sqlite"


def backup_dir() -> Path:
    return data_dir() / "backups"


def user_policies_dir() -> Path:
    return data_dir() / "policies"


def shipped_policies_dir() -> Path:
    return resources_dir() / "policies"


def demo_data() -> Path:
    return resources_dir() / "demo" / "demo-unit.json"
