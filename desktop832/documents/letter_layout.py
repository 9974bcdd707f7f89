"""Setting the letter on the GB/T 9704-2012 grid: lines, breaks and pages, without drawing anything.

The type area (版心) is 156 × 225 mm, 37 mm from the top and 28 mm from the left edge of A4; it holds
22 lines of 28 characters of 3号 (16 pt) type. Every character of the body advances one grid cell
(156/28 mm, a hair under 16 pt) and every line one grid line (225/22 mm); the title is 2号 (22 pt)
on the same line grid. Lines of a paragraph are justified to the full width except the last;
punctuation that may not begin a line pulls the previous character down with it (避头尾).

Widths come from a ``measure(char, role, size)`` callback so this module knows no font library.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Callable, Iterator

from .fonts import Role
from .letter import LetterDraft

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
TOP, LEFT, RIGHT, BOTTOM = 37 * MM, 28 * MM, 26 * MM, 35 * MM
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM  # 225 mm
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = TEXT_HEIGHT / LINES_PER_PAGE
CELL = TEXT_WIDTH / CHARS_PER_LINE
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE = 22.0, 16.0, 14.0  # 2号, 3号, 4号
PAGE_NUMBER_GAP = 7 * MM  # from the type area's lower edge to the top of the page number

SIGNATURE_LABEL = "单位负责人（签字）："
SUPERVISOR_HEADING = "主管部门意见："
SUPERVISOR_SIGNATURE = "经办人（签字）："
PAGE_NUMBER_CHARS = "—0123456789 "

NO_LINE_START = set("，。、；：？！）》」』】〕〉”’％‰…—·～,.;:?!)]}%>")
NO_LINE_END = set("（《「『【〔〈“‘([{<")
_WORD_CHARS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_./@+#&'\"")
_EPSILON = 0.01

Measure = Callable[[str, Role, float], float]


@dataclasses.dataclass(frozen=True, slots=True)
class Line:
    """One line on the grid; ``x`` and widths in points from the type area's left edge."""

    text: str
    role: Role = Role.BODY
    size: float = BODY_SIZE
    x: float = 0.0
    char_space: float = 0.0  # PDF Tc: added after every character
    underline: tuple[float, float] | None = None  # a place to sign by hand
    keep_with_next: bool = False
    box: bool = False  # part of the supervising department's framed block


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    number: int
    lines: tuple[tuple[int, Line], ...]  # (grid line 0..21, line)


def clean(text: str) -> str:
    """What the clerk typed, minus control and format characters; tabs and odd spaces become spaces."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\u3000" or char == " ":
            out.append(char)
        elif char.isspace():
            out.append(" ")
        elif category[0] != "C":
            out.append(char)
    return "".join(out)


def letter_texts(draft: LetterDraft) -> dict[Role, list[tuple[str, str]]]:
    """Every text the layout will print, by role, named as the clerk knows the parts."""
    return {
        Role.TITLE: [("标题", clean(draft.title)), ("页码", PAGE_NUMBER_CHARS)],
        Role.BODY: [
            ("主送机关", clean(draft.addressee) + "："),
            ("正文", clean("".join(draft.body))),
            ("落款", clean(draft.unit_name + draft.date_text + SIGNATURE_LABEL + _contact_line(draft))),
            ("主管部门意见", clean(draft.supervisor_name + draft.supervisor_opinion + SUPERVISOR_HEADING
                                  + SUPERVISOR_SIGNATURE + _blank_date())),
        ],
    }


class Typesetter:
    def __init__(self, measure: Measure):
        self._measure = measure

    # --- measuring -----------------------------------------------------------------------------

    def advance(self, char: str, role: Role, size: float, char_space: float) -> float:
        if char == "\u3000":
            return size + char_space
        if char == " ":
            return size / 2 + char_space
        return self._measure(char, role, size) + char_space

    def width(self, text: str, role: Role = Role.BODY, size: float = BODY_SIZE, char_space: float | None = None) -> float:
        """Advance of ``text``: the grid cells it takes (body), or its natural width (title)."""
        if char_space is None:
            char_space = base_char_space(size)
        return sum(self.advance(c, role, size, char_space) for c in text)

    # --- breaking ------------------------------------------------------------------------------

    def wrap(self, text: str, limit: float, *, role: Role = Role.BODY, size: float = BODY_SIZE,
             first_indent: float = 0.0) -> list[str]:
        """Greedy line breaking with 避头尾; words of Latin letters and digits stay whole."""
        char_space = base_char_space(size)
        lines: list[list[str]] = []
        current: list[str] = []
        used = 0.0
        for token in _tokens(text):
            width = self.width(token, role, size, char_space)
            room = limit - (first_indent if not lines else 0.0)
            if current and used + width > room + _EPSILON:
                carried: list[str] = []
                # a closing mark may not start the next line, an opening one may not end this one
                if token[0] in NO_LINE_START and len(current) > 1:
                    carried.insert(0, current.pop())
                while len(current) > 1 and current[-1][-1] in NO_LINE_END:
                    carried.insert(0, current.pop())
                lines.append(current)
                current = carried
                used = sum(self.width(t, role, size, char_space) for t in current)
            current.append(token)
            used += width
        if current or not lines:
            lines.append(current)
        return ["".join(tokens).rstrip(" ") for tokens in lines]

    def paragraph(self, text: str, *, indent_cells: float = 2, limit: float = TEXT_WIDTH, x: float = 0.0,
                  box: bool = False) -> list[Line]:
        """A justified paragraph with a first-line indent; first and last two lines kept together."""
        text = clean(text).strip(" \u3000")
        indent = indent_cells * CELL
        rows = self.wrap(text, limit, first_indent=indent)
        lines = []
        for i, row in enumerate(rows):
            start = x + (indent if i == 0 else 0.0)
            room = limit - (indent if i == 0 else 0.0)
            char_space = base_char_space(BODY_SIZE)
            if i < len(rows) - 1 and len(row) > 1:
                slack = room - self.width(row)
                if 0 < slack / (len(row) - 1) < 0.2 * BODY_SIZE:  # wider gaps look broken: leave it ragged
                    char_space += slack / (len(row) - 1)
            keep = len(rows) > 1 and (i == 0 or i == len(rows) - 2)
            lines.append(Line(row, x=start, char_space=char_space, keep_with_next=keep, box=box))
        return lines

    def title(self, text: str) -> list[Line]:
        """Centred title lines; a long title is broken into lines of balanced length (GB/T 9704
        asks for a trapezoid or diamond shape), a line break typed by the clerk is kept."""
        rows: list[str] = []
        for part in clean_lines(text):
            total = self.width(part, Role.TITLE, TITLE_SIZE)
            phrase = self._phrase_break(part) if math.ceil(total / TEXT_WIDTH - _EPSILON) == 2 else None
            rows.extend(phrase or self.balanced(part, TEXT_WIDTH, role=Role.TITLE, size=TITLE_SIZE))
        char_space = base_char_space(TITLE_SIZE)
        return [
            Line(row, Role.TITLE, TITLE_SIZE, max(0.0, (TEXT_WIDTH - self.width(row, Role.TITLE, TITLE_SIZE)) / 2),
                 char_space, keep_with_next=True)
            for row in rows
        ]

    def balanced(self, text: str, limit: float, *, role: Role = Role.BODY, size: float = BODY_SIZE) -> list[str]:
        """As few lines as ``limit`` allows, of about equal length (no long line over a stub)."""
        total = self.width(text, role, size)
        count = max(1, math.ceil(total / limit - _EPSILON))
        width = total / count
        while True:
            wrapped = self.wrap(text, width, role=role, size=size)
            if len(wrapped) <= count or width >= limit:
                return wrapped
            width = min(limit, width + CELL / 4)

    def _phrase_break(self, text: str) -> list[str] | None:
        """Two title lines split where the sense allows (词意完整): before 无食堂 or after 关于,
        the more balanced of those that fit, if neither line is under a third of the other."""
        best = None
        for at in (text.rfind("无食堂"), 2 if text.startswith("关于") else -1):
            if at <= 0 or at >= len(text):
                continue
            widths = [self.width(t, Role.TITLE, TITLE_SIZE) for t in (text[:at], text[at:])]
            if max(widths) > TEXT_WIDTH + _EPSILON or min(widths) < max(widths) / 3:
                continue
            if best is None or abs(widths[0] - widths[1]) < best[0]:
                best = (abs(widths[0] - widths[1]), [text[:at], text[at:]])
        return best[1] if best else None

    def right_block(self, text: str, right: float, *, centre_on: float | None = None, box: bool = False) -> list[Line]:
        """Lines ending ``right`` points from the type area's right edge, or centred on ``centre_on``;
        a long name is broken into balanced lines of at most 18 characters, to stay under its seal."""
        limit = min(TEXT_WIDTH - right - (CELL if box else 0.0), 18 * CELL)
        lines = []
        for row in self.balanced(clean(text).strip(), limit):
            width = self.width(row)
            x = TEXT_WIDTH - right - width if centre_on is None else min(centre_on - width / 2, TEXT_WIDTH - right - width)
            lines.append(Line(row, x=max(CELL / 2 if box else 0.0, x), char_space=base_char_space(BODY_SIZE), box=box))
        return lines

    # --- the letter ----------------------------------------------------------------------------

    def letter_lines(self, draft: LetterDraft) -> list[Line]:
        blank = Line("", keep_with_next=True)
        lines = [*self.title(draft.title), blank]
        addressee = clean(draft.addressee).strip()
        if addressee:
            if addressee[-1] not in "：:":
                addressee += "："
            for row in self.wrap(addressee, TEXT_WIDTH):
                lines.append(Line(row, char_space=base_char_space(BODY_SIZE), keep_with_next=True))
        body = [p for p in (clean(p).strip(" \u3000") for p in draft.body) if p]
        for i, text in enumerate(body):
            paragraph = self.paragraph(text)
            if i == len(body) - 1:
                # the seal's page must carry body text (no page of signatures alone)
                paragraph[-1] = dataclasses.replace(paragraph[-1], keep_with_next=True)
            lines.extend(paragraph)
        lines.extend(self.signature(draft))
        lines.append(Line(""))
        lines.extend(self.supervisor(draft))
        return lines

    def signature(self, draft: LetterDraft) -> list[Line]:
        """Head's signature, then the unit's name over its date (右空四字), the seal pressing on both;
        the contact person below as an annotation (附注: 居左空二字加圆括号)."""
        space = base_char_space(BODY_SIZE)
        label_width = self.width(SIGNATURE_LABEL)
        sign_x = max(2 * CELL, TEXT_WIDTH - 4 * CELL - label_width - 6 * CELL)
        date = self.right_block(draft.date_text, 4 * CELL)
        centre = date[0].x + self.width(date[0].text) / 2
        name = self.right_block(draft.unit_name, 0.0, centre_on=centre)
        lines = [
            Line("", keep_with_next=True),
            Line(SIGNATURE_LABEL, x=sign_x, char_space=space, keep_with_next=True,
                 underline=(sign_x + label_width, sign_x + label_width + 6 * CELL)),
            Line("", keep_with_next=True),  # room for the seal above the name
            Line("", keep_with_next=True),
            *name, *date,
        ]
        contact = _contact_line(draft)
        if contact:
            lines.extend(self.paragraph(contact))
        return [dataclasses.replace(line, keep_with_next=True) for line in lines[:-1]] + [lines[-1]]

    def supervisor(self, draft: LetterDraft) -> list[Line]:
        space = base_char_space(BODY_SIZE)
        inner = TEXT_WIDTH - CELL
        date = self.right_block(_blank_date(), 4 * CELL, box=True)  # dated by hand when it confirms
        centre = date[0].x + self.width(date[0].text) / 2
        lines = [
            Line(SUPERVISOR_HEADING, x=CELL / 2, char_space=space, box=True),
            *self.paragraph(draft.supervisor_opinion, limit=inner, x=CELL / 2, box=True),
            Line("", box=True),
            Line(SUPERVISOR_SIGNATURE, x=2.5 * CELL, char_space=space, box=True,
                 underline=(2.5 * CELL + self.width(SUPERVISOR_SIGNATURE), 2.5 * CELL + self.width(SUPERVISOR_SIGNATURE) + 6 * CELL)),
            *self.right_block(draft.supervisor_name, CELL / 2, centre_on=centre, box=True),
            *date,
        ]
        return [dataclasses.replace(line, keep_with_next=True) for line in lines[:-1]] + [lines[-1]]


def _blank_date() -> str:
    return "年\u3000\u3000月\u3000\u3000日"


def _contact_line(draft: LetterDraft) -> str:
    parts = []
    if draft.contact_name.strip():
        parts.append(f"经办人：{draft.contact_name.strip()}")
    if draft.phone.strip():
        parts.append(f"联系电话：{draft.phone.strip()}")
    return f"（{'，'.join(parts)}）" if parts else ""


def clean_lines(text: str) -> list[str]:
    return [line for line in (clean(part).strip(" \u3000") for part in text.splitlines()) if line] or [""]


def base_char_space(size: float) -> float:
    """Tc that puts 16 pt characters on the 28-per-line grid (a little negative); none for other sizes."""
    return CELL - size if size == BODY_SIZE else 0.0


def _tokens(text: str) -> Iterator[str]:
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if text[i] in _WORD_CHARS:
            while j < n and text[j] in _WORD_CHARS:
                j += 1
        elif text[i] in "—…":  # ——, …… are one mark and never split
            while j < n and text[j] == text[i]:
                j += 1
        elif text[i] == " ":
            while j < n and text[j] == " ":
                j += 1
        yield text[i:j]
        i = j


def paginate(lines: list[Line]) -> list[Page]:
    """Fill pages of 22 grid lines; a chain of lines marked keep-with-next moves to a new page whole
    when it fits on one, and blank lines never start a page."""
    chains: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        current.append(line)
        if not line.keep_with_next:
            chains.append(current)
            current = []
    if current:
        chains.append(current)

    pages: list[list[tuple[int, Line]]] = [[]]
    row = 0
    for chain in chains:
        if row and row + _height(chain) > LINES_PER_PAGE and _height(chain) <= LINES_PER_PAGE:
            pages.append([])
            row = 0
        for line in chain:
            if row == 0 and not line.text and pages[-1] == []:
                continue
            if row >= LINES_PER_PAGE:
                pages.append([])
                row = 0
                if not line.text:
                    continue
            pages[-1].append((row, line))
            row += 1
    return [Page(i + 1, tuple(rows)) for i, rows in enumerate(pages) if rows]


def _height(chain: list[Line]) -> int:
    return len(chain)


def page_number_text(number: int) -> str:
    return f"— {number} —"
