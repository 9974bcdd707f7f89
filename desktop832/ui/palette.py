"""The window's colours, named by what they mean, and the one way to mark a field.

Every widget takes its colours from here: no other module of ``ui/`` (nor a Designer form) writes
a colour of its own (``tests/test_palette.py`` holds it). The text colours are dark enough to
pass WCAG AA (a contrast ratio of at least 4.5:1) on every background the window shows them on:
the light Fusion palette's window, base and alternate-base colours, and the backgrounds below
(the test computes the ratios).

Two dynamic properties carry the look, styled by :func:`style_sheet` (the application's style
sheet, set once at start):

- ``finding`` marks an input field an error or warning concerns: :func:`mark_field`, used by the
  forms (``binding.py``), the purchase log's editors and form, the new-policy dialog and every
  other place that marks a field;
- ``tone`` colours a label's text by meaning (``error``, ``warning``, ``ok``, ``hint``,
  ``muted``): :func:`set_tone` in code, ``<property name="tone" stdset="0">`` in a form;
- ``banner`` makes a label a coloured notice box (``ok``, ``warning``, ``error``): the welcome
  line, the letter's problems; :func:`set_banner`, or the same property in a form.
"""

from __future__ import annotations

# --- text, by meaning -------------------------------------------------------------------------------

ERROR = "#b71c1c"  # an error, a refusal, something not done
WARNING = "#8a4b00"  # a warning, something behind or not counted
OK = "#1b5e20"  # met, counted, done
HINT = "#0d47a1"  # information, a hint where the notices are silent
EDITED = HINT  # a value the clerk set by hand (with an italic face)
MUTED = "#555555"  # secondary text: citations, explanations, figures not judged

TONES = {"error": ERROR, "warning": WARNING, "ok": OK, "hint": HINT, "muted": MUTED}

# --- backgrounds -----------------------------------------------------------------------------------

ERROR_BACKGROUND = "#fdecec"  # a field with an error, an overdue purchase
WARNING_BACKGROUND = "#fff6e5"  # a field with a warning, a warning banner
OK_BACKGROUND = "#e8f5e9"  # the welcome banner
READ_ONLY_BACKGROUND = "#f2f2f2"  # a field that cannot be changed
HOVER_BACKGROUND = "#f3f6fa"  # a list row under the mouse
SEPARATOR = "#e3e3e3"  # the line between two rows of a list (decoration only)
PAPER = "#ffffff"  # a printed page

BACKGROUNDS = (ERROR_BACKGROUND, WARNING_BACKGROUND, OK_BACKGROUND, READ_ONLY_BACKGROUND, HOVER_BACKGROUND, PAPER)

MARK_PROPERTY = "finding"  # "error", "warning" or "": what a field is marked with
MARKED_WIDGETS = ("QLineEdit", "QPlainTextEdit", "QTextEdit", "QComboBox", "QAbstractSpinBox", "QDateEdit")
TONE_PROPERTY = "tone"
BANNER_PROPERTY = "banner"
MARKS = {"error": (ERROR, ERROR_BACKGROUND), "warning": (WARNING, WARNING_BACKGROUND)}
BANNERS = {"ok": (OK, OK_BACKGROUND), **MARKS}


def style_sheet() -> str:
    """The application's style sheet: read-only fields, the field marker, the tones, the banners."""
    rules = [
        f'QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ background: {READ_ONLY_BACKGROUND}; color: {MUTED}; }}',
    ]
    for level, (colour, background) in MARKS.items():
        fields = ", ".join(f'{kind}[{MARK_PROPERTY}="{level}"]' for kind in MARKED_WIDGETS)
        rules.append(f"{fields} {{ border: 1px solid {colour}; background: {background}; }}")
        rules.append(f'QCheckBox[{MARK_PROPERTY}="{level}"], QRadioButton[{MARK_PROPERTY}="{level}"] {{ color: {colour}; }}')
    for tone, colour in TONES.items():
        rules.append(f'QLabel[{TONE_PROPERTY}="{tone}"], QCheckBox[{TONE_PROPERTY}="{tone}"] {{ color: {colour}; }}')
    for banner, (colour, background) in BANNERS.items():
        rules.append(
            f'QLabel[{BANNER_PROPERTY}="{banner}"] {{ background: {background}; color: {colour}; '
            f"border: 1px solid {colour}; padding: 6px; }}"
        )
    return "\n".join(rules) + "\n"


def _restyle(widget, name: str, value: str) -> None:
    if (widget.property(name) or "") != value:  # None: never set
        widget.setProperty(name, value)
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)


def mark_field(widget, level: str | None, tooltip: str | None = None) -> None:
    """Mark an input field ``"error"`` or ``"warning"`` (or clear it with ``""``/``None``); with
    ``tooltip``, say why there (``""`` clears it). The one field marker of the window."""
    if level and level not in MARKS:
        raise ValueError(f"unknown mark {level!r}")
    if tooltip is not None:
        widget.setToolTip(tooltip)
    _restyle(widget, MARK_PROPERTY, level or "")


def set_tone(widget, tone: str | None) -> None:
    """Colour a label's text by meaning (one of :data:`TONES`), or back to the window's text."""
    if tone and tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}")
    _restyle(widget, TONE_PROPERTY, tone or "")


def set_banner(label, banner: str | None) -> None:
    """Make a label a notice box of :data:`BANNERS` (or a plain label again)."""
    if banner and banner not in BANNERS:
        raise ValueError(f"unknown banner {banner!r}")
    _restyle(label, BANNER_PROPERTY, banner or "")


def selected_row(highlight):
    """The background of a selected row in a list drawn by hand (the findings list): the style's
    highlight colour (a ``QColor``), lightened so the window's text stays readable on it."""
    return highlight.lighter(190)


def qcolor(colour: str):
    """A palette colour as a ``QColor`` (for painting and item models)."""
    from PySide6.QtGui import QColor

    return QColor(colour)


def brush(colour: str):
    """A palette colour as a ``QBrush`` (an item model's foreground or background)."""
    from PySide6.QtGui import QBrush

    return QBrush(qcolor(colour))


def span(text: str, tone: str, *, bold: bool = False) -> str:
    """Rich text in a tone (``text`` already escaped)."""
    weight = "; font-weight:bold" if bold else ""
    return f'<span style="color:{TONES[tone]}{weight}">{text}</span>'


__all__ = [
    "BACKGROUNDS", "BANNERS", "EDITED", "ERROR", "ERROR_BACKGROUND", "HINT", "HOVER_BACKGROUND", "MARK_PROPERTY", "MUTED", "OK",
    "OK_BACKGROUND", "PAPER", "READ_ONLY_BACKGROUND", "SEPARATOR", "TONES", "WARNING", "WARNING_BACKGROUND",
    "brush", "mark_field", "qcolor", "selected_row", "set_banner", "set_tone", "span", "style_sheet",
]
