"""The export's fingerprint: SHA-256 over a canonical text of the exported data.

The canonical text (documented in ``docs/export-format.md``) is UTF-8 and has:

* line 1: the *head*, a JSON object with sorted keys and no spaces: ``format``, ``version``,
  ``exported_on``, ``policy`` (id, name, year, notices, deadlines, sha256 of the policy file),
  ``profile`` and ``plan`` (their ``desktop832 dump`` JSON form) and ``purchase_count``;
* then one line per purchase of the year, a JSON array ``[date, amount, order_no, supplier,
  description, purpose, channel, state, paid_on, evaluated, note, delivered_on, invoice_no, fee_source]``
  (the last two from version 4 on), the lines sorted so that
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
VERSION = 4  # 2: findings and the counted purposes are part of the data (the form is rebuilt from the file alone);
# 3: the unit's county, the union's annual funds and last year's union reserve;
# 4: each purchase's invoice number and fee source (supervising departments collecting proof ask for them)
INVOICE_AND_FEE_FROM = 4  # the first version whose purchase lines hold them
DIGEST_LENGTH = 12  # per-row check codes: enough to tell a changed row, short enough to print

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def canonical(value) -> str:
    return _encode(value)


def purchase_record(p: Purchase, version: int = VERSION) -> list:
    """The purchase as the canonical text of format ``version`` has it: a file is checked by
    the record of the version it states, so files exported before a field was added verify."""
    record = [
        p.date.isoformat(), f"{p.amount:.2f}", p.order_no, p.supplier, p.description, p.purpose.value,
        p.channel.value, p.state.value, p.paid_on.isoformat() if p.paid_on else None, p.evaluated, p.note,
        p.delivered_on.isoformat() if p.delivered_on else None,
    ]
    if version >= INVOICE_AND_FEE_FROM:
        record += [p.invoice_no, p.fee_source.value]
    return record


def purchase_line(p: Purchase, version: int = VERSION) -> str:
    return _encode(purchase_record(p, version))


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


SHORT_DIGITS = 16  # what is printed large and typed back: 64 bits, four groups of four


def short(fp: str) -> str:
    """How the fingerprint is printed large, read aloud or typed back: ``3f2a 9c01 77be 4d10``."""
    return " ".join(fp[i : i + 4] for i in range(0, SHORT_DIGITS, 4)).upper()


def normalise(typed: str) -> str:
    """A fingerprint as someone typed it from paper: spaces, dashes and case do not matter."""
    return "".join(c for c in typed.lower() if c not in " -\u3000\t")


def matches_paper(fingerprint: str, typed: str) -> bool:
    """Whether the number on the paper (its first 16 digits or more) is this fingerprint's."""
    digits = normalise(typed)
    return len(digits) >= SHORT_DIGITS and fingerprint.lower().startswith(digits)


def qr_png(fingerprint: str, scale: int = 4) -> bytes:
    """The full fingerprint as a QR code (PNG), for a phone or a scanner to read off the paper."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(fingerprint, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
