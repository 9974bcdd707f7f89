"""Icons drawn from the SVG files in resources/icons (loaded once, on first use)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from .. import paths
from ..domain.findings import Severity


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / f"{name}.svg"))


def severity_icon(severity: Severity) -> QIcon:
    return icon(f"severity-{severity.key}")
