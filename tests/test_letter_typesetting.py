"""The commitment letter measured in its PDF: pages, line breaks, the type area, titles, signatures,
seal room and the fingerprint, as a provincial reviewer would look at them."""

import dataclasses
import datetime as dt
import json
import shutil

import pytest

from desktop832 import paths
from desktop832.domain import jsonformat
from desktop832.domain.model import AnnualPlan, CanteenMode, Level
from desktop832.documents import fonts
from desktop832.documents.fonts import FontChoice, Role
from desktop832.documents.letter import build_draft
from desktop832.documents.letter_layout import (
    BODY_SIZE, BOTTOM, CELL, FOOT_SIZE, LEFT, NO_LINE_END, NO_LINE_START, PAGE_HEIGHT, SEAL_DIAMETER, SQUEEZE_CLOSE,
    TEXT_WIDTH,
    TITLE_SIZE, TOP, Typesetter,
)
from desktop832.documents.letter_pdf import render_letter
from desktop832.documents.title_words import break_points

from .conftest import VALID_CODE
from .letter_pdf_helpers import MM, glyphs, ink, rows

SHIPPED_ONLY = FontChoice(use_system=False)
RIGHT_EDGE = LEFT + TEXT_WIDTH
# a glyph's box is one em (16 pt) on a 15.79 pt grid cell: the last one on a full line overhangs
# the type area by that difference, its ink does not
BOX_SLACK = BODY_SIZE - CELL + 0.05
FIFTY = "青海省海东市互助土族自治县农业农村和科技局机关后勤服务管理中心农业技术推广示范站第一分站联络组办公室"
URL = "https://www.fupin832.com/pages/publicNotice/regional-service-centres/qinghai/haidong/huzhu?id=832"
TOKEN = "ABCDEFGHIJ" * 6


@pytest.fixture
def unit(profile):
    return dataclasses.replace(
        profile, name="青海省示例农业技术推广总站", level=Level.PROVINCIAL, province="青海省", city="西宁市",
        canteen_mode=CanteenMode.NONE, meal_arrangement="职工午餐由单位统一发放误餐补助，职工自行解决",
        supervising_department="青海省农业农村厅", contact_name="李晓敏", phone="0971-6180832",
    )


@pytest.fixture
def demo_unit():
    """The shipped demo unit, made a provincial unit without a canteen."""
    doc = json.loads(paths.demo_data().read_text("utf-8"))
    profile, _plans, _purchases = jsonformat.load(doc)
    return dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, level=Level.PROVINCIAL,
                               meal_arrangement="职工午餐由单位统一发放误餐补助，职工自行解决")


def letter_for(unit, policies, **changes):
    draft = build_draft(unit, AnnualPlan(2024), policies["cn-2024"], dt.date(2024, 2, 19))
    return draft.with_(**changes)


def pdf_pages(draft, choice=SHIPPED_ONLY):
    rendered = render_letter(draft, choice)
    pages = glyphs(rendered.pdf)
    assert len(pages) == rendered.pages
    return pages


def body_rows(page):
    return [row for row in rows(page, BODY_SIZE)]


def row_with(page, text):
    return next(row for row in body_rows(page) if text in row.text)


# --- one page ----------------------------------------------------------------------------------


def test_the_demo_unit_without_a_canteen_gets_a_one_page_letter(demo_unit, policies):
    pages = pdf_pages(letter_for(demo_unit, policies))
    assert len(pages) == 1
    text = "".join(row.text for row in rows(pages[0]))
    assert "特此承诺。" in text and "主管部门意见" in text and demo_unit.name in text


def test_a_fifty_character_name_still_fits_one_page(unit, policies):
    assert len(FIFTY) == 50
    long = dataclasses.replace(unit, name=FIFTY)
    pages = pdf_pages(letter_for(long, policies))
    assert len(pages) == 1
    # the grid was not shrunk: 16 pt type, lines 225/22 mm apart
    baselines = sorted({round(row.baseline, 1) for row in body_rows(pages[0])}, reverse=True)
    pitch = 225 * MM / 22
    assert all(abs((a - b) / pitch - round((a - b) / pitch)) < 0.01 for a, b in zip(baselines, baselines[1:]))


def test_a_letter_too_long_for_one_page_keeps_text_with_the_signatures(unit, policies):
    draft = letter_for(unit, policies)
    long_body = tuple(f"第{i}段：" + "我单位如实说明用餐情况，" * 6 for i in range(5)) + draft.body
    pages = pdf_pages(draft.with_(body=long_body))
    assert len(pages) == 2
    last = [row.text for row in body_rows(pages[-1])]
    signature = next(i for i, t in enumerate(last) if "单位负责人" in t)
    assert signature >= 2 and "特此承诺。" in last[signature - 1]  # the last lines go with the signatures
    assert "主管部门意见" in "".join(last)  # and the supervising department's box with them


# --- line breaking -----------------------------------------------------------------------------


def all_body_glyphs(pages):
    return [g for page in pages for g in page if abs(g.size - BODY_SIZE) < 0.5]


@pytest.mark.parametrize("inserted", [URL, TOKEN, f"详见{URL}。", f"（{TOKEN}）"])
def test_urls_and_long_tokens_stay_inside_the_type_area(unit, policies, inserted):
    draft = letter_for(unit, policies)
    body = (f"服务中心公示信息{inserted}，另见{URL[:30]}与{TOKEN[:20]}。", *draft.body)
    pages = pdf_pages(draft.with_(body=body))
    printed = all_body_glyphs(pages)
    assert min(g.x0 for g in printed) >= LEFT - 0.05
    assert max(ink(g)[1] for g in printed) <= RIGHT_EDGE  # what prints stays inside
    # boxes too, but for marks set half width, whose blank half may reach past the edge
    assert max(g.x1 for g in printed if g.char not in SQUEEZE_CLOSE) <= RIGHT_EDGE + BOX_SLACK
    flat = "".join(row.text for page in pages for row in body_rows(page))
    assert inserted in flat  # nothing of it is lost


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(unit, policies):
    # every offset of the marks against the line end
    paragraphs = tuple("字" * k + "。”）、" + "字" * 5 + "（“《" + "字" * 30 for k in range(1, 29, 3))
    pages = pdf_pages(letter_for(unit, policies).with_(body=paragraphs))
    checked = 0
    for page in pages:
        for row in body_rows(page):
            assert row.text[0] not in NO_LINE_START, row.text
            assert row.text[-1] not in NO_LINE_END, row.text
            checked += 1
    assert checked > 20


def paragraph_rows(page, first, last):
    """The body rows from the one holding ``first`` to the one holding ``last``."""
    texts = [row.text for row in body_rows(page)]
    start = next(i for i, t in enumerate(texts) if first in t)
    end = next(i for i, t in enumerate(texts) if last in t and i >= start)
    return body_rows(page)[start:end + 1]


@pytest.mark.parametrize("policy", ["qinghai-2024", "cn-2024"])
@pytest.mark.parametrize("code", [VALID_CODE, "12410100MB0C8K3D2W", "91630000MA7XWWWW8M"])
def test_the_standard_letter_leaves_no_hole_before_the_credit_code(unit, policies, policy, code):
    # the code and its closing bracket move whole; the line before them is filled by setting its
    # marks half width, not left ragged
    draft = build_draft(dataclasses.replace(unit, credit_code=code), AnnualPlan(2024), policies[policy],
                        dt.date(2024, 2, 19))
    [page] = pdf_pages(draft)
    body = paragraph_rows(page, draft.body[0][:6], "愿承担相应责任")
    assert code in "".join(row.text for row in body)
    for row in body[:-1]:
        assert row.glyphs[-1].x0 >= RIGHT_EDGE - CELL - 0.05, row.text  # the last cell is taken
        assert ink(row.glyphs[-1])[1] <= RIGHT_EDGE, row.text
        assert row.text[0] not in NO_LINE_START and row.text[-1] not in NO_LINE_END


def test_marks_are_squeezed_rather_than_leave_a_hole_before_a_latin_word():
    setter = Typesetter(lambda char, role, size: size if ord(char) > 0x2000 else size / 2)
    word = "ABCDEFGHIJ" * 4  # 20 cells
    text = "字" * 6 + "》，（" + word + "字" * 10
    # 6 + 3 marks + 20 cells is one cell too wide: pushing （ and the word down would leave 20 cells
    # empty, so the marks give up one cell instead
    first, _rest = setter.paragraph(text, indent_cells=0)
    assert first.text == "字" * 6 + "》，（" + word
    xs = setter.positions(first)
    assert xs[-1] == pytest.approx(TEXT_WIDTH)  # justified to the edge, not past it
    assert all(b > a for a, b in zip(xs, xs[1:]))  # nothing overlaps
    # 》 and （ give up their blank halves; ， keeps its own, or ，（ would touch
    assert first.squeeze == (6, 8)
    half = BODY_SIZE / 2
    assert xs[7] - xs[6] == pytest.approx(CELL - half + first.stretch)
    assert xs[8] - xs[7] == pytest.approx(CELL - half + first.stretch)
    assert xs[9] - xs[8] == pytest.approx(CELL + first.stretch)
    # where justifying can fill what pushing leaves, the marks keep their width and 禁则 pushes
    text = "字" * 22 + "》，（" + "ABCDEFGH" + "字" * 10
    assert setter.wrap(text, TEXT_WIDTH, squeeze=True)[:2] == ["字" * 22 + "》，", "（ABCDEFGH" + "字" * 10]
    # a closing mark that gives up its own blank half stays at the line end (推入)
    assert setter.wrap("字" * 27 + "a。后文", TEXT_WIDTH, squeeze=True) == ["字" * 27 + "a。", "后文"]
    assert setter.wrap("字" * 27 + "a。后文", TEXT_WIDTH) == ["字" * 27, "a。后文"]


def test_a_space_before_a_long_word_leaves_no_empty_line():
    setter = Typesetter(lambda char, role, size: size if ord(char) > 0x2000 else size / 2)
    rows_ = setter.wrap("字" * 20 + " " + TOKEN + " " + "字" * 4, TEXT_WIDTH)
    assert all(row.strip() for row in rows_)
    assert "".join(rows_).replace(" ", "") == ("字" * 20 + TOKEN + "字" * 4)
    assert all(setter.width(row) <= TEXT_WIDTH + 0.01 for row in rows_)


def test_a_justified_line_does_not_stretch_the_credit_code(unit, policies):
    draft = letter_for(unit, policies)
    pages = pdf_pages(draft)
    row = row_with(pages[0], VALID_CODE[:8])
    code = [g for g in row.glyphs if g.char in VALID_CODE]
    start = "".join(g.char for g in row.glyphs).index(VALID_CODE)
    code = list(row.glyphs[start:start + len(VALID_CODE)])
    assert "".join(g.char for g in code) == VALID_CODE
    gaps = [b.x0 - a.x1 for a, b in zip(code, code[1:])]
    # the natural spacing of the grid (Tc), nothing added
    assert max(abs(gap - (CELL - BODY_SIZE)) for gap in gaps) < 0.02
    # and the line is still justified to the right edge
    assert row.glyphs[-1].x1 == pytest.approx(RIGHT_EDGE, abs=BOX_SLACK)


# --- title -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["青海省农业农村厅机关后勤服务管理中心", "郑州市示例农业技术推广中心", FIFTY,
                                  "西宁市城北区小桥街道办事处社区卫生服务中心"])
def test_title_lines_break_between_words_in_a_balanced_shape(unit, policies, name):
    draft = letter_for(dataclasses.replace(unit, name=name), policies)
    title_rows = rows(pdf_pages(draft)[0], TITLE_SIZE)
    texts = [row.text for row in title_rows]
    assert "".join(texts) == draft.title
    assert len(texts) >= 2
    cuts = [len("".join(texts[:i])) for i in range(1, len(texts))]
    assert set(cuts) <= set(break_points(draft.title)), texts
    widths = [row.glyphs[-1].x1 - row.glyphs[0].x0 for row in title_rows]
    diffs = [b - a for a, b in zip(widths, widths[1:])]
    assert all(abs(d) >= TITLE_SIZE / 2 for d in diffs), texts  # not a rectangle
    signs = [d > 0 for d in diffs]
    trapezoid = all(signs) or not any(signs)
    diamond = len(signs) >= 2 and signs[0] and not signs[-1]
    assert trapezoid or diamond, texts
    # centred
    for row in title_rows:
        assert (row.glyphs[0].x0 - LEFT) == pytest.approx(RIGHT_EDGE - row.glyphs[-1].x1, abs=1.0)


@pytest.mark.parametrize("name", ["青海省农业农村厅（机关后勤服务中心）", "青海省农业农村厅（机关办公室）示范站",
                                  "青海省海东市互助土族自治县农业农村和科技局（机关后勤服务管理中心办公室）"])
def test_brackets_in_a_name_keep_to_their_words_in_the_title_and_the_signatures(unit, policies, name):
    draft = letter_for(dataclasses.replace(unit, name=name, supervising_department=name), policies)
    page = pdf_pages(draft)[0]
    title = [row.text for row in rows(page, TITLE_SIZE)]
    assert "".join(title) == draft.title
    texts = title + [row.text for row in body_rows(page)]
    for text in texts:
        assert text[0] not in NO_LINE_START and text[-1] not in NO_LINE_END, texts


def test_the_clerks_own_title_break_is_kept(unit, policies):
    draft = letter_for(unit, policies)
    title = "关于青海省示例农业\n技术推广总站无食堂的承诺"
    texts = [row.text for row in rows(pdf_pages(draft.with_(title=title))[0], TITLE_SIZE)]
    assert texts == ["关于青海省示例农业", "技术推广总站无食堂的承诺"]


# --- signatures and seals ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["青海省农业农村厅机关后勤服务管理中心办公室机关事务科", "青海省示例站"])
def test_signature_names_are_never_broken(unit, policies, name):
    draft = letter_for(dataclasses.replace(unit, name=name, supervising_department=name), policies)
    page = pdf_pages(draft)[0]
    named = [row for row in body_rows(page) if row.text == name]
    assert len(named) == 2  # the unit's signature and the supervising department's, each whole
    for row in named:
        assert row.glyphs[-1].x1 <= RIGHT_EDGE + BOX_SLACK


def test_a_name_longer_than_a_line_breaks_only_between_words_and_right_aligned(unit, policies):
    draft = letter_for(dataclasses.replace(unit, name=FIFTY), policies)
    page = pdf_pages(draft)[0]
    date = row_with(page, "2024年2月19日")
    above = [row for row in body_rows(page) if row.baseline > date.baseline][-2:]
    assert "".join(row.text for row in above) == FIFTY
    assert len(above[0].text) in break_points(FIFTY)
    for row in above:
        assert row.glyphs[-1].x1 == pytest.approx(RIGHT_EDGE, abs=BOX_SLACK)


@pytest.mark.parametrize("name", ["青海省示例农业技术推广总站", FIFTY])
def test_both_signature_blocks_have_a_seal_mark_and_room_for_a_42_mm_seal(unit, policies, name):
    draft = letter_for(dataclasses.replace(unit, name=name), policies)
    page = pdf_pages(draft)[0]
    dates = [row for row in body_rows(page) if row.text in ("2024年2月19日", "年月日")]
    marks = [row for row in body_rows(page) if "（盖章）" in row.text]
    assert len(dates) == 2 and len(marks) == 2
    for date in dates:
        centre = (date.glyphs[0].x0 + date.glyphs[-1].x1) / 2
        mark_row = max((m for m in marks if m.baseline > date.baseline), key=lambda m: -m.baseline + 0)
        mark_row = min((m for m in marks if m.baseline > date.baseline), key=lambda m: m.baseline)
        mark = [g for g in mark_row.glyphs if g.char in "（盖章）"][-4:]
        assert (mark[0].x0 + mark[-1].x1) / 2 == pytest.approx(centre, abs=CELL)
        # a 42 mm square over the date, the name and the mark holds nothing else
        bottom = date.baseline - 0.3 * BODY_SIZE
        top = bottom + SEAL_DIAMETER
        inside = [g for g in page if centre - SEAL_DIAMETER / 2 < (g.x0 + g.x1) / 2 < centre + SEAL_DIAMETER / 2
                  and bottom < g.baseline < top]
        allowed = set(name) | set(draft.supervisor_name) | set("2024年2月19日（盖章）")
        assert {g.char for g in inside} <= allowed, "".join(g.char for g in inside)


# --- foot --------------------------------------------------------------------------------------


def test_the_filings_fingerprint_is_printed_small_at_the_foot(unit, policies):
    fingerprint = "3f" * 32
    draft = build_draft(unit, AnnualPlan(2024), policies["cn-2024"], dt.date(2024, 2, 19), fingerprint)
    page = pdf_pages(draft)[-1]
    foot = rows(page, FOOT_SIZE)
    assert len(foot) == 1 and foot[0].text.endswith(fingerprint) and "2024年度" in foot[0].text
    assert foot[0].baseline < BOTTOM and foot[0].glyphs[-1].x1 <= RIGHT_EDGE
    # without one, no foot
    assert not rows(pdf_pages(draft.with_(fingerprint=""))[-1], FOOT_SIZE)
    assert max(g.baseline for g in page) < PAGE_HEIGHT - TOP


# --- fonts for rare characters -----------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("fc-list"), reason="needs fontconfig")
def test_rare_characters_come_from_a_font_of_the_same_style_before_a_hei(unit, policies):
    faces = {style: [f for f in fonts.system_faces_with("堃") if f.style == style] for style in ("宋体", "楷体")}
    if not (faces["宋体"] and faces["楷体"]):
        pytest.skip("no Song and Kai font with 堃 installed (.ci/run installs fonts-arphic-uming/-ukai)")
    name = "青海省堃龘示例站"
    draft = letter_for(dataclasses.replace(unit, name=name), policies)
    plan = render_letter(draft, FontChoice()).fonts
    for char in "堃龘":
        assert plan.face_for(Role.BODY, char).style == "楷体"  # in the shipped Kai body
        assert plan.face_for(Role.TITLE, char).style == "宋体"  # in the Song title
    described = plan.describe()
    assert "“堃”、“龘”用AR PL UKai" in described and "楷体" in described


def test_fallback_fonts_say_which_style_stands_in(unit, policies):
    described = render_letter(letter_for(unit, policies), SHIPPED_ONLY).fonts.describe()
    assert "正文：桌面832楷体（程序自带，楷体），不是公文要求的仿宋" in described
    assert "标题：桌面832宋体（程序自带，宋体），不是公文要求的小标宋" in described


def test_a_county_name_is_never_broken_before_its_kind():
    from desktop832.documents.title_words import words

    found = words("青海省海东市互助土族自治县农业农村和科技局机关后勤服务中心")
    assert "互助土族自治县" in found
    assert words("内蒙古自治区财政厅")[0] == "内蒙古自治区"


# --- any text the clerk may type ---------------------------------------------------------------

from hypothesis import assume, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LATIN = st.text(alphabet="abcXYZ0189/.-:?", min_size=1, max_size=70)
_PIECE = st.one_of(
    st.sampled_from("我单位承诺食堂"),
    st.builds(lambda c, m: c + m, st.sampled_from("我单位承诺"), st.sampled_from("，。、；：）》”")),
    st.builds(lambda m, c: m + c, st.sampled_from("（《“"), st.sampled_from("我单位承诺")),
    _LATIN,
    st.builds(lambda run: run + "）", _LATIN),
    st.builds(lambda run: "（" + run, _LATIN),
    st.just(" "),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECE, min_size=1, max_size=60))
@example(["（" + "0" * 51])  # a run that fits a line, but not after the mark that opens it
@example(["我" * 6, "00000", "我，" * 3, "（:" + "0" * 24, "（我", "0" * 29])  # 0（: no squeeze over a digit
@example(["我" * 20, "0" * 53])  # a run a little narrower than a line after an indent
def test_any_paragraph_breaks_inside_the_margin_after_the_rules(pieces):
    # widths as on the grid: Chinese one cell, Latin half a cell
    setter = Typesetter(lambda char, role, size: size if ord(char) > 0x2000 else size / 2)
    text = "".join(pieces).strip()
    assume(text)
    lines = setter.paragraph(text)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
    for before, line in zip([None, *lines], lines):
        assert line.text.strip(), lines  # no empty grid line
        xs = setter.positions(line)
        assert xs[0] >= -0.01 and xs[-1] <= TEXT_WIDTH + 0.01, line.text  # never past the margin
        assert all(b >= a - 0.01 for a, b in zip(xs, xs[1:])), line.text  # nothing drawn backwards
        assert line.text[0] not in NO_LINE_START or before is None, (before.text, line.text)
        assert line.text[-1] not in NO_LINE_END, line.text
