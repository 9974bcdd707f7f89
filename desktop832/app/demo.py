"""The demo copy: a fresh temporary data file holding the shipped sample unit (``--demo``)."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

from .. import paths


def make_demo_copy() -> Path:
    """A fresh temporary data file holding the shipped sample unit; removed at exit."""
    from ..domain import jsonformat
    from ..store.database import Store

    folder = Path(tempfile.mkdtemp(prefix="desktop832-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "示例单位.sqlite"
    profile, plans, purchases = jsonformat.load(json.loads(paths.demo_data().read_text("utf-8")))
    with Store.open(path) as store:
        store.replace_all(profile, plans, purchases)
    return path
