"""One field catalogue (domain/fields.py): every record field has one entry, and the forms, the JSON
format, the data file's columns and the export all take label and length from it."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

from desktop832.domain import fields as catalogue
from desktop832.domain import jsonformat
from desktop832.domain.model import AnnualPlan, Purchase, UnitProfile
from desktop832.documents import export_data
from desktop832.ui.purchases.form import PurchaseForm
from desktop832.ui.tabs.profile import ProfileTab
from desktop832.ui.tabs.quota import QuotaTab
from desktop832.ui.tabs.union import UnionTab

from .gui_helpers import type_chinese

FORMS = Path(__file__).resolve().parent.parent / "forms"
RECORDS = {"profile": UnitProfile, "plan": AnnualPlan, "purchase": Purchase}


def test_every_record_field_has_exactly_one_catalogue_entry():
    for record, cls in RECORDS.items():
        names = [f.name for f in dataclasses.fields(cls) if f.name != "id"]
        assert [f.name for f in catalogue.of_record(record)] == names, record


class RecordingBinder:
    """Stands in for the window's binder: which widget each tab binds to which field."""

    def __init__(self):
        self.keys: dict[str, str] = {}

    def _bind(self, widget, key, *args, **kwargs):
        self.keys[widget.objectName()] = key

    line = text = check = combo = editable_combo = _bind


def bound_widgets(qtbot, tabs: list) -> dict[str, dict[str, tuple[object, str]]]:
    """For each tab form: widget name → (widget, field key), as the tabs bind them (``tabs``
    keeps the tabs alive)."""
    out = {}
    for cls, binds in ((ProfileTab, ("bind", "bind_union")), (QuotaTab, ("bind",)), (UnionTab, ("bind",))):
        tab = cls()
        qtbot.addWidget(tab)
        tabs.append(tab)
        binder = RecordingBinder()
        for name in binds:
            getattr(tab, name)(binder)
        out[cls.FORM] = {name: (tab.findChild(QLineEdit, name), key) for name, key in binder.keys.items()}
    return out


def ui_max_lengths(form: str) -> dict[str, int]:
    found = {}
    for widget in ET.parse(FORMS / form).iter("widget"):
        for prop in widget.findall("property"):
            if prop.get("name") == "maxLength":
                found[widget.get("name")] = int(prop.find("number").text)
    return found


def test_every_form_max_length_is_the_catalogues(qtbot):
    """A Designer maxLength is the catalogue's length for the field the widget edits, and every line
    edit of a bounded field has one (else a pasted long name is refused only after typing)."""
    checked, tabs = 0, []
    for form, widgets in bound_widgets(qtbot, tabs).items():
        lengths = ui_max_lengths(form)
        for name, length in lengths.items():
            assert name in widgets, f"{form}: {name} has a maxLength but edits no catalogue field"
            key = widgets[name][1]
            assert length == catalogue.field(key).max_length, f"{form}: {name} ({key})"
            checked += 1
        for name, (widget, key) in widgets.items():
            if widget is not None and catalogue.field(key).max_length is not None:
                assert name in lengths, f"{form}: {name} ({key}) has no maxLength"
                assert widget.maxLength() == catalogue.field(key).max_length
    # the purchase form sets none: its parsers refuse a too long text with the catalogue's length
    for name, length in ui_max_lengths(PurchaseForm.FORM).items():
        assert length == catalogue.field("purchase." + name.removesuffix("_edit")).max_length, name
    assert checked >= 15


def test_the_unit_name_is_as_long_in_the_form_as_in_json_and_the_data_file(qtbot):
    """The name used to be cut at 100 characters in the form while JSON and the table took 200."""
    from desktop832.store import tables

    longest = catalogue.max_length("profile.name")
    assert tables.profile.c.name.type.length == longest
    doc = jsonformat.dump(UnitProfile(name="甲" * longest), [], [])
    assert jsonformat.load(doc)[0].name == "甲" * longest
    doc["profile"]["name"] = "甲" * (longest + 1)
    with pytest.raises(jsonformat.JsonFormatError, match=f"最多{longest}个字"):
        jsonformat.load(doc)
    tab = ProfileTab()
    qtbot.addWidget(tab)
    type_chinese(tab.name_edit, "乙" * (longest + 5))  # as an input method commits it
    assert tab.name_edit.text() == "乙" * longest


def test_the_window_labels_a_field_as_the_export_does():
    """The undo text and the export's 校验数据 label come from the same entry."""
    by_key = {f.key: f.label for f in export_data.data_fields()}
    assert by_key["plan.reserve_amount"] == catalogue.label("plan.reserve_amount") == "食堂食材预留金额"


def test_the_current_export_list_holds_every_profile_and_plan_field():
    """A field added to the profile or plan must be added to a new export version's list, or it
    would silently be missing from every export."""
    current = export_data.RECORD_FIELDS[max(export_data.RECORD_FIELDS)]
    expected = [f.key for f in catalogue.of_record("profile") + catalogue.of_record("plan")]
    assert sorted(current) == sorted(expected), (
        "add a new version to export_data.RECORD_FIELDS (and bump fingerprint.VERSION) instead of "
        "changing a published list"
    )
    from desktop832.documents import fingerprint

    assert max(export_data.RECORD_FIELDS) == fingerprint.VERSION
