"""Reading a letter PDF back as a reader's eye sees it: every glyph with its place on the page."""

import dataclasses
import functools
import io

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTChar, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

MM = 72 / 25.4


@dataclasses.dataclass(frozen=True)
class Glyph:
    char: str
    x0: float  # points from the left edge of the page
    x1: float
    baseline: float  # points from the bottom edge
    size: float
    font: str


@dataclasses.dataclass(frozen=True)
class Row:
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline


def _walk(item):
    if isinstance(item, LTChar):
        yield item
        return
    try:
        children = list(item)
    except TypeError:
        return
    for child in children:
        yield from _walk(child)


class _SpecAggregator(PDFPageAggregator):
    """pdfminer leaves out the character spacing (Tc) after the last glyph of each string; the PDF
    specification (9.3.2) applies it after every glyph, as poppler and Acrobat do. Put it back, or
    every font switch inside a line would seem to move the rest of the line."""

    def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling, charspace, *args):
        x, y = super().render_string_horizontal(seq, matrix, pos, font, fontsize, scaling, charspace, *args)
        drawn = any(isinstance(obj, bytes) and obj for obj in seq)
        return (x + charspace if drawn else x, y)


def _pages(pdf: bytes):
    manager = PDFResourceManager()
    device = _SpecAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(io.BytesIO(pdf)):
        interpreter.process_page(page)
        yield device.get_result()


def glyphs(pdf: bytes) -> list[list[Glyph]]:
    """Per page, every glyph drawn (spaces are not drawn, so none appear)."""
    pages = []
    for page in _pages(pdf):
        assert isinstance(page, LTPage)
        found = []
        for char in _walk(page):
            text = char.get_text()
            if text.strip():
                # the baseline: the text matrix's origin (y0 is the descender, font-dependent)
                found.append(Glyph(text, char.x0, char.x1, char.matrix[5], round(char.size, 2), char.fontname))
        pages.append(found)
    return pages


def rows(page: list[Glyph], size: float | None = None) -> list[Row]:
    """Glyphs on one baseline (within 1 pt), top of the page first, left to right."""
    chosen = [g for g in page if size is None or abs(g.size - size) < 0.5]
    lines: list[list[Glyph]] = []
    for glyph in sorted(chosen, key=lambda g: (-g.baseline, g.x0)):
        if lines and abs(lines[-1][0].baseline - glyph.baseline) < 1.0:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return [Row(tuple(sorted(line, key=lambda g: g.x0))) for line in lines]


@functools.cache
def _shipped_outlines(font_name: str):
    """(cmap, glyf table, units per em) of the shipped font a PDF font name refers to, or None."""
    from fontTools.ttLib import TTFont

    from desktop832 import paths
    from desktop832.documents import fonts

    for font_file, _licence in fonts.SHIPPED.values():
        if font_file.removesuffix(".ttf") in font_name:
            face = TTFont(paths.resources_dir() / "fonts" / font_file)
            return face.getBestCmap(), face["glyf"], face["head"].unitsPerEm
    return None


def ink(glyph: Glyph) -> tuple[float, float]:
    """Left and right edge of a glyph's ink (its outline's bounds) where it comes from a shipped
    font; its box otherwise. A full-width mark set half width keeps its ink inside the line while
    its box reaches past it."""
    outlines = _shipped_outlines(glyph.font)
    if outlines is None:
        return glyph.x0, glyph.x1
    cmap, glyf, upm = outlines
    shape = glyf[cmap[ord(glyph.char)]]
    if not hasattr(shape, "xMin"):  # a blank glyph
        return glyph.x0, glyph.x0
    scale = glyph.size / upm
    return glyph.x0 + shape.xMin * scale, glyph.x0 + shape.xMax * scale
