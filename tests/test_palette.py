"""One palette and one field marker (ui/palette.py): readable colours, used everywhere, and no
colour written anywhere else in the window's code or its Designer forms."""

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QStyleFactory, QVBoxLayout, QWidget

from desktop832.ui import palette

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "desktop832" / "ui"
FORMS = ROOT / "forms"


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_ratio_matches_the_wcag_examples():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast("#ffffff", "#ffffff") == 1


def fusion_backgrounds(qapp) -> dict[str, str]:
    fusion = QStyleFactory.create("Fusion").standardPalette()
    roles = {"window": QPalette.ColorRole.Window, "base": QPalette.ColorRole.Base,
             "alternate base": QPalette.ColorRole.AlternateBase, "button": QPalette.ColorRole.Button,
             "tooltip": QPalette.ColorRole.ToolTipBase}
    found = {name: fusion.color(role).name() for name, role in roles.items()}
    found["selected row"] = palette.selected_row(fusion.color(QPalette.ColorRole.Highlight)).name()
    return found


def test_every_text_colour_passes_wcag_aa_on_every_background(qapp):
    fusion = QStyleFactory.create("Fusion").standardPalette()
    texts = {**{f"tone {t}": c for t, c in palette.TONES.items()}, "window text": fusion.color(QPalette.ColorRole.Text).name()}
    backgrounds = {**fusion_backgrounds(qapp), **{f"palette {c}": c for c in palette.BACKGROUNDS}}
    ratios = {(t, b): contrast(fg, bg) for t, fg in texts.items() for b, bg in backgrounds.items()}
    failing = {pair: round(r, 2) for pair, r in ratios.items() if r < 4.5}
    assert not failing, failing
    assert len(ratios) >= 6 * 10


def test_a_marked_fields_border_stands_out_from_the_field():
    # WCAG 1.4.11: what identifies a state of a control needs 3:1 against what is next to it
    for level, (border, background) in palette.MARKS.items():
        assert contrast(border, background) >= 3, level
        assert contrast(border, "#ffffff") >= 3, level
        assert contrast(border, palette.READ_ONLY_BACKGROUND) >= 3, level


COLOUR_LITERAL = re.compile(
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|(?-i:\bQColor)\s*\(|Qt\.GlobalColor|\bQt\.(?:red|green|blue|yellow|gray|darkRed|darkGreen)\b"
    r"|\brgba?\s*\(|(?:color|background(?:-color)?|border(?:-color)?)\s*:\s*(?:[^;{}\"'<>]*\s)?"
    r"(?:red|green|blue|orange|yellow|gray|grey|white|black|brown|purple|pink)\b",
    re.IGNORECASE,
)


def colour_literals() -> list[str]:
    found = []
    sources = [p for p in UI.rglob("*.py") if p.name != "palette.py"] + sorted(FORMS.glob("*.ui"))
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if COLOUR_LITERAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_colour_is_written_outside_the_palette():
    assert colour_literals() == []


def test_the_grep_would_find_a_colour(tmp_path):
    # the check above must be able to fail: the spellings it is there to catch
    for line in ('label.setStyleSheet("color: #c62828;")', 'QBrush(QColor(200, 0, 0))', "<string>color: #8a4b00;</string>",
                 'painter.setPen(Qt.GlobalColor.red)', 'style = "background: white"', "QLabel { color: #444; }"):
        assert COLOUR_LITERAL.search(line), line
    for line in ('set_tone(label, "error")', "# 1 of 3", 'f"第 {n} 行"', 'palette.brush(palette.OK)'):
        assert not COLOUR_LITERAL.search(line), line


ONE_MARKER = re.compile(r"setProperty\(\s*(?:MARK_PROPERTY|[\"']finding[\"'])|setStyleSheet\([^)]*border")


def test_fields_are_marked_only_through_the_palette():
    others = []
    for path in UI.rglob("*.py"):
        if path.name == "palette.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ONE_MARKER.search(line):
                others.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert others == []


def pixels(widget) -> set[str]:
    image = widget.grab().toImage()
    return {image.pixelColor(x, y).name() for x in range(0, image.width(), 1) for y in range(0, image.height(), 1)}


def test_the_style_sheet_gives_a_marked_field_and_a_toned_label_their_colours(qtbot, configured_app):
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    field, label, plain = QLineEdit("80000o"), QLabel("未能保存"), QLabel("未能保存")
    label.setStyleSheet("font-weight: bold;")  # a label's own style (its font) keeps the tone's colour
    for widget in (field, label, plain):
        layout.addWidget(widget)
    host.show()
    qtbot.waitExposed(host)
    assert palette.ERROR not in pixels(field) and palette.ERROR not in pixels(label)

    palette.mark_field(field, "error", "金额只能包含数字")
    palette.set_tone(label, "error")
    assert field.property("finding") == "error" and field.toolTip() == "金额只能包含数字"
    assert palette.ERROR in pixels(field)  # its border
    assert palette.ERROR_BACKGROUND in pixels(field)
    assert palette.ERROR in pixels(label) and palette.ERROR not in pixels(plain)

    palette.mark_field(field, None, "")
    palette.set_tone(label, None)
    assert field.property("finding") == "" and field.toolTip() == ""
    assert palette.ERROR not in pixels(field) and palette.ERROR not in pixels(label)
    with pytest.raises(ValueError):
        palette.mark_field(field, "red")


FORM_PROPERTY = re.compile(r'<property name="(tone|banner)" stdset="0">\s*<string[^>]*>(\w+)</string>')
WIDGET = re.compile(r'<widget class="\w+" name="(\w+)">')


def test_designer_forms_take_their_colours_by_name_from_the_palette(qapp):
    from desktop832.ui.forms import load_form

    named = {}
    for path in sorted(FORMS.glob("*.ui")):
        text = path.read_text(encoding="utf-8")
        for found in FORM_PROPERTY.finditer(text):
            prop, value = found.groups()
            widget = WIDGET.findall(text[:found.start()])[-1]  # the widget the property is set on
            assert value in (palette.TONES if prop == "tone" else palette.BANNERS), (path.name, widget, value)
            named[(path.name, widget)] = (prop, value)
    assert ("import_orders_dialog.ui", "file_problem") in named and ("letter_dialog.ui", "warning_label") in named
    form = load_form("profile_tab.ui")
    try:
        assert form.findChild(QLabel, "welcome_label").property("banner") == "ok"  # the loader sets it
    finally:
        form.deleteLater()
