"""Normalisation of what clerks type: full-width forms, odd spaces."""

import unicodedata

# NFKC maps full-width digits, letters and ASCII punctuation (１２３４．５，％) to their ASCII forms;
# the ideographic comma and full stop are not covered, so they are mapped by hand.
_EXTRA = str.maketrans({"、": ",", "。": ".", "\u3000": " "})


# digits a clerk means as 0-9: ASCII and the full-width forms NFKC folds to them. Other digits
# (Arabic-Indic ٣, Devanagari, superscript ², circled ①) are refused, not read: NFKC or a
# Unicode-aware parser would silently turn "10²" into 102 or "١٢٣" into 123.
_CLERK_DIGITS = frozenset("0123456789０１２３４５６７８９")


def foreign_digit(text: str) -> str | None:
    """The first character of ``text`` that is a digit but not one of 0-9 (ASCII or full width)."""
    return next((c for c in text if c.isdigit() and c not in _CLERK_DIGITS), None)


def refuse_foreign_digits(text: str, label: str, error: type[Exception]) -> None:
    """Raise ``error`` (a Chinese message naming ``label``) when ``text`` holds such a digit."""
    c = foreign_digit(text)
    if c is not None:
        raise error(f"{label}只能使用数字 0—9，不能用“{c}”：{text.strip()}")


def normalise(text: str) -> str:
    """Return ``text`` with full-width forms folded to ASCII and surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA).strip()
