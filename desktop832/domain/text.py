"""Normalisation of what clerks type: full-width forms, odd spaces."""

import unicodedata

# NFKC maps full-width digits, letters and ASCII punctuation (１２３４．５，％) to their ASCII forms;
# the ideographic comma and full stop are not covered, so they are mapped by hand.
_EXTRA = str.maketrans({"、": ",", "。": ".", "\u3000": " "})


def normalise(text: str) -> str:
    """Return ``text`` with full-width forms folded to ASCII and surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA).strip()
