"""Chinese in the widgets on a machine without a Chinese font: the shipped font stands behind the
application font."""

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

from desktop832.ui import app as ui_app


def test_without_a_system_cjk_font_the_shipped_one_is_registered_and_used(qapp, monkeypatch):
    before = qapp.font()
    monkeypatch.setattr(ui_app, "system_cjk_families", lambda: [])
    try:
        family = ui_app.install_cjk_fallback(qapp)
        assert family and "Desktop832" in family
        assert family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        assert family in qapp.font().families()
        shipped = QFont(family)
        assert all(QFontMetrics(shipped).inFontUcs4(ord(ch)) for ch in "单位信息预留份额采购记录检查结果")
    finally:
        qapp.setFont(before)


def test_a_system_cjk_font_is_left_in_charge(qapp, monkeypatch):
    before = qapp.font()
    monkeypatch.setattr(ui_app, "system_cjk_families", lambda: ["WenQuanYi Micro Hei"])
    assert ui_app.install_cjk_fallback(qapp) is None
    assert qapp.font() == before
