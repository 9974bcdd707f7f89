"""Drawing the laid-out letter with reportlab: A4, embedded TrueType subsets, extractable text.

Text is drawn glyph run by glyph run straight onto the canvas (never through reportlab's
paragraph markup), so whatever the clerk typed, ``<``, ``&`` and quotes included, prints as typed.
Fonts are checked for every character first: a missing one raises before any byte is written,
and files are written through a temporary file and a rename, so no half-written PDF is left.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

from ..domain.errors import InputError
from .errors import ExchangeError
from .files import write_atomically
from .fonts import FontChoice, FontPlan, Role, plan_fonts, reportlab_font
from .letter import LetterDraft
from .letter_layout import (
    BOTTOM, CELL, FOOT_GAP, FOOT_SIZE, LEFT, LINE_PITCH, PAGE_HEIGHT, PAGE_NUMBER_GAP, PAGE_NUMBER_SIZE, PAGE_WIDTH,
    TEXT_WIDTH, TOP, Line, Page, Typesetter, foot_text, letter_texts, page_number_text, paginate,
)

# The ideographic em box sits from -0.12 to +0.88 of the size around the baseline: centring it on a
# grid line puts the baseline 0.38 size below the line's middle.
_EM_CENTRE = 0.38


@dataclasses.dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int
    fonts: FontPlan


class _Metrics:
    """Glyph widths from the chosen faces, cached (the layout asks for each character many times)."""

    def __init__(self, plan: FontPlan):
        self.plan = plan
        self._widths: dict[tuple, float] = {}

    def font_name(self, char: str, role: Role) -> str:
        return reportlab_font(self.plan.face_for(role, char))

    def __call__(self, char: str, role: Role, size: float) -> float:
        key = (char, role, size)
        width = self._widths.get(key)
        if width is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            width = self._widths[key] = stringWidth(char, self.font_name(char, role), size)
        return width


def layout(draft: LetterDraft, choice: FontChoice = FontChoice()) -> tuple[list[Page], _Metrics]:
    """Check the fonts against the whole text, then set it on pages (raises InputError)."""
    plan = plan_fonts(letter_texts(draft), choice)
    metrics = _Metrics(plan)
    return paginate(Typesetter(metrics).letter_lines(draft)), metrics


def render_letter(draft: LetterDraft, choice: FontChoice = FontChoice()) -> RenderedLetter:
    from reportlab.pdfgen import canvas

    pages, metrics = layout(draft, choice)
    setter = Typesetter(metrics)
    out = io.BytesIO()
    first_font = reportlab_font(metrics.plan.main[Role.BODY])
    pdf = canvas.Canvas(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1,
                        initialFontName=first_font, initialFontSize=16)
    pdf.setTitle(" ".join(draft.title.split()))
    pdf.setAuthor(draft.unit_name)
    pdf.setSubject(f"{draft.year}年度政府采购脱贫地区农副产品 无食堂承诺")
    pdf.setCreator("desktop832")
    for page in pages:
        _draw_page(pdf, page, setter, metrics, numbered=len(pages) > 1)
        if page is pages[-1] and foot_text(draft):
            _draw_foot(pdf, foot_text(draft), setter, metrics)
        pdf.showPage()
    pdf.save()
    return RenderedLetter(out.getvalue(), len(pages), metrics.plan)


def _baseline(row: int, size: float) -> float:
    middle = PAGE_HEIGHT - TOP - (row + 0.5) * LINE_PITCH
    return middle - _EM_CENTRE * size


def _draw_page(pdf, page: Page, setter: Typesetter, metrics: _Metrics, numbered: bool) -> None:
    boxed = [row for row, line in page.lines if line.box]
    if boxed:
        pdf.setLineWidth(0.6)
        top = PAGE_HEIGHT - TOP - min(boxed) * LINE_PITCH
        bottom = PAGE_HEIGHT - TOP - (max(boxed) + 1) * LINE_PITCH
        pdf.rect(LEFT, bottom, TEXT_WIDTH, top - bottom)
    for row, line in page.lines:
        _draw_line(pdf, line, _baseline(row, line.size), setter, metrics)
    if numbered:
        text = page_number_text(page.number)
        line = Line(text, Role.TITLE, PAGE_NUMBER_SIZE)
        width = setter.width(text, Role.TITLE, PAGE_NUMBER_SIZE, 0.0)
        # odd pages right, even pages left, one character in from the type area's edge
        x = TEXT_WIDTH - CELL - width if page.number % 2 else CELL
        y = BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE * 0.8
        _draw_line(pdf, dataclasses.replace(line, x=x), y, setter, metrics)


def _draw_foot(pdf, text: str, setter: Typesetter, metrics: _Metrics) -> None:
    """The filing's fingerprint in small type just under the type area, at its left edge."""
    line = Line(text, Role.BODY, FOOT_SIZE)
    _draw_line(pdf, line, BOTTOM - FOOT_GAP - FOOT_SIZE * 0.88, setter, metrics)


def _draw_line(pdf, line: Line, baseline: float, setter: Typesetter, metrics: _Metrics) -> None:
    """Runs of one font and one spacing, each placed where the layout puts its first character:
    a justified line widens only its gaps next to Chinese characters, never inside a Latin run."""
    xs = setter.positions(line)
    text = line.text
    run_start = 0

    def spacing(i: int) -> float:
        # the character spacing that carries character i to character i + 1
        return xs[i + 1] - xs[i] - setter.advance(text[i], line.role, line.size, 0.0) if i + 1 < len(text) else None

    def flush(end: int) -> None:
        chars = text[run_start:end]
        if chars and chars[0] not in " \u3000":
            out = pdf.beginText(LEFT + xs[run_start], baseline)
            out.setFont(metrics.font_name(chars[0], line.role), line.size)
            out.setCharSpace(line.char_space if end - run_start == 1 else spacing(run_start))
            out.textOut(chars)
            pdf.drawText(out)

    for i in range(1, len(text) + 1):
        if i == len(text):
            flush(i)
            break
        previous, char = text[i - 1], text[i]
        blank = char in " \u3000" or previous in " \u3000"
        same_font = blank or metrics.font_name(char, line.role) == metrics.font_name(previous, line.role)
        same_space = i - run_start < 2 or abs(spacing(i - 1) - spacing(i - 2)) < 1e-6
        if blank or not same_font or not same_space:
            flush(i)
            run_start = i
    for piece in line.also:
        _draw_line(pdf, piece, baseline, setter, metrics)
    if line.underline:
        x0, x1 = line.underline
        pdf.setLineWidth(0.5)
        y = baseline - 0.18 * line.size
        pdf.line(LEFT + x0, y, LEFT + x1, y)


def write_letter(path: Path | str, draft: LetterDraft, choice: FontChoice = FontChoice()) -> RenderedLetter:
    """Render, then write atomically; nothing is written when the letter cannot be rendered."""
    rendered = render_letter(draft, choice)
    write_bytes_atomically(Path(path), rendered.pdf)
    return rendered


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the target's folder, flushed to disk, then renamed over the target
    (:func:`~desktop832.documents.files.write_atomically`, the one way files are written).

    Raises :class:`InputError` with the reason in Chinese when the file cannot be written."""
    try:
        write_atomically(Path(path), lambda tmp: tmp.write_bytes(data))
    except ExchangeError as exc:
        raise InputError(exc.message) from None
