"""The no-canteen commitment letter: its content, its fonts, its layout and the headless command."""

import dataclasses
import datetime as dt
import io
import json

import pypdf
import pytest

from desktop832 import paths
from desktop832.cli import main
from desktop832.domain.policy import Scope
from desktop832.domain.model import AnnualPlan, CanteenMode, Level
from desktop832.documents import fonts
from desktop832.documents.fonts import FontChoice, FontFileError, MissingGlyphError, Role, plan_fonts, probe
from desktop832.documents.letter import (
    DateStyle, Severity, build_draft, check_letter, cite, default_addressee, format_date,
)
from desktop832.documents.letter_layout import (
    BODY_SIZE, BOTTOM, CELL, LEFT, LINES_PER_PAGE, MM, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH, TOP, Line, Typesetter, paginate,
)
from desktop832.documents.letter_pdf import render_letter, write_letter

from .conftest import VALID_CODE

SHIPPED_ONLY = FontChoice(use_system=False)  # the same fonts on every machine
NO_FONT_HAS = "\U00020000"  # CJK Extension B: in neither shipped font


@pytest.fixture
def unit(profile):
    return dataclasses.replace(
        profile, name="青海省示例农业技术推广总站", level=Level.PROVINCIAL, province="青海省", city="",
        canteen_mode=CanteenMode.NONE, meal_arrangement="职工午餐由单位发放误餐补助，职工自行解决",
        supervising_department="青海省农业农村厅",
    )


@pytest.fixture
def draft(unit, policies):
    return build_draft(unit, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19))


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


# --- content -----------------------------------------------------------------------------------


def test_pdf_text_has_title_unit_code_year_and_promises(draft, policies):
    text = flat(pdf_text(render_letter(draft, SHIPPED_ONLY).pdf))
    assert "关于青海省示例农业技术推广总站无食堂的承诺" in text
    assert "青海省财政厅政府采购监督管理处：" in text
    assert VALID_CODE in text
    assert "2024年度" in text
    assert "职工午餐由单位发放误餐补助" in text
    assert "注明“无食堂”" in text
    assert "经审核，情况属实。" in text
    assert "单位负责人（签字）" in text
    assert "2024年2月19日" in text
    assert "经办人：张三，联系电话：13812345678" in text
    # a notice is cited by its title in 《》 and its number
    # the 2024 text carries no 文号: the notice is cited by its title alone
    notice = policies["qinghai-2024"].rule("canteen-none").notice
    assert f"按照《{notice.title}》要求" in text
    assert text.count("（盖章）") == 2


def test_markup_characters_print_as_typed(draft):
    name = 'A&B<i>测试</i>"单位"\'甲\''
    letter = draft.with_(title=f"关于{name}无食堂的承诺", unit_name=name, body=(f"{name}&amp;无食堂。",))
    text = flat(pdf_text(render_letter(letter, SHIPPED_ONLY).pdf))
    assert text.count(name) >= 2
    assert f"{name}&amp;无食堂。" in text


def test_dates_in_both_forms():
    assert format_date(dt.date(2024, 2, 19), DateStyle.ARABIC) == "2024年2月19日"
    assert format_date(dt.date(2024, 2, 19), DateStyle.CHINESE) == "二〇二四年二月十九日"
    assert format_date(dt.date(2030, 10, 1), DateStyle.CHINESE) == "二〇三〇年十月一日"
    assert format_date(dt.date(2024, 12, 31), DateStyle.CHINESE) == "二〇二四年十二月三十一日"
    assert format_date(dt.date(2024, 1, 20), DateStyle.CHINESE) == "二〇二四年一月二十日"
    assert format_date(None, DateStyle.ARABIC) == format_date(dt.date(2024, 1, 1), DateStyle.BLANK) == "年\u3000\u3000月\u3000\u3000日"


def test_chinese_date_reaches_the_pdf(draft):
    text = flat(pdf_text(render_letter(draft.with_(date_style=DateStyle.CHINESE), SHIPPED_ONLY).pdf))
    assert "二〇二四年二月十九日" in text


def test_addressee_follows_the_policy_for_the_level_it_names(unit, profile, policies):
    # the province's finance department, by name
    assert default_addressee(unit, policies["qinghai-2024"]) == "青海省财政厅政府采购监督管理处"
    assert default_addressee(dataclasses.replace(unit, province="青海省"), policies["qinghai-2024"]) == "青海省财政厅政府采购监督管理处"
    # the 2024 policy asks only provincial units: a municipal unit writes to its own finance bureau
    assert default_addressee(profile, policies["qinghai-2024"]) == "西宁市财政局"
    assert default_addressee(dataclasses.replace(unit, level=Level.COUNTY), None) == "县（区）财政局"


def _problems(draft, unit, policy):
    return {(p.part, p.severity) : p.message for p in check_letter(draft, unit, policy)}


def test_a_complete_letter_for_a_provincial_unit_without_a_canteen_has_no_problems(draft, unit, policies):
    assert check_letter(draft, unit, policies["qinghai-2024"]) == []


def test_prompts_and_empty_required_fields_block_the_letter_naming_them(draft, unit, policies):
    no_meal = dataclasses.replace(unit, meal_arrangement="")
    letter = build_draft(no_meal, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19))
    problems = _problems(letter, no_meal, policies["qinghai-2024"])
    assert "（请填写职工用餐安排）" in problems[("正文", Severity.BLOCK)]
    unnamed = dataclasses.replace(unit, name="", supervising_department="")
    letter = build_draft(unnamed, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19))
    problems = _problems(letter, unnamed, policies["qinghai-2024"])
    assert "（单位全称）" in problems[("标题", Severity.BLOCK)]
    assert "（单位全称）" in problems[("署名单位", Severity.BLOCK)]
    assert problems[("主管部门", Severity.BLOCK)] == "未填写。"
    assert ("审核意见", Severity.BLOCK) in _problems(draft.with_(supervisor_opinion=" "), unit, policies["qinghai-2024"])


def test_an_addressee_without_the_provinces_name_is_refused(draft, unit, policies):
    # a clerk's own file that names no province, for a unit whose province is not filled in
    unscoped = dataclasses.replace(policies["qinghai-2024"], scope=Scope())
    nowhere = dataclasses.replace(unit, province="")
    letter = build_draft(nowhere, AnnualPlan(2024), unscoped, dt.date(2024, 2, 19))
    assert letter.addressee == "省财政厅政府采购监督管理处"
    assert "省份名称" in _problems(letter, nowhere, unscoped)[("主送机关", Severity.BLOCK)]


def test_a_unit_with_a_canteen_needs_confirmation(profile, policies):
    letter = build_draft(profile, AnnualPlan(2024), policies["qinghai-2024"], dt.date(2024, 2, 19))
    problems = _problems(letter, profile, policies["qinghai-2024"])
    assert "自有食堂" in problems[("食堂情况", Severity.CONFIRM)]
    assert "无须报送" in problems[("政策", Severity.WARN)]  # a municipal unit under this policy


def test_a_date_after_the_filing_deadline_is_warned_about_with_its_citation(draft, unit, policies):
    late = draft.with_(date=dt.date(2026, 12, 1))
    message = _problems(late, unit, policies["qinghai-2024"])[("落款日期", Severity.WARN)]
    assert "2026年12月1日晚于2024年度的填报截止日期2024年2月20日" in message and "一（二）" in message
    assert ("落款日期", Severity.WARN) not in _problems(draft.with_(date=dt.date(2024, 2, 20)), unit, policies["qinghai-2024"])
    assert ("落款日期", Severity.WARN) not in _problems(late.with_(date_style=DateStyle.BLANK), unit, policies["qinghai-2024"])


def test_a_year_without_a_policy_borrows_no_deadline_and_no_citation(unit, policies):
    other_year = build_draft(unit, AnnualPlan(2027), policies["qinghai-2024"], dt.date(2026, 12, 1))
    assert "财办库" not in "".join(other_year.body) and "按照" not in "".join(other_year.body)
    problems = _problems(other_year, unit, policies["qinghai-2024"])
    assert ("落款日期", Severity.WARN) not in problems
    assert "没有适用于2027年度的政策文件" in problems[("政策", Severity.WARN)]
    assert check_letter(other_year, unit, None) == check_letter(other_year, unit, policies["qinghai-2024"])


def test_notices_are_cited_by_title_and_number(policies):
    notice = policies["cn-2024"].notices[0]
    assert cite(notice) == f"《{notice.title}》（{notice.number}）"
    assert cite(dataclasses.replace(notice, title="")) == notice.number
    assert cite(dataclasses.replace(notice, number="")) == f"《{notice.title}》"


# --- fonts -------------------------------------------------------------------------------------


def test_fonts_are_embedded_truetype_subsets_with_unicode_maps(draft):
    data = render_letter(draft, SHIPPED_ONLY).pdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            base = font["/BaseFont"]
            prefix, _, name = base[1:].partition("+")
            assert len(prefix) == 6 and prefix.isupper(), base  # subset tag
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in font["/FontDescriptor"]  # the glyphs travel with the file
            assert "/ToUnicode" in font  # text can be copied and searched
            seen.add(name)
    assert seen == {"Desktop832Song-Bold", "Desktop832Kai-Regular"}
    assert b"Helvetica" not in data


def test_page_is_a4_and_file_is_small(draft):
    rendered = render_letter(draft, SHIPPED_ONLY)
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(PAGE_WIDTH, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(PAGE_HEIGHT, abs=0.01)
    assert rendered.pages == len(reader.pages) == 1
    assert len(rendered.pdf) < 200_000


def _page_number_runs(page) -> list[tuple[str, float, float]]:
    """(text, x, baseline) of every piece of text set below the type area: where page numbers go."""
    runs = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y < BOTTOM:
            runs.append((text, tm[4] * cm[0] + cm[4], y))

    page.extract_text(visitor_text=visit)
    return runs


def test_a_letter_of_two_pages_is_numbered_like_an_official_document(draft):
    rendered = render_letter(draft.with_(body=("我单位如实说明情况。" * 30, *draft.body)), SHIPPED_ONLY)
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == len(reader.pages) == 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("—") == 2 and text.rstrip().endswith(f"— {number} —")
        runs = _page_number_runs(page)
        assert "".join(t for t, _x, _y in runs) == f"—{number}—"  # the number alone, below the type area
        # GB/T 9704: odd pages on the right, even pages on the left
        xs = [x for _t, x, _y in runs]
        assert (min(xs) > PAGE_WIDTH / 2) if number % 2 else (max(xs) < PAGE_WIDTH / 2)


def test_a_letter_of_one_page_has_no_page_number(draft):
    rendered = render_letter(draft.with_(body=("我单位无食堂，特此承诺。",)), SHIPPED_ONLY)
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    assert rendered.pages == len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "特此承诺" in text and "主管部门意见" in text  # the whole letter is on it
    assert "—" not in text and not _page_number_runs(reader.pages[0])


def test_text_sits_inside_the_type_area(draft):
    reader = pypdf.PdfReader(io.BytesIO(render_letter(draft, SHIPPED_ONLY).pdf))
    xs, ys = [], []

    def visit(text, cm, tm, font, size):
        if text.strip() and size:
            xs.append(tm[4] * cm[0] + cm[4])
            ys.append(tm[5] * cm[3] + cm[5])

    reader.pages[0].extract_text(visitor_text=visit)
    assert min(xs) == pytest.approx(LEFT, abs=0.5)  # the addressee starts at the left margin
    assert max(ys) < PAGE_HEIGHT - TOP  # first baseline below the 37 mm top margin
    assert max(ys) > PAGE_HEIGHT - TOP - 25  # ... on the first grid line


def test_missing_character_is_named_and_nothing_is_written(draft, tmp_path):
    target = tmp_path / "letter.pdf"
    target.write_bytes(b"old letter")
    letter = draft.with_(unit_name=f"测试{NO_FONT_HAS}单位")
    with pytest.raises(MissingGlyphError) as caught:
        write_letter(target, letter, SHIPPED_ONLY)
    assert NO_FONT_HAS in caught.value.message and "U+20000" in caught.value.message
    assert "落款" in caught.value.message
    assert target.read_bytes() == b"old letter"
    assert [p.name for p in tmp_path.iterdir()] == ["letter.pdf"]


def test_shipped_fonts_come_with_their_licences():
    folder = paths.resources_dir() / "fonts"
    for font_file, licence in fonts.SHIPPED.values():
        assert (folder / licence).read_text("utf-8").count("SIL OPEN FONT LICENSE") == 1
        face = probe(folder / font_file)
        assert len(fonts.codepoints(face)) > 7000  # GB 2312 and punctuation
        assert "LXGW" not in face.family and "Noto" not in face.family  # OFL: renamed when modified


def test_configured_font_comes_first_and_gaps_are_filled():
    kai = paths.resources_dir() / "fonts" / fonts.SHIPPED[Role.BODY][0]
    plan = plan_fonts({Role.TITLE: [("标题", "关于无食堂")], Role.BODY: [("正文", "正文")]},
                      FontChoice(title=kai, use_system=False))
    assert plan.main[Role.TITLE].origin is fonts.Origin.CONFIGURED
    assert plan.main[Role.BODY].origin is fonts.Origin.SHIPPED


def _tiny_font(tmp_path, *, cff=False, fs_type=0):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    fb = FontBuilder(1000, isTTF=not cff)
    fb.setupGlyphOrder([".notdef", "A"])
    fb.setupCharacterMap({ord("A"): "A"})
    if cff:
        pen = T2CharStringPen(500, None)
        pen.moveTo((0, 0)), pen.lineTo((400, 0)), pen.lineTo((200, 600)), pen.closePath()
        fb.setupCFF("Tiny", {"FullName": "Tiny"}, {".notdef": pen.getCharString(), "A": pen.getCharString()}, {})
    else:
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0)), pen.lineTo((400, 0)), pen.lineTo((200, 600)), pen.closePath()
        fb.setupGlyf({".notdef": pen.glyph(), "A": pen.glyph()})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    fb.setupOS2(fsType=fs_type)
    fb.setupPost()
    path = tmp_path / ("tiny.otf" if cff else f"tiny{fs_type}.ttf")
    fb.save(str(path))
    return path


def test_unusable_font_files_are_refused_with_the_reason(tmp_path):
    assert probe(_tiny_font(tmp_path)).family == "Tiny"
    with pytest.raises(FontFileError, match="CFF"):
        probe(_tiny_font(tmp_path, cff=True))
    with pytest.raises(FontFileError, match="不允许嵌入"):
        probe(_tiny_font(tmp_path, fs_type=0x0002))
    with pytest.raises(FontFileError, match="找不到"):
        probe(tmp_path / "none.ttf")
    (tmp_path / "text.ttf").write_text("not a font")
    with pytest.raises(FontFileError, match="无法读取"):
        probe(tmp_path / "text.ttf")


def test_a_real_system_fangsong_is_preferred_only_when_it_lacks_nothing_the_shipped_font_has(tmp_path, monkeypatch):
    system = dataclasses.replace(probe(_tiny_font(tmp_path)), origin=fonts.Origin.SYSTEM)  # has only "A"
    monkeypatch.setattr(fonts, "system_style_faces", lambda role: (system,) if role is Role.BODY else ())
    plan = plan_fonts({Role.BODY: [("正文", "AAA")]}, FontChoice())
    assert plan.main[Role.BODY] == system
    plan = plan_fonts({Role.BODY: [("正文", "A中")]}, FontChoice())
    assert plan.main[Role.BODY].origin is fonts.Origin.SHIPPED


def test_windows_font_folder_is_searched_by_file_name(tmp_path, monkeypatch):
    folder = tmp_path / "Fonts"
    folder.mkdir()
    (folder / "SIMFANG.TTF").write_bytes(_tiny_font(tmp_path).read_bytes())
    monkeypatch.setattr(fonts, "_on_windows", lambda: True)
    monkeypatch.setenv("WINDIR", str(tmp_path))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    fonts.forget_system_fonts()
    try:
        faces = fonts.system_style_faces(Role.BODY)
        assert [f.path.name for f in faces] == ["SIMFANG.TTF"] and faces[0].origin is fonts.Origin.SYSTEM
        assert fonts.system_style_faces(Role.TITLE) == ()
    finally:
        fonts.forget_system_fonts()


# --- layout ------------------------------------------------------------------------------------


def _grid_measure(char, role, size):
    return size if ord(char) > 0x2000 else size / 2


def test_twenty_eight_characters_a_line_with_a_two_character_indent():
    setter = Typesetter(_grid_measure)
    lines = setter.paragraph("字" * 80)
    assert [len(line.text) for line in lines] == [26, 28, 26]
    assert lines[0].x == pytest.approx(2 * CELL)
    assert TEXT_WIDTH == pytest.approx(156 * MM) and CELL == pytest.approx(156 * MM / 28)


def test_closing_punctuation_never_starts_a_line():
    setter = Typesetter(_grid_measure)
    rows = setter.wrap("字" * 28 + "。后文", TEXT_WIDTH)
    assert rows == ["字" * 27, "字。后文"]
    rows = setter.wrap("字" * 27 + "（注）", TEXT_WIDTH)
    assert rows[0] == "字" * 27 and rows[1].startswith("（")


def test_latin_words_and_codes_stay_whole():
    setter = Typesetter(_grid_measure)
    rows = setter.wrap("字" * 20 + VALID_CODE, TEXT_WIDTH)
    assert rows == ["字" * 20, VALID_CODE]


def test_twenty_two_lines_a_page_and_blank_lines_never_start_one():
    lines = [Line(f"第{i}行") for i in range(30)]
    lines.insert(LINES_PER_PAGE, Line(""))
    pages = paginate(lines)
    assert [len(p.lines) for p in pages] == [22, 8]
    assert pages[1].lines[0][1].text == "第22行"


def test_kept_lines_move_to_the_next_page_together():
    lines = [Line(str(i)) for i in range(20)] + [Line("签", keep_with_next=True), Line("名", keep_with_next=True), Line("日")]
    pages = paginate(lines)
    assert [line.text for _row, line in pages[1].lines] == ["签", "名", "日"]


def test_long_title_breaks_into_balanced_lines_at_the_phrase():
    setter = Typesetter(_grid_measure)
    title = setter.title("关于青海省农业农村厅机关服务中心无食堂的承诺")
    assert [line.text for line in title] == ["关于青海省农业农村厅", "机关服务中心无食堂的承诺"]  # between words
    assert all(line.size == 22 for line in title)
    title = setter.title("关于" + "甲" * 40 + "无食堂的承诺")
    assert len(title) == 3 and max(len(t.text) for t in title) - min(len(t.text) for t in title) <= 2
    assert [line.text for line in setter.title("关于甲单位\n无食堂的承诺")] == ["关于甲单位", "无食堂的承诺"]


def test_justified_lines_fill_the_width_without_spreading_latin_runs():
    setter = Typesetter(_grid_measure)
    line = setter.paragraph("字" * 10 + "ab" + "字" * 30)[0]
    xs = setter.positions(line)
    assert xs[-1] == pytest.approx(TEXT_WIDTH)  # the last cell ends at the right edge
    a = line.text.index("a")
    assert xs[a + 1] - xs[a] == pytest.approx(BODY_SIZE / 2 + line.char_space)  # a and b keep their spacing
    assert xs[1] - xs[0] > CELL  # the gaps between Chinese characters took the slack


# --- command line ------------------------------------------------------------------------------


def _load_unit(tmp_path, unit, name, canteen="无食堂"):
    doc = {
        "format": "desktop832", "version": 1,
        "profile": {
            "name": name, "credit_code": unit.credit_code, "level": "省级", "province": "青海省",
            "supervising_department": unit.supervising_department, "contact_name": "王五", "phone": "0371-65901234",
            "canteen_mode": canteen, "meal_arrangement": unit.meal_arrangement, "has_union_funds": False,
        },
        "plans": [{"year": 2024}],
        "purchases": [],
    }
    source = tmp_path / "unit.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    db = tmp_path / f"unit{len(name)}.sqlite"
    assert main(["--db", str(db), "load", str(source)]) == 0
    return db


def test_letter_command_writes_the_pdf(tmp_path, unit, capsys):
    db = _load_unit(tmp_path, unit, unit.name)
    out = tmp_path / "承诺函.pdf"
    code = main(["--db", str(db), "letter", "--year", "2024", "-o", str(out), "--date", "2024-02-19",
                 "--date-style", "chinese", "--shipped-fonts-only"])
    assert code == 0
    assert "已写出" in capsys.readouterr().out
    text = flat(pdf_text(out.read_bytes()))
    assert "青海省示例农业技术推广总站" in text and "二〇二四年二月十九日" in text and VALID_CODE in text


def test_letter_command_refuses_a_character_no_font_has(tmp_path, unit, capsys):
    db = _load_unit(tmp_path, unit, f"测试{NO_FONT_HAS}单位")
    out = tmp_path / "letter.pdf"
    capsys.readouterr()
    assert main(["--db", str(db), "letter", "-o", str(out), "--shipped-fonts-only"]) == 1
    err = capsys.readouterr().err
    assert "U+20000" in err and "Traceback" not in err
    assert not out.exists()


def test_letter_command_bad_font_file_and_bad_output_name(tmp_path, unit, capsys):
    db = _load_unit(tmp_path, unit, unit.name)
    out = tmp_path / "letter.pdf"
    assert main(["--db", str(db), "letter", "-o", str(out), "--body-font", str(tmp_path / "none.ttf")]) == 1
    assert "找不到字体文件" in capsys.readouterr().err
    assert not out.exists()
    assert main(["--db", str(db), "letter", "-o", str(tmp_path / "x.doc")]) == 2


def test_letter_command_refuses_a_unit_whose_canteen_is_not_none(tmp_path, unit, capsys, monkeypatch):
    db = _load_unit(tmp_path, unit, unit.name, canteen="食堂外包")
    out = tmp_path / "letter.pdf"
    capsys.readouterr()
    assert main(["--db", str(db), "letter", "-o", str(out), "--shipped-fonts-only"]) == 1
    err = capsys.readouterr().err
    assert "未生成承诺函" in err and "食堂外包" in err and "Traceback" not in err
    assert not out.exists()


def test_letter_command_refuses_a_prompt_left_in_the_text(tmp_path, unit, capsys):
    db = _load_unit(tmp_path, dataclasses.replace(unit, meal_arrangement=""), unit.name)
    out = tmp_path / "letter.pdf"
    capsys.readouterr()
    assert main(["--db", str(db), "letter", "-o", str(out), "--shipped-fonts-only"]) == 1
    err = capsys.readouterr().err
    assert "正文" in err and "（请填写职工用餐安排）" in err
    assert not out.exists()


def test_letter_command_warns_about_a_late_date_and_says_which_fonts_stand_in(tmp_path, unit, capsys):
    db = _load_unit(tmp_path, unit, unit.name)
    out = tmp_path / "letter.pdf"
    capsys.readouterr()
    assert main(["--db", str(db), "letter", "--year", "2024", "-o", str(out), "--date", "2024-03-01",
                 "--shipped-fonts-only"]) == 0
    captured = capsys.readouterr()
    assert "注意：落款日期：2024年3月1日晚于2024年度的填报截止日期2024年2月20日" in captured.err
    assert "字体：正文：桌面832楷体（程序自带，楷体），不是公文要求的仿宋" in captured.out
    assert "（1 页）" in captured.out


def test_after_an_export_the_letter_prints_the_filings_fingerprint_at_the_foot(tmp_path, unit, capsys):
    from desktop832.documents.letter_layout import FOOT_SIZE

    from .letter_pdf_helpers import glyphs, rows

    db = _load_unit(tmp_path, unit, unit.name)
    out = tmp_path / "letter.pdf"
    assert main(["--db", str(db), "letter", "--year", "2024", "-o", str(out), "--date", "2024-02-19",
                 "--shipped-fonts-only"]) == 0
    assert not rows(glyphs(out.read_bytes())[-1], FOOT_SIZE)  # nothing filed yet: no foot
    workbook = tmp_path / "上报.xlsx"
    assert main(["--db", str(db), "export", "--year", "2024", "-o", str(workbook), "--today", "2024-02-10"]) == 0
    printed = capsys.readouterr().out
    fingerprint = next(line.split("：", 1)[1].strip() for line in printed.splitlines() if line.startswith("数据指纹"))
    assert main(["--db", str(db), "letter", "--year", "2024", "-o", str(out), "--date", "2024-02-19",
                 "--shipped-fonts-only"]) == 0
    [foot] = rows(glyphs(out.read_bytes())[-1], FOOT_SIZE)
    assert foot.text.endswith(fingerprint) and "2024年度" in foot.text
