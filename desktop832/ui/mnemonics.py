"""Letters for the keyboard (Alt+S presses 保存), written the Chinese way: “保存(&S)”, “打开(&O)…”.

Every menu command and every button has one, unique within its menu or window: the forms write
theirs in the Designer files, the window's menus in ``main_window.MNEMONICS``; buttons made at run
time (a rule's switches, the columns menu) take a free one from :func:`give_letters`. Qt's own
standard buttons (确定, 取消, 关闭 … on message boxes and button boxes) get theirs from
:class:`QtTextFixes`, a translator consulted before Qt's Chinese one.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QTranslator

_LETTER = re.compile(r"&([^&\s])")
FREE_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789"


def letter(text: str) -> str | None:
    """The letter a text marks with ``&`` (upper case), or None."""
    match = _LETTER.search(text.replace("&&", ""))
    return match.group(1).upper() if match else None


def with_letter(text: str, key: str) -> str:
    """“新建数据文件(&N)…”: the letter in brackets after the words, before an ellipsis."""
    stem, dots = (text[:-1], "…") if text.endswith("…") else (text, "")
    return f"{stem}(&{key}){dots}"


def give_letters(items, taken=()) -> set[str]:
    """Give each of ``items`` (buttons or actions) that has no letter yet a free one: the first
    Latin letter of its own text if free (“导出 Excel(&E)”), else the first free of A–Z, 1–9.
    ``taken`` are letters already used in the same menu or window. Returns every letter used."""
    used = {key.upper() for key in taken}
    items = [item for item in items if item.text()]
    used |= {key for key in (letter(item.text()) for item in items) if key}
    for item in items:
        text = item.text()
        if letter(text):
            continue
        own = [c.upper() for c in text if c.isascii() and c.isalpha()]
        key = next((c for c in [*own, *FREE_LETTERS] if c not in used), None)
        if key is None:
            continue  # more than 35 in one place: the rest go without
        used.add(key)
        item.setText(with_letter(text, key))
    return used


# Qt's standard buttons (their source texts in Qt's "QPlatformTheme" context) and their letters;
# 是(&Y), 否(&N) and their 全部 forms carry theirs in Qt's own translation already
STANDARD_KEYS = {
    "OK": "O", "Cancel": "C", "Close": "C", "Save": "S", "Save All": "L", "Open": "O", "Retry": "R",
    "Discard": "D", "Don't Save": "D", "Apply": "A", "Help": "H", "Abort": "A", "Ignore": "I",
    "Reset": "R", "Restore Defaults": "D",
}


class QtTextFixes(QTranslator):
    """Adds the letter to Qt's standard button texts, as translated by ``base`` (Qt's Chinese),
    and gives the few texts ``base`` lacks: ``missing`` maps (Qt's context, its English text) to
    the Chinese (the file dialog's labels: ``file_dialogs.UNTRANSLATED``).

    Installed after ``base``, so Qt asks it first; for every other text it answers nothing and
    Qt goes on to ``base``."""

    def __init__(self, base: QTranslator | None, parent=None, missing: dict[tuple[str, str], str] | None = None):
        super().__init__(parent)
        self.base = base
        self.missing = dict(missing or {})

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False

    def translate(self, context, source, disambiguation=None, n=-1):
        missing = self.missing.get((context, source))
        if missing is not None:
            return missing
        if context != "QPlatformTheme" or source not in STANDARD_KEYS:
            return None
        text = (self.base.translate(context, source, disambiguation, n) if self.base is not None else "") or source
        return text if letter(text) else with_letter(text, STANDARD_KEYS[source])
