"""Every Designer form loads and holds every widget the code looks up."""

import importlib
import inspect
import pkgutil

import pytest

import desktop832.ui
from desktop832 import paths
from desktop832.ui.forms import FormError, load_form


def form_users():
    """(form file, widgets) for every class in the UI package that names a form."""
    found = []
    for module_info in pkgutil.walk_packages(desktop832.ui.__path__, "desktop832.ui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and getattr(cls, "FORM", "") and getattr(cls, "WIDGETS", None):
                found.append((cls.FORM, cls.WIDGETS, cls.__qualname__))
        if getattr(module, "FORM", "") and getattr(module, "WIDGETS", None):
            found.append((module.FORM, module.WIDGETS, module.__name__))
    return found


USERS = form_users()


def test_there_are_forms_and_users():
    assert len(USERS) >= 5
    assert {"profile_tab.ui", "quota_tab.ui", "union_tab.ui", "overview_tab.ui"} <= {f for f, _, _ in USERS}


@pytest.mark.parametrize("form, widgets, user", USERS, ids=[u for _, _, u in USERS])
def test_form_holds_every_widget_its_class_uses(qapp, form, widgets, user):
    widget = load_form(form, None, widgets)
    widget.deleteLater()


@pytest.mark.parametrize("path", sorted(paths.forms_dir().glob("*.ui")), ids=lambda p: p.name)
def test_every_form_file_loads_and_is_used(qapp, path):
    load_form(path.name).deleteLater()
    assert path.name in {f for f, _, _ in USERS}, f"{path.name} is not used by any class"


def test_a_missing_widget_is_reported(qapp):
    from PySide6.QtWidgets import QLineEdit

    with pytest.raises(FormError, match="missing QLineEdit 'no_such_edit'"):
        load_form("quota_tab.ui", None, {"no_such_edit": QLineEdit})
