"""政策 → 新建年度政策…: a new year's policy from a base policy, in three steps.

1 通知: the base, the year, whom it governs, the notice (文号, title, issuer, date, its text).
2 规则: every rule of the base with its parameters in the clerk's words, each switchable, with its
  clause and quote; a quote the notice text does not contain is marked.
3 变化: rule, before, after; then 保存.
Every check is the policy loader's (through :mod:`desktop832.app.policy_editing`): its message is
shown beside the field it names. The dialog only turns what is typed into the file's values.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QScrollArea, QSpinBox, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
    QHeaderView,
)

from ...app import policy_editing as editing
from ...app.policy_words import CHOICES, param_phrase
from ...domain.model import Level
from ...domain.policy import RULE_PARAMS, RULE_TITLES, PolicyError, boolean, date, dates, dates_by_level, integer
from .. import file_dialogs
from ..mnemonics import give_letters
from ..palette import mark_field, set_tone

_SPLIT = re.compile(r"[、，,；;\s]+")


def _to_value(check, text: str):
    """What the clerk typed as the file's value; text that does not read stays text, so the
    loader refuses it with its own message."""
    text = text.strip()
    if check is date:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if check is integer:
        return int(text) if text.isdigit() else text
    if check is dates:
        try:
            return [dt.date.fromisoformat(t) for t in _SPLIT.split(text) if t]
        except ValueError:
            return text
    if check is dates_by_level:
        out = {}
        for part in filter(None, re.split(r"[、，,；;]+", text)):
            bits = part.split()
            if len(bits) != 2:
                return text
            try:
                out[bits[0]] = dt.date.fromisoformat(bits[1])
            except ValueError:
                return text
        return out
    if getattr(check, "kind", "").startswith("列表"):
        return [t for t in _SPLIT.split(text) if t]
    if check.__name__ == "milestones":
        items = []
        for part in filter(None, re.split(r"[、，,；;]+", text)):
            bits = part.replace("%", " ").split()
            try:
                items.append({"date": dt.date.fromisoformat(bits[0]), "share": bits[1]})
            except (ValueError, IndexError):
                return text
        return items
    return text


def _to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "、".join(f"{getattr(k, 'value', k)} {v.isoformat()}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], tuple):
            return "、".join(f"{d.isoformat()} {s}%" for d, s in value)
        return "、".join(v.isoformat() if isinstance(v, dt.date) else str(getattr(v, "value", v)) for v in value)
    return str(getattr(value, "value", value))


def _short(doc: str) -> str:
    """A parameter's description up to its first explanation, as the row's label."""
    return re.split(r"[（(：:；]", doc, maxsplit=1)[0].strip()


def _example(check) -> str:
    if check is dates_by_level:
        return "如 县级 2027-03-25、市级 2027-03-20"
    if check is dates:
        return "如 2027-02-16、2027-02-17"
    if check is date:
        return "如 2027-03-31"
    if getattr(check, "__name__", "") == "milestones":
        return "如 2027-06-30 50%、2027-10-31 100%"
    if getattr(check, "kind", "").startswith("列表"):
        return "如 " + "、".join(check.kind.split(" ", 1)[1].split("、")[:2])
    return ""


class RuleEditor(QGroupBox):
    """One rule: switch, parameters (in words beside each), clause, quote, and problems."""

    def __init__(self, rule, parent=None):
        super().__init__(f"{RULE_TITLES.get(rule.id, rule.id)}（{rule.id}）", parent)
        self.rule_id = rule.id
        self.setObjectName(f"rule_{rule.id}")
        self.setCheckable(True)
        self.setChecked(True)
        form = QFormLayout(self)
        self.inputs, self.words, self.problems = {}, {}, {}
        for name, spec in RULE_PARAMS[rule.id].items():
            value = rule.params.get(name)
            if spec.check is boolean:
                widget = QCheckBox(spec.doc)
                widget.setChecked(bool(value))
            elif getattr(spec.check, "kind", "").startswith("之一"):
                widget = QComboBox()
                options = CHOICES.get((rule.id, name), {})
                for option in spec.check.kind.split("：", 1)[1].replace("`", "").split("、"):
                    widget.addItem(options.get(option) or option, option)
                widget.setCurrentIndex(max(0, widget.findData(value)))
            else:
                widget = QLineEdit(_to_text(value))
                widget.setPlaceholderText(_example(spec.check) or spec.doc)
            widget.setObjectName(f"{rule.id}.{name}")
            widget.setToolTip(spec.doc)
            words, problem = QLabel(), QLabel()
            set_tone(problem, "error")
            problem.setWordWrap(True)
            problem.hide()
            box = QVBoxLayout()
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            row.addWidget(words, 1)
            box.addLayout(row)
            box.addWidget(problem)
            form.addRow(_short(spec.doc) or name, box)
            self.inputs[name], self.words[name], self.problems[name] = widget, words, problem
            signal = getattr(widget, "textChanged", None) or getattr(widget, "toggled", None) or widget.currentIndexChanged
            signal.connect(self.refresh_words)
        self.clause_edit = QLineEdit(rule.clause)
        self.clause_edit.setObjectName(f"{rule.id}.clause")
        self.quote_edit = QLineEdit("……".join(rule.quotes))
        self.quote_edit.setObjectName(f"{rule.id}.quote")
        self.quote_edit.setToolTip("通知原文中的一句；几句之间用“……”隔开")
        self.quote_mark = QLabel()
        self.quote_mark.setObjectName(f"{rule.id}.quote_mark")
        set_tone(self.quote_mark, "warning")
        form.addRow("条款", self.clause_edit)
        form.addRow("原文", self.quote_edit)
        form.addRow("", self.quote_mark)
        self.refresh_words()

    def raw(self, name):
        widget = self.inputs[name]
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        return widget.text()

    def table(self, notice_key: str | None) -> dict:
        table = {}
        for name, spec in RULE_PARAMS[self.rule_id].items():
            raw = self.raw(name)
            if isinstance(raw, str) and not isinstance(self.inputs[name], QComboBox):
                if not raw.strip():
                    continue
                raw = _to_value(spec.check, raw)
            table[name] = raw
        if notice_key:
            table["notice"] = notice_key
        if self.clause_edit.text().strip():
            table["clause"] = self.clause_edit.text().strip()
        quotes = [q.strip() for q in self.quote_edit.text().split("……") if q.strip()]
        if quotes:
            table["quote"] = quotes
        return table

    def refresh_words(self, *_):
        for name, spec in RULE_PARAMS[self.rule_id].items():
            raw = self.raw(name)
            try:
                value = spec.check(_to_value(spec.check, raw)) if isinstance(raw, str) and raw.strip() and not isinstance(
                    self.inputs[name], QComboBox) else raw
                words = param_phrase(self.rule_id, name, value) if value not in ("", None) else ""
            except (ValueError, TypeError, AttributeError, KeyError):
                words = ""
            self.words[name].setText(words)

    def clear_problems(self):
        for name, label in self.problems.items():
            label.hide()
            mark_field(self.inputs[name], None)

    def show_problem(self, name: str, message: str) -> QWidget:
        widget = self.inputs.get(name) or (self.quote_edit if name == "quote" else self.clause_edit)
        if name in self.problems:
            self.problems[name].setText(message)
            self.problems[name].show()
        mark_field(widget, "error", message)
        return widget


class NewPolicyDialog(QDialog):
    """``library``: the policy library; ``base``: the policy to start from; ``editing``: the id of
    the clerk's policy being edited (its year and notice are kept)."""

    def __init__(self, library, base, parent=None, *, year: int | None = None, editing_id: str = ""):
        super().__init__(parent)
        self.library, self.editing_id, self.saved = library, editing_id, None
        self.setWindowTitle("编辑政策" if editing_id else "新建年度政策")
        from PySide6.QtCore import QSize

        from ..screen_fit import available, fit_to_screen

        fit_to_screen(self, QSize(1100, 680), available(parent) if parent is not None else None)
        self.pages = QStackedWidget()
        self._build_notice_page(base, year)
        self._build_rules_page(base)
        self._build_changes_page()
        self.message = QLabel()
        self.message.setObjectName("message_label")
        set_tone(self.message, "error")
        self.message.setWordWrap(True)
        self.back_button = QPushButton("上一步(&B)")
        self.next_button = QPushButton("下一步(&N)")
        self.save_button = QPushButton("保存(&S)")
        self.cancel_button = QPushButton("取消(&C)")
        for button, name in ((self.back_button, "back_button"), (self.next_button, "next_button"),
                             (self.save_button, "save_button"), (self.cancel_button, "cancel_button")):
            button.setObjectName(name)
        self.back_button.clicked.connect(lambda: self._go(self.pages.currentIndex() - 1))
        self.next_button.clicked.connect(self.next_step)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.back_button, self.next_button, self.save_button, self.cancel_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self._go(0)
        # the levels and each rule's switches take the letters the four buttons left free
        give_letters(self.findChildren(QAbstractButton))

    # --- page 1: the notice -------------------------------------------------------------------

    def _build_notice_page(self, base, year):
        page = QWidget()
        form = QFormLayout(page)
        self.base_combo = QComboBox()
        self.base_combo.setObjectName("base_combo")
        for policy in self.library:
            self.base_combo.addItem(f"{editing.label(self.library, policy)}（{policy.id}）", policy.id)
        self.base_combo.setCurrentIndex(max(0, self.base_combo.findData(base.id)))
        self.base_combo.currentIndexChanged.connect(self._base_changed)
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("year_spin")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year or base.year + 1)
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("id_edit")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.province_edit = QLineEdit(base.scope.province)
        self.province_edit.setObjectName("province_edit")
        self.province_edit.setPlaceholderText("留空：全国")
        self.city_edit = QLineEdit(base.scope.city)
        self.city_edit.setObjectName("city_edit")
        levels = QHBoxLayout()
        self.level_boxes = {}
        for level in Level:
            box = QCheckBox(level.value)
            box.setObjectName(f"level_{level.name.lower()}")
            box.setChecked(level in base.scope.levels)
            levels.addWidget(box)
            self.level_boxes[level] = box
        levels.addStretch()
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("number_edit")
        self.number_edit.setPlaceholderText("如 豫财购〔2027〕1号")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title_edit")
        self.issuer_edit = QLineEdit()
        self.issuer_edit.setObjectName("issuer_edit")
        self.date_edit = QLineEdit()
        self.date_edit.setObjectName("date_edit")
        self.date_edit.setPlaceholderText("如 2026-12-20")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("notice_text_edit")
        self.text_edit.setPlaceholderText("可选：粘贴通知原文，或点“读取文件…”（.txt、.docx、.pdf）；用于核对每条规则引用的原文")
        self.text_edit.setMaximumHeight(160)
        self.load_text_button = QPushButton("读取文件(&R)…")
        self.load_text_button.setObjectName("load_text_button")
        self.load_text_button.clicked.connect(self.load_notice_text)
        self.header_problems: dict[str, QLabel] = {}
        rows = [
            ("base", "以此政策为基础", self.base_combo), ("year", "新年度", self.year_spin),
            ("id", "政策 id（英文字母、数字、-）", self.id_edit), ("name", "名称", self.name_edit),
            ("province", "适用省份", self.province_edit), ("city", "适用城市", self.city_edit), ("levels", "适用级次", levels),
            ("notice[0].number", "文号", self.number_edit), ("notice[0].title", "通知标题", self.title_edit),
            ("notice[0].issuer", "发文机关", self.issuer_edit), ("notice[0].date", "发文日期", self.date_edit),
        ]
        for key, label, widget in rows:
            problem = QLabel()
            set_tone(problem, "error")
            problem.setObjectName(f"problem_{key}")
            problem.hide()
            box = QVBoxLayout()
            box.addWidget(widget) if isinstance(widget, QWidget) else box.addLayout(widget)
            box.addWidget(problem)
            form.addRow(label, box)
            self.header_problems[key] = problem
        text_row = QVBoxLayout()
        text_row.addWidget(self.text_edit)
        text_row.addWidget(self.load_text_button, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow("通知原文", text_row)
        self.header_widgets = {
            "id": self.id_edit, "name": self.name_edit, "year": self.year_spin, "province": self.province_edit,
            "city": self.city_edit, "notice[0].number": self.number_edit, "notice[0].title": self.title_edit,
            "notice[0].issuer": self.issuer_edit, "notice[0].date": self.date_edit,
        }
        self.year_spin.valueChanged.connect(self._suggest_names)
        self.pages.addWidget(page)
        self._suggest_names()
        if self.editing_id:  # the policy's own notice and names, to change what needs changing
            notice = base.notices[0]
            self.id_edit.setText(base.id)
            self.name_edit.setText(base.name.split(f"（{editing.USER_MADE}")[0])
            self.number_edit.setText(notice.number)
            self.title_edit.setText(notice.title)
            self.issuer_edit.setText(notice.issuer)
            self.date_edit.setText(notice.date.isoformat() if notice.date else "")

    def _suggest_names(self, *_):
        base = self.base
        year = self.year_spin.value()
        if not self.editing_id:
            stem = re.sub(r"-?\d{4}$", "", base.id) or "policy"
            self.id_edit.setText(f"{stem}-{year}")
            self.name_edit.setText(f"{base.scope.region} {year} 年度")

    @property
    def base(self):
        return self.library.get(self.base_combo.currentData())

    def _base_changed(self, *_):
        base = self.base
        self.province_edit.setText(base.scope.province)
        self.city_edit.setText(base.scope.city)
        for level, box in self.level_boxes.items():
            box.setChecked(level in base.scope.levels)
        self._suggest_names()
        self._fill_rules(base)

    def load_notice_text(self):
        from ...app.notice_text import NoticeTextError, read_notice_text

        path, _ = file_dialogs.get_open_file_name(self, "读取通知原文", "", "通知 (*.txt *.docx *.pdf)")
        if not path:
            return
        try:
            self.text_edit.setPlainText(read_notice_text(Path(path)))
        except NoticeTextError as exc:
            self.message.setText(exc.message)

    # --- page 2: the rules --------------------------------------------------------------------

    def _build_rules_page(self, base):
        self.rules_area = QScrollArea()
        self.rules_area.setWidgetResizable(True)
        self.pages.addWidget(self.rules_area)
        self._fill_rules(base)

    def _fill_rules(self, base):
        holder = QWidget()
        column = QVBoxLayout(holder)
        self.rule_editors: dict[str, RuleEditor] = {}
        self.base_notice_key = base.notices[0].key if base.notices else ""
        for rule in base.rules.values():
            editor = RuleEditor(rule)
            column.addWidget(editor)
            self.rule_editors[rule.id] = editor
            editor.quote_edit.textChanged.connect(self.mark_quotes)
        column.addStretch()
        self.rules_area.setWidget(holder)
        self.mark_quotes()

    def mark_quotes(self, *_):
        text = self.text_edit.toPlainText()
        for editor in self.rule_editors.values():
            quotes = [q for q in editor.quote_edit.text().split("……") if q.strip()]
            missing = [q for q in quotes if text.strip() and not editing.quote_in_text(q, text)]
            editor.quote_mark.setText(("未在所给通知原文中找到：" + "……".join(missing)) if missing else "")

    # --- page 3: what changed -----------------------------------------------------------------

    def _build_changes_page(self):
        self.changes_table = QTableWidget(0, 3)
        self.changes_table.setObjectName("changes_table")
        self.changes_table.setHorizontalHeaderLabels(["项目", "原政策", "新政策"])
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.changes_table.setWordWrap(True)
        self.pages.addWidget(self.changes_table)

    # --- steps ----------------------------------------------------------------------------------

    def _go(self, index: int):
        index = max(0, min(index, self.pages.count() - 1))
        self.pages.setCurrentIndex(index)
        self.step_label.setText(["第 1 步（共 3 步）：通知和适用范围", "第 2 步（共 3 步）：规则（不适用的规则取消勾选）",
                                 "第 3 步（共 3 步）：与原政策相比的变化，确认后保存"][index])
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < 2)
        self.save_button.setVisible(index == 2)
        if index == 1:
            self.mark_quotes()

    def next_step(self):
        index = self.pages.currentIndex()
        if index == 0:
            problem = editing.check_notice_number(self.number_edit.text())
            self._clear_problems()
            if problem:
                self._show_header_problem("notice[0].number", problem)
                return
            self._go(1)
            return
        policy = self.checked()
        if policy is None:
            return
        self._fill_changes(policy)
        self._go(2)

    def document(self) -> dict:
        base = self.base
        notice = {"number": self.number_edit.text().strip(), "title": self.title_edit.text().strip(),
                  "issuer": self.issuer_edit.text().strip(), "date": _to_value(date, self.date_edit.text()) or None}
        doc = editing.draft_from(base, year=self.year_spin.value(), policy_id=self.id_edit.text().strip(),
                                 name=self.name_edit.text().strip(), notice=notice)
        for key in ("province", "city"):
            doc.pop(key, None)
            if getattr(self, f"{key}_edit").text().strip():
                doc[key] = getattr(self, f"{key}_edit").text().strip()
        doc["levels"] = [level.value for level, box in self.level_boxes.items() if box.isChecked()]
        # province and city come before the notices in the file: keep the loader's key order
        doc = {k: doc[k] for k in ("format", "id", "name", "year", "province", "city", "levels") if k in doc} | {
            k: v for k, v in doc.items() if k not in ("format", "id", "name", "year", "province", "city", "levels")}
        tables = {}
        for rule_id, editor in self.rule_editors.items():
            if not editor.isChecked():
                continue
            old = doc["rules"].get(rule_id, {})
            tables[rule_id] = editor.table(old.get("notice") or None)
        doc["rules"] = tables
        return doc

    def checked(self):
        """The policy as the loader reads it, or ``None`` with its message shown in place."""
        self._clear_problems()
        problem = editing.check_notice_number(self.number_edit.text())
        if problem:
            self._show_header_problem("notice[0].number", problem)
            self._go(0)
            return None
        try:
            return editing.check_draft(self.document())
        except PolicyError as exc:
            self._show_loader_problem(exc)
            return None

    def _show_loader_problem(self, exc: PolicyError):
        self.message.setText(str(exc))
        key = exc.key
        if key.startswith("rules."):
            rule_id, _, name = key[len("rules."):].partition(".")
            editor = self.rule_editors.get(rule_id)
            if editor is not None:
                self._go(1)
                widget = editor.show_problem(name or "clause", exc.problem)
                self.rules_area.ensureWidgetVisible(widget)
                widget.setFocus()
                return
        self._show_header_problem(key, exc.problem)

    def _show_header_problem(self, key: str, problem: str):
        self._go(0)
        label = self.header_problems.get(key)
        if label is None:
            self.message.setText(self.message.text() or problem)
            return
        label.setText(problem)
        label.show()
        widget = self.header_widgets.get(key)
        if widget is not None:
            mark_field(widget, "error")
            widget.setFocus()

    def _clear_problems(self):
        self.message.setText("")
        for label in self.header_problems.values():
            label.hide()
        for widget in self.header_widgets.values():
            mark_field(widget, None)
        for editor in self.rule_editors.values():
            editor.clear_problems()

    def _fill_changes(self, policy):
        rows = editing.changes(self.base, policy)
        table = self.changes_table
        table.setRowCount(len(rows))
        for row, change in enumerate(rows):
            for column, text in enumerate((change.what, change.before, change.after)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeRowsToContents()

    def changes(self) -> list[tuple[str, str, str]]:
        table = self.changes_table
        return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]

    def save(self):
        from ...domain.errors import ClerkError

        if self.checked() is None:
            return
        try:
            self.saved = editing.save_draft(self.library, self.document(), replacing=self.editing_id)
        except PolicyError as exc:
            self._show_loader_problem(exc)
            return
        except ClerkError as exc:
            self.message.setText(exc.message)
            return
        self.accept()


