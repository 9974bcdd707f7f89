"""The Qt runtime the app ships with: faults of the bindings that the app has to guard against."""

import os
import subprocess
import sys

import pytest

TYPING = """
import sys
import desktop832
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
edit = QLineEdit()
for _ in range(20_000):  # a long day of typing: each keystroke makes several such calls
    edit.setText("1")
    edit.setFocus()
print("done")
"""


def test_a_long_session_of_calls_returning_nothing_does_not_abort(tmp_path):
    # PySide6 6.12.0 on CPython 3.11 frees one reference to None per such call: without the guard in
    # desktop832/__init__.py this process dies with "none_dealloc" long before the loop ends
    done = subprocess.run(
        [sys.executable, "-c", TYPING], capture_output=True, text=True, timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP832_HOME=str(tmp_path)),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "done"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from CPython 3.12 on")
def test_none_has_a_count_no_session_can_use_up():
    import desktop832  # noqa: F401

    assert sys.getrefcount(None) > 2**47
