"""The export's fingerprint: SHA-256 over a canonical text of the exported data.

The canonical text (documented in ``docs/export-format.md``) is UTF-8 and has:

* line 1: the *head*, a JSON object with sorted keys and no spaces: ``format``, ``version``,
  ``exported_on``, ``policy`` (id, name, year, notices, deadlines, sha256 of the policy file),
  ``profile`` and ``plan`` (their ``desktop832 dump`` JSON form) and ``purchase_count``;
* then one line per purchase of the year, a JSON array ``[date, amount, order_no, supplier,
  description, purpose, channel, state, paid_on, evaluated, note]``, the lines sorted so that
  re-sorting the detail sheet in Excel does not change the fingerprint.

Everything is text in the form ``desktop832 dump`` writes (amounts ``"1234.50"``, dates ISO), so
the fingerprint does not depend on how a spreadsheet program stores numbers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

from ..domain.model import Purchase

FORMAT = "desktop832-export"
VERSION = 1
DIGEST_LENGTH = 12  # per-row check codes: enough to tell a changed row, short enough to print

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def canonical(value) -> str:
    return _encode(value)


def purchase_record(p: Purchase) -> list:
    return [
        p.date.isoformat(), f"{p.amount:.2f}", p.order_no, p.supplier, p.description, p.purpose.value,
        p.channel.value, p.state.value, p.paid_on.isoformat() if p.paid_on else None, p.evaluated, p.note,
    ]


def purchase_line(p: Purchase) -> str:
    return _encode(purchase_record(p))


def digest(text: str) -> str:
    """The short check code of one row or field."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def field_digest(key: str, value) -> str:
    return digest(f"{key}={_encode(value)}")


def fingerprint(head: dict, purchase_lines: Iterable[str]) -> str:
    h = hashlib.sha256(_encode(head).encode("utf-8"))
    for line in sorted(purchase_lines):
        h.update(b"\n")
        h.update(line.encode("utf-8"))
    return h.hexdigest()


def short(fp: str) -> str:
    """How the fingerprint is read aloud or copied by hand: groups of four."""
    return " ".join(fp[i : i + 4] for i in range(0, 16, 4)) + " …"
