"""The window's settings: one INI file in the data folder, upgraded step by step from older places.

Before version 1 the settings were Qt's native ones: the Windows registry
(``HKEY_CURRENT_USER\\Software\\desktop832\\desktop832``), ``~/.config/desktop832/desktop832.conf``
elsewhere, or ``config/desktop832/desktop832.ini`` under ``DESKTOP832_HOME``. The uninstaller
cannot tell those from other programs' and left them behind; an INI file in the data folder
(``paths.settings_file()``) goes with the data folder, and a portable copy keeps its own beside it.

The file records the version of its layout under ``settings/version``. At start
``upgrade_settings`` runs every step above that version once, in order, and records each as done,
as MusicBrainz Picard upgrades its configuration: step 1 copies the old place's values over and
then clears the old place, so the registry keeps nothing. A file from a newer version is left as
it is. Code that needs settings asks ``app_settings()``, never ``QSettings()`` with no arguments
(which would mean the native place again).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings

from .. import paths

log = logging.getLogger(__name__)

ORGANIZATION = "desktop832"
APPLICATION = "desktop832"
VERSION_KEY = "settings/version"


def app_settings(parent=None) -> QSettings:
    """The settings file of the data folder in use (follows ``DESKTOP832_HOME`` and portable mode)."""
    return QSettings(str(paths.settings_file()), QSettings.Format.IniFormat, parent)


def legacy_settings() -> QSettings | None:
    """Where versions before settings version 1 kept the settings; ``None`` for a portable copy,
    which must not take (and clear) the settings of a copy installed on the same PC."""
    home = os.environ.get("DESKTOP832_HOME")
    if home:
        path = Path(home) / "config" / ORGANIZATION / f"{APPLICATION}.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)
    if paths.portable_root() is not None:
        return None
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _move_from_old_place(settings: QSettings, old: QSettings | None) -> bool:
    """Step 1: the old place's values into the INI file (values already there win), then clear it."""
    if old is None:
        return True
    keys = [key for key in old.allKeys() if key != VERSION_KEY]
    for key in keys:
        if not settings.contains(key):
            settings.setValue(key, old.value(key))
    settings.sync()
    if settings.status() != QSettings.Status.NoError:
        return False  # the INI file could not be written: the old place stays as it was
    if keys:
        old.clear()
        old.sync()
        log.info("settings moved from %s to %s (%d values)", old.fileName(), settings.fileName(), len(keys))
    return True


# (version, step): each step takes the settings from the previous version's layout to its own
UPGRADES: list[tuple[int, Callable[[QSettings, QSettings | None], bool]]] = [
    (1, _move_from_old_place),
]
SETTINGS_VERSION = UPGRADES[-1][0]


def settings_version(settings: QSettings) -> int:
    try:
        return int(settings.value(VERSION_KEY, 0))
    except (TypeError, ValueError):
        return 0


def upgrade_settings(settings: QSettings | None = None, old: QSettings | None = None, *,
                     use_legacy: bool = True) -> int:
    """Run the steps above the file's version, once each; return the version the file is at now.

    ``old`` is the place before version 1 (default: ``legacy_settings()``, unless ``use_legacy``
    is false). A step that fails (the file cannot be written) stops the upgrade; it runs again
    at the next start.
    """
    if settings is None:
        paths.make_private_dir(paths.data_dir())
        settings = app_settings()
    if old is None and use_legacy:
        old = legacy_settings()
    version = settings_version(settings)
    for step, upgrade in UPGRADES:
        if version >= step:
            continue
        if not upgrade(settings, old):
            log.warning("settings upgrade to version %d failed: %s", step, settings.fileName())
            break
        version = step
        settings.setValue(VERSION_KEY, version)
        settings.sync()
    if os.path.exists(settings.fileName()):
        paths.make_private(settings.fileName())
    return version
