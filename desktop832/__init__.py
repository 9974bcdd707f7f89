"""desktop832: the 832-platform reserve filing and purchase log for one budget unit."""

import sys

__version__ = "0.1.0"


def _keep_none_alive() -> None:
    """Make ``None`` as good as immortal on CPython 3.11, as CPython 3.12 made it (PEP 683).

    PySide6 6.12.0 on CPython 3.11 takes one reference too many off ``None`` for every wrapped call
    that returns nothing (``setText``, ``setFocus``, ``show``, …): after a few thousand such calls,
    a few minutes of typing, ``None``'s count reaches zero and the process aborts with "Fatal
    Python error: none_dealloc", losing what was typed since the last save. From 3.12 on ``None``
    ignores its count and the fault is harmless. Here it is given a count no session can use up
    (2**48 calls). ``None`` is never freed anyway, so this changes nothing else.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12) or hasattr(sys, "getobjects"):
        return  # immortal already, or a debug build whose object header is laid out differently
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48


_keep_none_alive()
