"""Setting the letter on the GB/T 9704-2012 grid: lines, breaks and pages, without drawing anything.

The type area (版心) is 156 × 225 mm, 37 mm from the top and 28 mm from the left edge of A4; it holds
22 lines of 28 characters of 3号 (16 pt) type. Every character of the body advances one grid cell
(156/28 mm, a hair under 16 pt) and every line one grid line (225/22 mm); the title is 2号 (22 pt)
on the same line grid. The grid is never shrunk: to keep a letter on one page only the blank lines
the standard leaves to the setter (under the title, above the signature, between the signature and
the supervising department's box) are given up.

Line breaking follows the Chinese rules (禁则): a closing mark never starts a line and an opening
mark never ends one; a run of Latin letters and digits moves to the next line whole, and only a run
wider than a whole line is cut, at the margin. Where such a break would leave a hole at the end of
a line, the line first squeezes in what follows by setting punctuation half width (标点挤压: the
blank half of a full-width mark's box is given up, its ink stays where it was); only when that is
not enough is the character before the mark pushed down with it.
Full lines are justified by widening the gaps next to Chinese characters, never inside a Latin run
(a credit code or a URL keeps its natural spacing). Titles and signature names break only between
words (:mod:`.title_words`); titles take a trapezoid or diamond shape (GB/T 9704-2012 7.3.3).

Widths come from a ``measure(char, role, size)`` callback so this module knows no font library.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator

from .fonts import Role
from .letter import SEAL_MARK, LetterDraft
from .title_words import break_points

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
FOOT_SIZE = 9.0  # the fingerprint under the type area: small, but still readable on paper
FOOT_GAP = 2 * MM
SEAL_DIAMETER = 42 * MM  # a round official seal

SIGNATURE_LABEL = "单位负责人（签字）："
SUPERVISOR_HEADING = "主管部门意见："
SUPERVISOR_SIGNATURE = "经办人（签字）："
FOOT_LABEL = "数据指纹"
PAGE_NUMBER_CHARS = "—0123456789 "

NO_LINE_START = set("，。、；：？！）》」』】〕〉”’％‰…—·～,.;:?!)]}%>")
NO_LINE_END = set("（《「『【〔〈“‘([{<")
# full-width marks whose ink lies in one half of the em box (the other half may be given up)
SQUEEZE_CLOSE = frozenset("，。、；：）》」』】〕〉")
SQUEEZE_OPEN = frozenset("（《「『【〔〈")
# characters of a Latin "word": letters, digits and what joins them in codes, numbers, URLs, mail
_WORD_CHARS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_./@+#&:?=%~'")
# where a run wider than a line is best cut (after these)
_URL_BREAKS = set("/.-_?&=#@")
_EPSILON = 0.01
MAX_STRETCH = 0.5  # of a cell per gap: a justified line looser than this is left ragged instead
MIN_TITLE_RATIO = 0.4  # no title line shorter than this share of the longest (a stub)

Measure = Callable[[str, Role, float], float]


@dataclasses.dataclass(frozen=True, slots=True)
class Line:
    """One piece of text on a grid line; ``x`` and widths in points from the type area's left edge."""

    text: str
    role: Role = Role.BODY
    size: float = BODY_SIZE
    x: float = 0.0
    char_space: float = 0.0  # PDF Tc: added after every character
    stretch: float = 0.0  # added after each gap that may widen (justification; never inside a Latin run)
    underline: tuple[float, float] | None = None  # a place to sign by hand
    keep_with_next: bool = False
    box: bool = False  # part of the supervising department's framed block
    also: tuple["Line", ...] = ()  # more pieces on the same grid line
    elastic: int = 0  # a blank line that may be given up to save a page: higher goes first
    part: str = ""  # the part of the letter, as the clerk knows it
    squeeze: tuple[int, ...] = ()  # marks set half width (indices into text)


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
            ("落款", clean(draft.unit_name + draft.date_text + SIGNATURE_LABEL + SEAL_MARK + _contact_line(draft))),
            ("主管部门意见", clean(draft.supervisor_name + draft.supervisor_opinion + SUPERVISOR_HEADING
                                  + SUPERVISOR_SIGNATURE + _blank_date())),
            ("数据指纹", clean(foot_text(draft))),
        ],
    }


def is_word_char(char: str) -> bool:
    return char in _WORD_CHARS


def stretchable(left: str, right: str) -> bool:
    """May the gap between these two characters widen when a line is justified?"""
    if left == " " or right == " ":
        return False
    if is_word_char(left) and is_word_char(right):
        return False  # inside a code, number or URL
    return not (left == right and left in "—…")  # ——, …… are one mark


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

    def squeeze_amount(self, char: str, role: Role = Role.BODY, size: float = BODY_SIZE) -> float:
        """What setting ``char`` half width gives up: half its box, for full-width marks only."""
        if char not in SQUEEZE_CLOSE and char not in SQUEEZE_OPEN:
            return 0.0
        box = self._measure(char, role, size)
        return box / 2 if box >= 0.9 * size else 0.0

    def _may_squeeze(self, text: str, k: int, role: Role = Role.BODY, size: float = BODY_SIZE) -> bool:
        """May the mark at ``k`` give up its blank half? Not at the start of a line (its box would
        cross the margin), not where that half faces a space (nothing to close up), nor where it
        faces a narrow mark (a proportional quote would run into its ink)."""
        if text[k] in SQUEEZE_OPEN:
            if k == 0:
                return False
            side = text[k - 1]
        elif k + 1 < len(text):
            side = text[k + 1]
        else:
            return True  # a closing mark ending the line
        if side == " ":
            return False
        if side in NO_LINE_START or side in NO_LINE_END or text[k] in SQUEEZE_OPEN:
            # an opening mark moves back over its neighbour's cell: only a full-width one has room
            return self._measure(side, role, size) >= 0.9 * size
        return True

    def spare(self, text: str, role: Role = Role.BODY, size: float = BODY_SIZE) -> float:
        """How much ``text`` could give up by setting its marks half width (of a closing mark
        followed by an opening one, whose blank halves face each other, only one gives)."""
        amounts = [self.squeeze_amount(c, role, size) if self._may_squeeze(text, k, role, size) else 0.0
                   for k, c in enumerate(text)]
        total = sum(amounts)
        for k, (a, b) in enumerate(zip(text, text[1:])):
            if a in SQUEEZE_CLOSE and b in SQUEEZE_OPEN:
                total -= min(amounts[k], amounts[k + 1])
        return total

    def width(self, text: str, role: Role = Role.BODY, size: float = BODY_SIZE, char_space: float | None = None) -> float:
        """Advance of ``text``: the grid cells it takes (body), or its natural width (title)."""
        if char_space is None:
            char_space = base_char_space(size)
        return sum(self.advance(c, role, size, char_space) for c in text)

    def positions(self, line: Line) -> list[float]:
        """Where each character of ``line`` starts, and (last) where the line ends."""
        xs, x = [], line.x
        for i, char in enumerate(line.text):
            squeezed = i in line.squeeze
            if squeezed and char in SQUEEZE_OPEN:
                x -= self.squeeze_amount(char, line.role, line.size)  # its blank left half goes
            xs.append(x)
            x += self.advance(char, line.role, line.size, line.char_space)
            if squeezed and char in SQUEEZE_CLOSE:
                x -= self.squeeze_amount(char, line.role, line.size)  # its blank right half goes
            if i + 1 < len(line.text) and line.stretch and stretchable(char, line.text[i + 1]):
                x += line.stretch
        xs.append(x)
        return xs

    # --- breaking ------------------------------------------------------------------------------

    def wrap(self, text: str, limit: float, *, role: Role = Role.BODY, size: float = BODY_SIZE,
             first_indent: float = 0.0, squeeze: bool = False) -> list[str]:
        """Greedy line breaking with 禁则; Latin runs move whole, one wider than a line is cut.

        A line ends at the last place 禁则 allows (the characters after it are pushed down); where
        a line has no such place (a Latin run followed by a closing mark, say), the run gives up
        its last character to go down with the mark. With ``squeeze``, a token whose move would
        leave a hole justification cannot fill stays on the line when setting the line's marks
        half width makes room for it, as does a closing mark that fits by giving up its own blank
        half (the lines returned may then be wider than ``limit`` by at most what :meth:`spare`
        gives)."""
        char_space = base_char_space(size)
        measure = lambda t: self.width(t, role, size, char_space)  # noqa: E731
        tokens = list(_tokens(text))
        lines: list[list[str]] = []
        i = 0
        while i < len(tokens):
            while i < len(tokens) and tokens[i].isspace():
                i += 1  # a line never starts with a space
            if i == len(tokens):
                break
            room = limit - (first_indent if not lines else 0.0)
            j, used = i, 0.0
            while j < len(tokens):
                width = measure(tokens[j])
                if used + width <= room + _EPSILON or (
                    squeeze and j > i and not tokens[j].isspace() and width <= limit
                    and self._squeezes_in(tokens, i, j, room, used + width - room, measure, role, size)
                ):
                    used += width
                    j += 1
                else:
                    break
            if j == len(tokens):
                lines.append(tokens[i:j])
                break
            token = tokens[j]
            if token.isspace() and _may_break(tokens, j):
                lines.append(tokens[i:j])  # the space is where this line ends; it is not printed
                i = j + 1
                continue
            if j == i or measure(token) > limit + _EPSILON:
                # wider than any line (or than this one, alone): fill this line to the margin
                piece = _cut(token, room - used, measure)
                if j > i and len(piece) < min(4, len(token)) and _may_break(tokens, j):
                    lines.append(tokens[i:j])  # too little would fit here: the run starts the next line
                    i = j
                    continue
                if not piece:
                    back = _last_break(tokens, i, j)
                    if back:
                        lines.append(tokens[i:back])
                        i = back
                        continue
                    piece = token[:1]
                tokens[j:j + 1] = [piece, token[len(piece):]]
                lines.append(tokens[i:j + 1])
                i = j + 1
                continue
            back = _last_break(tokens, i, j)
            if back:
                lines.append(tokens[i:back])  # what follows the break is pushed down
                i = back
                continue
            piece = _cut(token, room - used, measure) if len(token) > 1 and is_word_char(token[0]) else ""
            if piece:
                # a run after an opening mark that starts the line: the run is cut at the margin
                tokens[j:j + 1] = [piece, token[len(piece):]]
                lines.append(tokens[i:j + 1])
                i = j + 1
                continue
            k = j - 1
            while k > i and tokens[k].isspace():
                k -= 1
            following = "".join(tokens[j:j + 2]).lstrip(" ")
            if following[:1] in NO_LINE_START and len(tokens[k]) > 1 and is_word_char(tokens[k][-1]):
                # one run and a closing mark: the run's last character goes down with the mark
                tokens[k:k + 1] = [tokens[k][:-1], tokens[k][-1]]
                j = k + 1
            lines.append(tokens[i:j])  # a line of marks alone: nothing better is possible
            i = j
        out = ["".join(line).rstrip(" ") for line in lines]
        return [line for line in out if line] or [""]

    def _squeezes_in(self, tokens: list[str], start: int, at: int, room: float, excess: float,
                     measure: Callable[[str], float], role: Role, size: float) -> bool:
        """Should ``tokens[at]`` stay on the line ``tokens[start:at]`` by setting marks half width?
        Where it can: for a closing mark that gives up its own blank half (推入), or when moving it
        (and what 禁则 pushes down with it) would leave a hole justification may not fill."""
        token = tokens[at]
        if excess > self.spare("".join(tokens[start:at + 1]), role, size) + _EPSILON:
            return False
        if excess <= self.spare(token, role, size) + _EPSILON:
            return True
        back = _last_break(tokens, start, at)
        if not back:
            return True
        line = "".join(tokens[start:back]).rstrip(" ")
        gaps = sum(1 for a, b in zip(line, line[1:]) if stretchable(a, b))
        return not gaps or (room - measure(line)) / gaps > MAX_STRETCH * CELL

    def paragraph(self, text: str, *, indent_cells: float = 2, limit: float = TEXT_WIDTH, x: float = 0.0,
                  box: bool = False, part: str = "正文") -> list[Line]:
        """A justified paragraph with a first-line indent; first and last two lines kept together."""
        text = clean(text).strip(" \u3000")
        indent = indent_cells * CELL
        rows = self.wrap(text, limit, first_indent=indent, squeeze=True)
        lines = []
        for i, row in enumerate(rows):
            start = x + (indent if i == 0 else 0.0)
            room = limit - (indent if i == 0 else 0.0)
            natural = self.width(row)
            squeezed = self._squeezed(row, natural - room) if natural > room + _EPSILON else ()
            natural -= sum(self.squeeze_amount(row[k]) for k in squeezed)
            stretch = 0.0
            if i < len(rows) - 1:
                gaps = sum(1 for a, b in zip(row, row[1:]) if stretchable(a, b))
                slack = room - natural
                if gaps and 0 < slack / gaps <= MAX_STRETCH * CELL:
                    stretch = slack / gaps
            keep = len(rows) > 1 and (i == 0 or i == len(rows) - 2)
            lines.append(Line(row, x=start, char_space=base_char_space(BODY_SIZE), stretch=stretch,
                              keep_with_next=keep, box=box, part=part, squeeze=squeezed))
        return lines

    def _squeezed(self, row: str, excess: float) -> tuple[int, ...]:
        """The marks of ``row`` to set half width so that it loses ``excess``: first a mark next to
        another mark (。” ，（ : the usual place), then the mark ending the line, then the others
        from the right."""
        marks = [k for k, c in enumerate(row) if self.squeeze_amount(c) and self._may_squeeze(row, k)]

        def beside_a_mark(k: int) -> bool:
            neighbour = row[k + 1:k + 2] if row[k] in SQUEEZE_CLOSE else row[k - 1:k] if k else ""
            return bool(neighbour) and (neighbour in NO_LINE_START or neighbour in NO_LINE_END)

        order = sorted(marks, key=lambda k: (not beside_a_mark(k), k != len(row) - 1, -k))
        chosen: list[int] = []
        for k in order:
            if excess <= _EPSILON:
                break
            facing = k + 1 if row[k] in SQUEEZE_CLOSE else k - 1
            if facing in chosen and row[facing] in (SQUEEZE_OPEN if row[k] in SQUEEZE_CLOSE else SQUEEZE_CLOSE):
                continue  # ，（ set in one cell would touch: one of the two keeps its blank half
            chosen.append(k)
            excess -= self.squeeze_amount(row[k])
        return tuple(sorted(chosen))

    def title(self, text: str) -> list[Line]:
        """Centred title lines. A line break the clerk typed is kept; a part too long for one line
        is broken between words into a trapezoid or diamond (GB/T 9704-2012 7.3.3)."""
        rows: list[str] = []
        for part in clean_lines(text):
            rows.extend(self.shaped(part, TEXT_WIDTH, role=Role.TITLE, size=TITLE_SIZE))
        char_space = base_char_space(TITLE_SIZE)
        return [
            Line(row, Role.TITLE, TITLE_SIZE, max(0.0, (TEXT_WIDTH - self.width(row, Role.TITLE, TITLE_SIZE)) / 2),
                 char_space, keep_with_next=True, part="标题")
            for row in rows
        ]

    def shaped(self, text: str, limit: float, *, role: Role = Role.BODY, size: float = BODY_SIZE,
               shape: bool = True) -> list[str]:
        """``text`` broken between words into as few lines as fit, the most even of them; with
        ``shape``, only line lengths that make a trapezoid or a diamond (no two lines alike)."""
        total = self.width(text, role, size)
        if total <= limit + _EPSILON:
            return [text]
        measure = lambda t: self.width(t, role, size)  # noqa: E731
        points = break_points(text)
        # a word wider than a line may be cut inside, as little as it must
        edges = [0, *points, len(text)]
        for a, b in zip(edges, edges[1:]):
            if measure(text[a:b]) > limit + _EPSILON:
                points.extend(range(a + 1, b))
        # 禁则 holds between words too: 机关（ / 办公室） is not a break
        points = sorted(p for p in set(points) if text[p] not in NO_LINE_START and text[p - 1] not in NO_LINE_END)
        fallback = None
        for count in range(max(2, math.ceil(total / limit - _EPSILON)), len(text) + 1):
            best = None
            for cut in _combinations(points, count - 1):
                bounds = [0, *cut, len(text)]
                rows = [text[a:b] for a, b in zip(bounds, bounds[1:])]
                widths = [measure(r) for r in rows]
                if max(widths) > limit + _EPSILON:
                    continue
                spread = max(widths) - min(widths)
                if fallback is None or spread < fallback[0]:
                    fallback = (spread, rows)
                if shape and not _good_shape(widths, size):
                    continue
                if best is None or spread < best[0]:
                    best = (spread, rows)
            if best:
                return best[1]
            if fallback and count >= math.ceil(total / limit - _EPSILON) + 1:
                return fallback[1]
        return fallback[1] if fallback else self.wrap(text, limit, role=role, size=size)

    def name_block(self, text: str, limit: float, *, centre: float, x_min: float = 0.0, box: bool = False,
                   part: str = "落款") -> list[Line]:
        """A signature name: whole on one line, centred on ``centre`` as far as the line allows,
        otherwise right-aligned; a name longer than a line is broken between words only."""
        rows = self.shaped(clean(text).strip(), limit - x_min, shape=False)
        lines = []
        for row in rows:
            # the last character's box, not its grid cell, meets the right edge
            width = self.width(row) - base_char_space(BODY_SIZE)
            x = min(centre - width / 2, limit - width) if len(rows) == 1 else limit - width
            lines.append(Line(row, x=max(x_min, x), char_space=base_char_space(BODY_SIZE), box=box, part=part))
        return lines

    # --- the letter ----------------------------------------------------------------------------

    def letter_lines(self, draft: LetterDraft) -> list[Line]:
        lines = [*self.title(draft.title), Line("", keep_with_next=True, elastic=1)]
        addressee = clean(draft.addressee).strip()
        if addressee:
            if addressee[-1] not in "：:":
                addressee += "："
            for row in self.wrap(addressee, TEXT_WIDTH):
                lines.append(Line(row, char_space=base_char_space(BODY_SIZE), keep_with_next=True, part="主送机关"))
        body = [p for p in (clean(p).strip(" \u3000") for p in draft.body) if p]
        paragraphs = [self.paragraph(text) for text in body]
        for paragraph in paragraphs:
            lines.extend(paragraph)
        signature = self.signature(draft)
        if paragraphs:
            # the letter's last two lines go with the signatures: no page of signatures alone
            tail = [i for i, line in enumerate(lines) if line.part == "正文"][-2:]
            for i in tail:
                lines[i] = dataclasses.replace(lines[i], keep_with_next=True)
        # the seal may reach up into the line above the signature only where that line is short
        last = lines[-1]
        mark = signature[0].also[0]
        seal_left = mark.x + self.width(mark.text) / 2 - SEAL_DIAMETER / 2
        short_last = not last.text or self.positions(last)[-1] <= seal_left
        lines.append(Line("", keep_with_next=True, elastic=2 if short_last else 0))
        lines.extend(signature)
        lines.append(Line("", keep_with_next=True, elastic=3))
        lines.extend(self.supervisor(draft))
        return lines

    def signature(self, draft: LetterDraft) -> list[Line]:
        """The head's signature and the seal mark, then the unit's name over its date (成文日期右空
        四字, the name centred on it), the seal pressing on both; the contact person below as an
        annotation (附注: 居左空二字加圆括号). Nothing else lies where the seal goes."""
        space = base_char_space(BODY_SIZE)
        date = self.width(draft.date_text)
        date_x = TEXT_WIDTH - 4 * CELL - date
        centre = date_x + date / 2
        sign_x = 2 * CELL
        label_width = self.width(SIGNATURE_LABEL)
        mark = Line(SEAL_MARK, x=centre - self.width(SEAL_MARK) / 2, char_space=space, part="落款")
        lines = [
            Line(SIGNATURE_LABEL, x=sign_x, char_space=space, part="落款", also=(mark,),
                 underline=(sign_x + label_width, min(sign_x + label_width + 5 * CELL, mark.x - SEAL_DIAMETER / 4))),
            *self.name_block(draft.unit_name, TEXT_WIDTH, centre=centre),
            Line(draft.date_text, x=date_x, char_space=space, part="落款"),
        ]
        contact = _contact_line(draft)
        if contact:
            lines.extend(self.paragraph(contact, part="落款"))
        lines = [dataclasses.replace(line, keep_with_next=True) for line in lines]
        return lines

    def supervisor(self, draft: LetterDraft) -> list[Line]:
        """The supervising department's framed confirmation: its opinion, who checked it, its
        name under its seal mark and a date written by hand."""
        space = base_char_space(BODY_SIZE)
        inner = TEXT_WIDTH - CELL / 2
        date_text = _blank_date()
        date = self.width(date_text)
        date_x = TEXT_WIDTH - 4 * CELL - date
        centre = date_x + date / 2
        seal_left = centre - SEAL_DIAMETER / 2
        opinion = self.paragraph(SUPERVISOR_HEADING + clean(draft.supervisor_opinion).strip(), indent_cells=0,
                                 limit=inner - CELL / 2, x=CELL / 2, box=True, part="主管部门意见")
        lines = [dataclasses.replace(line, stretch=0.0) for line in opinion]
        if self.positions(lines[-1])[-1] > seal_left:
            lines.append(Line("", box=True))  # room for the seal under a long opinion
        label_x = 2.5 * CELL
        label_width = self.width(SUPERVISOR_SIGNATURE)
        mark = Line(SEAL_MARK, x=centre - self.width(SEAL_MARK) / 2, char_space=space, box=True, part="主管部门意见")
        lines += [
            Line(SUPERVISOR_SIGNATURE, x=label_x, char_space=space, box=True, also=(mark,), part="主管部门意见",
                 underline=(label_x + label_width, min(label_x + label_width + 5 * CELL, mark.x - SEAL_DIAMETER / 4))),
            *self.name_block(draft.supervisor_name, inner, centre=centre, x_min=CELL / 2, box=True,
                             part="主管部门意见"),
            Line(date_text, x=date_x, char_space=space, box=True, part="主管部门意见"),
        ]
        return [dataclasses.replace(line, keep_with_next=True) for line in lines[:-1]] + [lines[-1]]


def _good_shape(widths: list[float], size: float) -> bool:
    """Trapezoid (lines growing or shrinking) or diamond (longest in the middle); no two
    neighbouring lines of the same length (a rectangle) and no stub."""
    step = size / 2
    if min(widths) < MIN_TITLE_RATIO * max(widths):
        return False
    diffs = [b - a for a, b in zip(widths, widths[1:])]
    if any(abs(d) < step for d in diffs):
        return False
    signs = [d > 0 for d in diffs]
    if all(signs) or not any(signs):
        return True
    peak = signs.index(False)
    return len(widths) >= 3 and all(signs[:peak]) and not any(signs[peak:])


def _combinations(points: list[int], k: int) -> Iterator[tuple[int, ...]]:
    if k > len(points):
        return iter(())
    if math.comb(len(points), k) > 20_000:  # a very long title: only evenly spread cuts
        return iter([tuple(points[round((i + 1) * len(points) / (k + 1)) - 1] for i in range(k))])
    return itertools.combinations(points, k)


def _cut(token: str, room: float, measure: Callable[[str], float]) -> str:
    """The longest head of ``token`` that fits ``room`` (possibly none), ending after a URL
    separator when there is one in its second half; never leaving a closing mark to start the
    rest or an opening one to end the head."""
    end = 0
    while end < len(token) and measure(token[:end + 1]) <= room + _EPSILON:
        end += 1
    for at in range(end, max(1, end // 2), -1):
        if token[at - 1] in _URL_BREAKS and at < len(token) and _may_cut(token, at):
            return token[:at]
    while end > 1 and not _may_cut(token, end):
        end -= 1
    return token[:end]


def _may_cut(token: str, at: int) -> bool:
    return at >= len(token) or (token[at] not in NO_LINE_START and token[at - 1] not in NO_LINE_END)


def _may_break(tokens: list[str], at: int) -> bool:
    """May a line end before ``tokens[at]`` (spaces between do not count)?"""
    before = "".join(tokens[:at]).rstrip(" ")
    after = "".join(tokens[at:at + 2]).lstrip(" ")
    if not before or not after:
        return True
    return after[0] not in NO_LINE_START and before[-1] not in NO_LINE_END


def _last_break(tokens: list[str], start: int, end: int) -> int:
    """The last place after ``start`` and up to ``end`` where a line may end, or 0."""
    for at in range(end, start, -1):
        if at < len(tokens) and _may_break(tokens, at) and "".join(tokens[start:at]).strip():
            return at
    return 0


def foot_text(draft: LetterDraft) -> str:
    if not draft.fingerprint:
        return ""
    return f"{FOOT_LABEL}（{draft.year}年度上报文件）：{draft.fingerprint}"


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
        if text[i] in _WORD_CHARS and text[i] not in NO_LINE_START:  # a run never starts with . : ?
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
    """Pages of 22 grid lines. When the letter is a little too long for one page, the blank lines
    marked elastic are given up (highest first) until it fits; if it cannot fit, they all stay and
    the letter runs on. A chain of lines marked keep-with-next moves to a new page whole when it
    fits on one, and blank lines never start a page."""
    if len(lines) > LINES_PER_PAGE:
        trimmed = list(lines)
        for level in sorted({line.elastic for line in lines if line.elastic}, reverse=True):
            trimmed = [line for line in trimmed if line.elastic != level]
            if len(trimmed) <= LINES_PER_PAGE:
                lines = trimmed
                break
    return _fill(lines)


def _fill(lines: list[Line]) -> list[Page]:
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
        if row and row + len(chain) > LINES_PER_PAGE and len(chain) <= LINES_PER_PAGE:
            pages.append([])
            row = 0
        for line in chain:
            if row == 0 and not line.text and not line.also and not line.box:
                continue
            if row >= LINES_PER_PAGE:
                pages.append([])
                row = 0
                if not line.text and not line.also:
                    continue
            pages[-1].append((row, line))
            row += 1
    return [Page(i + 1, tuple(rows)) for i, rows in enumerate(pages) if rows]


def page_number_text(number: int) -> str:
    return f"— {number} —"
