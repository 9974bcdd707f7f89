"""Rebuild the two fonts shipped for the commitment letter (see README.md beside this file).

Usage (fontTools required; the sources are the Debian packages' files, or upstream's):

    python make_fonts.py LXGWWenKai-Regular.ttf NotoSerifCJK-Bold.ttc OUTPUT_DIR

It cuts each source down to GB 2312 plus ASCII and the punctuation an official letter uses, turns
the Noto face's CFF outlines into TrueType (quadratic) outlines, since reportlab embeds only
TrueType-outline fonts, and renames both, since the SIL OFL asks modified fonts not to keep
their reserved names. Run once; the outputs are committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

KAI_OUT = "Desktop832Kai-Regular.ttf"
SONG_OUT = "Desktop832Song-Bold.ttf"
NOTO_SC_INDEX = 2  # NotoSerifCJK-Bold.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


def charset() -> list[int]:
    """GB 2312 (every character it encodes) plus ASCII and the punctuation blocks."""
    codes: set[int] = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codes.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for first, last in (
        (0x00A0, 0x00FF),  # Latin-1: ·, ×, °
        (0x2010, 0x203B),  # dashes, curly quotes, ellipsis, ‰, ※
        (0x2160, 0x216B),  # Roman numerals
        (0x2460, 0x249B),  # circled and bracketed numbers
        (0x3000, 0x303F),  # CJK punctuation, 〇, 〔〕
        (0xFF01, 0xFF5E),  # full-width forms
        (0xFFE0, 0xFFE5),  # ￥ and friends
    ):
        codes.update(range(first, last + 1))
    return sorted(codes)


def cut(source: Path, font_number: int = 0) -> TTFont:
    options = subset.Options()
    options.font_number = font_number
    options.layout_features = []  # reportlab does no shaping: GSUB/GPOS would be dead weight
    options.hinting = False  # printed at 600 dpi, hints buy nothing
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["BASE", "VORG", "vhea", "vmtx", "GDEF", "GSUB", "GPOS", "DSIG", "meta"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)
    return font


def cff_to_glyf(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines by quadratic TrueType ones (fontTools' otf2ttf snippet)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order
    font["head"].glyphDataFormat = 0
    font.recalcBBoxes = True  # the new glyphs carry no bounds until compiled with this


def rename(font: TTFont, family: str, family_zh: str, style: str, note: str) -> None:
    """New family names (OFL: a modified font must not use the reserved names)."""
    table = font["name"]
    postscript = family.replace(" ", "") + "-" + style
    table.names = [n for n in table.names if n.nameID not in (1, 2, 3, 4, 6, 16, 17, 18, 21, 22)]
    for platform, encoding, language, lang_zh in ((3, 1, 0x409, 0x804), (1, 0, 0, None)):
        values = {1: family, 2: style, 3: f"{postscript};desktop832", 4: f"{family} {style}", 6: postscript}
        for name_id, value in values.items():
            table.setName(value, name_id, platform, encoding, language)
        if lang_zh is not None:
            table.setName(family_zh, 1, platform, encoding, lang_zh)
            table.setName(f"{family_zh} {style}", 4, platform, encoding, lang_zh)
    version = table.getDebugName(5) or ""
    table.setName(f"{version}; {note}", 5, 3, 1, 0x409)
    font["OS/2"].fsType = 0  # installable embedding, as the OFL sources are


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    kai_source, song_source, out = Path(argv[0]), Path(argv[1]), Path(argv[2])
    out.mkdir(parents=True, exist_ok=True)

    kai = cut(kai_source)
    rename(kai, "Desktop832 Kai", "桌面832楷体", "Regular", "GB 2312 subset of LXGW WenKai 1.250")
    kai.save(out / KAI_OUT)

    song = cut(song_source, NOTO_SC_INDEX)
    cff_to_glyf(song)
    rename(song, "Desktop832 Song", "桌面832宋体", "Bold", "GB 2312 subset of Noto Serif CJK SC Bold, TrueType outlines")
    song.save(out / SONG_OUT)
    for name in (KAI_OUT, SONG_OUT):
        print(name, (out / name).stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
