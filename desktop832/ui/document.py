"""The open unit as the window sees it: the current profile and year's plan, their findings, and
saving.

Edits arrive as (field key, parsed value), become undoable commands, re-run the rules at once
(cheap: the purchase tally is cached) and are written to the data file within a second, like
qutebrowser's save manager: a dirty flag, a timer, and a final flush on close.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from ..domain import fields as catalogue
from ..domain import rules
from ..domain.counting import Tally
from ..domain.findings import Finding
from ..domain.model import AnnualPlan, UnitProfile, plan_for_year, sets_last_year, sets_last_year_union
from ..domain.overview import Overview, overview
from ..domain.policy import Policy, Selection
from .edit_commands import EditRecords

SAVE_DELAY_MS = 600  # well inside the promised second, long enough to batch a burst of typing



class UnitDocument(QObject):
    changed = Signal(str)  # the key edited, "undo", "load" or "policy"
    saveStateChanged = Signal(str, bool)  # status text, ok

    def __init__(self, workspace, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.profile: UnitProfile = workspace.store.profile()
        self.plan: AnnualPlan = AnnualPlan(workspace.today.year)
        self.last_year_planned = False  # last year's figures come from last year's plan
        self.last_year_union_planned = False  # so does last year's union reserve
        self.policy: Policy | None = None
        self.selection: Selection | None = None  # why this policy (or none) governs the year
        self.tally: Tally | None = None
        self.findings: list[Finding] = []
        # fields holding text that does not parse: key → (text, reason); never stored, but said
        self.input_problems: dict[str, tuple[str, str]] = {}
        self._profile_dirty = self._plan_dirty = False
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)

    # --- loading ------------------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.plan.year

    def load_year(self, year: int, *, create: bool = False) -> None:
        """Show ``year``; with ``create`` a new year's plan (from last year's figures) is saved."""
        self.save_now()
        self.undo_stack.clear()
        stored, previous = self.workspace.store.plan(year), self.workspace.store.plan(year - 1)
        self.plan = plan_for_year(year, stored, previous)
        self.last_year_planned = sets_last_year(previous)
        self.last_year_union_planned = sets_last_year_union(previous)
        # a new year (when asked), or last year's plan changed since: write what is shown
        if (stored is None and create) or (stored is not None and stored != self.plan):
            if not self.workspace.store.readonly:
                self._plan_dirty = True
                self.save_now()
        self.evaluate()
        self.changed.emit("load")

    def years(self) -> list[int]:
        return self.workspace.store.years()

    # --- editing ------------------------------------------------------------------------------

    def value(self, key: str):
        scope, name = key.split(".", 1)
        return getattr(self.profile if scope == "profile" else self.plan, name)

    def edit(self, key: str, value) -> None:
        """A clerk's edit of one field: undoable, checked at once, saved shortly."""
        if self.value(key) == value:
            return
        scope, name = key.split(".", 1)
        profile, plan = self.profile, self.plan
        if scope == "profile":
            profile = dataclasses.replace(profile, **{name: value})
        else:
            plan = plan.with_field(name, value, self.workspace.today)
        label = catalogue.label(key)
        self.undo_stack.push(EditRecords(self, key, (self.profile, self.plan), (profile, plan), f"修改{label}"))

    def apply(self, profile: UnitProfile, plan: AnnualPlan, source: str = "", found=None) -> None:
        """Make these the current values (called by undo commands and direct updates); ``found``
        as for :meth:`evaluate`."""
        if plan.year != self.plan.year:
            return  # a command from another year (the stack is cleared on year change; defensive)
        self._profile_dirty |= profile != self.profile
        self._plan_dirty |= plan != self.plan
        self.profile, self.plan = profile, plan
        self.evaluate(found)
        self.changed.emit(source)
        if self._profile_dirty or self._plan_dirty:
            self.saveStateChanged.emit("有未保存的修改…", True)
            if not self._save_timer.isActive():
                self._save_timer.start()

    def replace_plan(self, plan: AnnualPlan, found=None) -> None:
        """Adopt a plan changed outside the form (e.g. the export set the filing status); with
        ``found`` (the export's result: its ``plan``, ``policy`` and ``findings``) the rules'
        findings for it are taken as they are rather than run again.

        Undo steps hold whole earlier plans; undoing one now would silently take back this
        change, so the history ends here.
        """
        self.undo_stack.clear()
        self.apply(self.profile, plan, "external", found)

    # --- rules --------------------------------------------------------------------------------

    def evaluate(self, found=None) -> None:
        """Run the rules on what is shown. ``found`` (anything with ``plan``, ``policy`` and
        ``findings``, e.g. an export's result) holds their findings already when its plan and
        policy are the ones shown: they are taken as they are."""
        from ..domain.unreadable import unreadable_findings

        unreadable = unreadable_findings(self.input_problems)
        self.selection = self.workspace.selection(self.profile, self.plan)
        self.policy = self.selection.policy
        if self.policy is None:  # a year without its own policy: one error, nothing borrowed
            self.tally, self.findings = None, unreadable + rules.no_policy_findings(self.selection, self.profile)
            return
        self.tally = self.workspace.tally(self.plan.year, self.policy)
        if found is not None and found.plan == self.plan and found.policy is self.policy and not self._profile_dirty:
            ruled = list(found.findings)
        else:
            ruled = rules.evaluate(self.profile, self.plan, self.tally, self.policy, self.workspace.today)
        self.findings = unreadable + ruled
        self.findings += self.workspace.filing_findings(self.profile, self.plan, self.tally)
        self.findings += self.workspace.evidence_findings(self.profile, self.plan)

    def set_input_problems(self, problems: dict[str, tuple[str, str]]) -> None:
        """The fields whose typed text does not parse (the binder tells): re-check and say so."""
        if problems != self.input_problems:
            self.input_problems = dict(problems)
            self.evaluate()
            self.changed.emit("input")

    def purchases_changed(self) -> None:
        """Purchases changed in ways not told in detail: the year is summed afresh."""
        self.workspace.purchases_changed()
        self.evaluate()
        self.changed.emit("purchases")
        self._purchases_saved()

    def purchases_written(self, removed=(), added=(), binned=None, restored: bool = False) -> None:
        """A write took ``removed`` out of the log and put ``added`` in (or, ``binned``, a bulk delete
        or its undo moved rows): the running tally is updated by them (nothing summed again) and
        the rules re-run."""
        self.workspace.purchases_written(removed, added, binned, restored)
        self.evaluate()
        self.changed.emit("purchases")
        self._purchases_saved()

    def _purchases_saved(self) -> None:
        """A purchase write (add, edit, delete, import, undo) is committed at once: the status
        says so rather than keep the time of the last form save."""
        if not (self._profile_dirty or self._plan_dirty):  # a form edit waiting (or failing) says so itself
            self.saveStateChanged.emit(f"已保存 {dt.datetime.now():%H:%M:%S}", True)

    def attachments_changed(self) -> None:
        """An attachment was added or removed: the evidence hints are checked again."""
        self.workspace.attachments_changed()
        self.evaluate()
        self.changed.emit("purchases")

    def policies_changed(self) -> None:
        self.workspace.library.reload()
        self.evaluate()
        self.changed.emit("policy")

    def overview(self) -> Overview | None:
        if self.policy is None or self.tally is None:
            return None
        return overview(self.profile, self.plan, self.policy, self.findings, self.tally, self.workspace.today)

    # --- saving -------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self._profile_dirty or self._plan_dirty

    def save_now(self) -> bool:
        """Write what changed; on a known store error keep it dirty and say why."""
        from ..store.errors import StoreError

        self._save_timer.stop()
        if not self.dirty:
            return True
        try:
            if self._profile_dirty:
                self.workspace.store.save_profile(self.profile)
                self._profile_dirty = False
            if self._plan_dirty:
                self.workspace.store.save_plan(self.plan)
                self._plan_dirty = False
        except StoreError as exc:
            self.saveStateChanged.emit(f"未保存：{exc.message}", False)
            return False
        self.saveStateChanged.emit(f"已保存 {dt.datetime.now():%H:%M:%S}", True)
        return True
