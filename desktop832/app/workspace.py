"""One open data file with its policy library: what the CLI and the window both work through.

It loads the unit's records, picks the policy for a year and runs the rules. The purchase tally is
summed once per year and then kept up to date by every write of purchases (``purchases_written``:
what the write took out and put in), so neither a keystroke in the plan nor an edit in the log
costs anything that grows with the log; a change it is not told the details of
(``purchases_changed``) sums the year afresh when it is next asked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..domain import rules
from ..domain.counting import RunningTally, Tally
from ..domain.findings import Finding
from ..domain.model import AnnualPlan, UnitProfile, plan_for_year
from ..domain.policy import Policy, Selection
from .policies import PolicyLibrary
from ..store.database import Store


FILING_FINGERPRINT_KEY = "export.{year}.fingerprint"  # the setting the year's last export leaves


class Workspace:
    def __init__(
        self, store: Store, library: PolicyLibrary | None = None, today: dt.date | None = None, lock=None,
    ):
        self.store = store
        self.library = library or PolicyLibrary()
        self._today = today
        self._tallies: dict[tuple[int, str | None, dt.date], RunningTally] = {}
        self._filings: dict[int, list] = {}  # the filing record by year, read once
        self._gaps: dict[int, object] = {}  # the year's evidence gaps, until purchases or attachments change
        # the data file's lock (a locking.LockResult) when this workspace owns it: released by close()
        self.lock = lock

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, create: bool = True, **kwargs) -> Workspace:
        from .. import paths

        return cls(Store.open(path, readonly=readonly, create=create, backup_dir=paths.backup_dir()), **kwargs)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def default_year(self) -> int:
        """The newest year with a plan, else this year."""
        years = self.store.years()
        return years[-1] if years else self.today.year

    def plan(self, year: int) -> AnnualPlan:
        """The year's plan (last year's figures as last year's plan has them now), or a new one
        started from last year's figures (not yet saved)."""
        return plan_for_year(year, self.store.plan(year), self.store.plan(year - 1))

    def saved_plan(self, year: int) -> AnnualPlan | None:
        """The year's plan as :meth:`plan` shows it, or ``None`` when nothing is saved for the year."""
        stored = self.store.plan(year)
        return None if stored is None else plan_for_year(year, stored, self.store.plan(year - 1))

    # --- the filing record ---------------------------------------------------------------------

    def filing_events(self, year: int) -> list:
        """The year's filing record (:class:`~desktop832.domain.filings.FilingEvent`), oldest first."""
        if year not in self._filings:
            self._filings[year] = self.store.filing_events(year)
        return list(self._filings[year])

    def add_filing_event(self, event, plan: AnnualPlan | None = None):
        """Append to the record (saving ``plan``, the status it brings, in the same transaction)."""
        self._filings.pop(event.year, None)
        return self.store.add_filing_event(event, plan)

    def last_filing_fingerprint(self, year: int) -> str:
        """The fingerprint of the year's last filing ('' before the first), for the commitment letter."""
        filings = [e for e in self.filing_events(year) if e.kind.is_filing]
        if filings:
            return filings[-1].fingerprint
        # a file exported before the filing record was kept: the setting its export left
        return self.store.setting(FILING_FINGERPRINT_KEY.format(year=year), "").strip()

    def policy_for(self, profile: UnitProfile, plan: AnnualPlan) -> Policy | None:
        return self.library.for_plan(profile, plan)

    def selection(self, profile: UnitProfile, plan: AnnualPlan) -> Selection:
        return self.library.selection(profile, plan)

    def purchases_changed(self) -> None:
        """Purchases changed in a way not told in detail: every year is summed afresh when asked."""
        self._tallies.clear()
        self._gaps.clear()

    def attachments_changed(self) -> None:
        self._gaps.clear()

    def evidence_gaps(self, year: int):
        """The year's :class:`~desktop832.domain.evidence.EvidenceGaps`, cached like the tally."""
        if year not in self._gaps:
            from .attachments import evidence_gaps

            self._gaps[year] = evidence_gaps(self.store, year)
        return self._gaps[year]

    def purchases_written(self, removed=(), added=(), binned=None, restored: bool = False) -> None:
        """A write took ``removed`` out of the log (as they were) and put ``added`` in (as written,
        with their ids); an edit is both. A bulk delete comes as ``binned`` instead (see
        :meth:`purchases_binned`). The tallies summed so far are updated, not summed again."""
        removed, added = list(removed), list(added)
        if removed or added:
            for running in self._tallies.values():
                running.apply(removed, added)
            self._forget_gaps(removed, added)
        if binned is not None:
            self.purchases_binned(binned, restored=restored)

    def _forget_gaps(self, removed, added) -> None:
        """The evidence gaps of the years a write may have changed them in: a purchase added or
        removed, or its state, date or order number changed (an amount or a note does not)."""
        before = {p.id: p for p in removed}
        after = {p.id: p for p in added}
        for pid in before.keys() | after.keys():
            old, new = before.get(pid), after.get(pid)
            if old is None or new is None or (old.state, old.date, old.order_no) != (new.state, new.date, new.order_no):
                for p in (old, new):
                    if p is not None:
                        self._gaps.pop(p.date.year, None)

    def purchases_binned(self, binned, *, restored: bool = False) -> None:
        """A bulk delete (``restored``: its undo) told as SQL summed it
        (:class:`~desktop832.store.purchase_queries.Binned`), without its purchases."""
        for (year, _policy, _today), running in self._tallies.items():
            groups = binned.groups_by_year.get(year)
            if not groups:
                continue
            if restored:
                running.add_summed(groups, binned.unpaid)
            else:
                running.subtract(groups, (p.id for p in binned.unpaid))  # only these can be overdue
        for year in binned.groups_by_year:
            self._gaps.pop(year, None)

    def tally(self, year: int, policy: Policy | None, today: dt.date | None = None) -> Tally:
        """The year's tally as of ``today`` (the workspace's by default), summed by SQL (a big log
        is never loaded as objects) the first time and kept up to date by :meth:`purchases_written`
        after. Without a policy everything counts, with no limits."""
        from ..store import purchase_queries

        today = today or self.today
        key = (year, policy.id if policy is not None else None, today)
        running = self._tallies.get(key)
        if running is None:
            running = self._tallies[key] = purchase_queries.running_tally(self.store, year, policy, today)
        return running.tally()

    def findings(self, profile: UnitProfile, plan: AnnualPlan, policy: Policy | None = None) -> list[Finding]:
        """The rules' findings; for a year without a policy of its own, the one error saying so."""
        if policy is None:
            selection = self.selection(profile, plan)
            if selection.policy is None:
                return rules.no_policy_findings(selection, profile)
            policy = selection.policy
        tally = self.tally(plan.year, policy)
        return (rules.evaluate(profile, plan, tally, policy, self.today) + self.filing_findings(profile, plan, tally)
                + self.evidence_findings(profile, plan))

    def evidence_findings(self, profile: UnitProfile, plan: AnnualPlan) -> list[Finding]:
        """What is missing from the year's proof (hints): completed orders without evidence, a sent
        no-canteen letter without its stamped scan."""
        from .attachments import evidence_findings

        return evidence_findings(self, profile, plan)

    def filing_findings(self, profile: UnitProfile, plan: AnnualPlan, tally: Tally | None) -> list[Finding]:
        """The filing record's word: the last filing no longer matches the data (a hint)."""
        from .filings import stale

        found = stale(self, profile, plan, tally)
        return [found] if found else []
