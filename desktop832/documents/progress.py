"""Progress reporting and cancellation for long reads and writes.

A long operation calls ``progress(done, total)`` every few hundred rows (``total`` is ``None``
when unknown). To cancel, the callback raises :class:`Cancelled`; the operation lets it propagate,
and because every write happens in one transaction or through a temporary file, nothing is left
half done.
"""

from __future__ import annotations

from typing import Callable, Optional

Progress = Callable[[int, Optional[int]], None]

STEP = 500  # rows between two progress calls: often enough for a smooth bar, rare enough to cost nothing


class Cancelled(Exception):
    """Raised by a progress callback to stop the operation; nothing has been written."""


def no_progress(done: int, total: int | None) -> None:
    return None
