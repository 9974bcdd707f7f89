"""What an export contains: gathered from a data file (:mod:`desktop832.app.exporting`), or rebuilt
from a file by verification.

No spreadsheet code here: :mod:`.export_layout` turns this into sheets, :mod:`.export_xlsx`
writes them and :mod:`.verify` reads them back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from ..domain import fields as catalogue
from ..domain import jsonformat, rules
from ..domain.errors import EXIT_FAILED, ClerkError
from ..domain.fields import Kind
from ..domain.counting import Counting, Tally, tally, why_not_counted
from ..domain.findings import Finding, Severity
from ..domain.model import AnnualPlan, CanteenMode, FilingStatus, Level, Purchase, Purpose, UnitProfile
from ..domain.money import ZERO
from ..domain.policy import Policy
from ..domain.requirements import canteen_reserve_applies, reserve_target
from . import fingerprint as fp

@dataclasses.dataclass(frozen=True)
class DataField:
    key: str  # "profile.name", "plan.reserve_amount", "export.exported_on", ...
    label: str
    kind: str  # text, enum, money, percent, date, bool, int


HEAD_FIELDS = (
    DataField("export.format", "文件格式", "text"),
    DataField("export.version", "格式版本", "int"),
    DataField("export.exported_on", "导出日期", "date"),
    DataField("export.purchase_count", "采购明细笔数", "int"),
    DataField("policy.id", "政策编号", "text"),
    DataField("policy.name", "适用政策", "text"),
    DataField("policy.year", "政策年度", "int"),
    DataField("policy.notices", "文件依据", "text"),
    DataField("policy.filing_deadline", "填报截止日期", "date"),
    DataField("policy.confirmation_deadline", "确认汇总截止日期", "date"),
    DataField("policy.sha256", "政策文件校验值", "text"),
    DataField("policy.counted_purposes", "计入的采购用途", "text"),
    DataField("policy.excluded_purposes", "文件明确不计入的采购用途", "text"),
    DataField("policy.count_when", "订单何时计入", "text"),
    DataField("export.finding_count", "检查结果条数", "int"),
)

# The unit's and the plan's fields each export format version holds, in the order its 校验数据
# sheet lists them: the fingerprint covers exactly these, and verification reads a file by the
# list of the version the file states. A published list never changes: a new field of the
# profile or plan is a new version (a new entry here and ``fingerprint.VERSION``), so files
# exported before it still verify by their own list.
RECORD_FIELDS: dict[int, tuple[str, ...]] = {
    2: (
        "profile.name", "profile.credit_code", "profile.level", "profile.directly_affiliated", "profile.province",
        "profile.city", "profile.supervising_department", "profile.contact_name", "profile.phone",
        "profile.canteen_mode", "profile.contractor_name", "profile.contract_states_policy",
        "profile.executing_purchaser", "profile.purchaser_account_open", "profile.representative_name",
        "profile.representative_code", "profile.is_representative", "profile.meal_arrangement",
        "profile.has_union_funds", "profile.union_members", "profile.employees", "profile.person_in_charge",
        "plan.year", "plan.policy_id", "plan.canteen_total", "plan.reserve_ratio", "plan.reserve_amount",
        "plan.reserve_basis", "plan.last_year_amount", "plan.last_year_ratio", "plan.drop_explanation",
        "plan.welfare_total", "plan.union_farm_total", "plan.union_reserve", "plan.filing_status", "plan.filed_on",
        "plan.supervisor_confirmed_on", "plan.finance_confirmed_on", "plan.letter_sent", "plan.note",
    ),
}
# 3: the unit's county, the union's annual funds and last year's union reserve
RECORD_FIELDS[3] = RECORD_FIELDS[2] + ("profile.county", "plan.union_funds_total", "plan.last_year_union_reserve")
# 4: the same unit and plan fields; each purchase's invoice number and fee source join 采购明细
RECORD_FIELDS[4] = RECORD_FIELDS[3]
# how each kind of catalogue field is written to and read from a cell
_CELL_KINDS = {
    Kind.TEXT: "text", Kind.CHOICE: "enum", Kind.MONEY: "money", Kind.RATIO: "percent", Kind.DATE: "date",
    Kind.FLAG: "bool", Kind.COUNT: "int", Kind.YEAR: "int",
}


def data_fields(version: int = fp.VERSION) -> tuple[DataField, ...]:
    """Every row of the 校验数据 sheet of ``version`` (``KeyError`` for a version never made)."""
    records = tuple(
        DataField(key, catalogue.label(key), _CELL_KINDS[catalogue.field(key).kind]) for key in RECORD_FIELDS[version]
    )
    return HEAD_FIELDS + records


def record_names(version: int, record: str) -> tuple[str, ...]:
    """The names of ``record``'s ("profile", "plan") fields the export of ``version`` holds."""
    return tuple(key.partition(".")[2] for key in RECORD_FIELDS[version] if key.startswith(record + "."))

FINGERPRINT_KEY = "fingerprint"
FINDING_KEY = "findings.{}"  # one row per finding in 校验数据, numbered from 1
NOTICE_SEPARATOR = "、"


@dataclasses.dataclass(frozen=True)
class PolicyInfo:
    """The policy as the file names it (the verifier may not have the same file)."""

    id: str
    name: str
    year: int
    notices: tuple[str, ...]
    filing_deadline: dt.date | None
    confirmation_deadline: dt.date | None
    sha256: str
    counting: Counting = Counting(frozenset(Purpose), frozenset())  # which purchases count toward the reserve

    @classmethod
    def of(cls, policy: Policy, level: Level) -> PolicyInfo:
        """The deadlines are those for units of ``level`` (a notice may set them per level)."""
        filing = policy.deadline("filing-deadline", level)
        confirmation = policy.deadline("confirmation-deadline", level)
        return cls(
            policy.id, policy.name, policy.year, tuple(n.number for n in policy.notices),
            filing.date if filing else None, confirmation.date if confirmation else None, policy_file_digest(policy),
            Counting.of(policy),
        )


def policy_file_digest(policy: Policy) -> str:
    """SHA-256 of the policy file's bytes, so a verifier can tell its copy differs ('' if unknown)."""
    try:
        return hashlib.sha256(Path(policy.source).read_bytes()).hexdigest() if policy.source else ""
    except OSError:
        return ""


# --- the purchase summary ------------------------------------------------------------------------


@dataclasses.dataclass
class Sums:
    counted: Decimal = ZERO
    not_counted: Decimal = ZERO
    count: int = 0

    @property
    def total(self) -> Decimal:
        return self.counted + self.not_counted


@dataclasses.dataclass
class PurchaseSummary:
    by_purpose: dict[Purpose, Sums]
    by_month: dict[int, Sums]
    by_reason: dict[str, Sums]
    total: Sums


class _Summing:
    """Adds purchases (one at a time or summed alike) into a :class:`PurchaseSummary`."""

    def __init__(self) -> None:
        self.by_purpose = {p: Sums() for p in Purpose}
        self.by_month = {m: Sums() for m in range(1, 13)}
        self.by_reason: dict[str, Sums] = defaultdict(Sums)
        self.total = Sums()

    def add(self, purpose: Purpose, month: int, count: int, amount: Decimal, reason: str | None) -> None:
        for sums in (self.by_purpose[purpose], self.by_month[month], self.total):
            sums.count += count
            if reason is None:
                sums.counted += amount
            else:
                sums.not_counted += amount
        if reason is not None:
            self.by_reason[reason].not_counted += amount
            self.by_reason[reason].count += count

    def summary(self) -> PurchaseSummary:
        return PurchaseSummary(self.by_purpose, self.by_month, dict(sorted(self.by_reason.items())), self.total)


def summarise(purchases: list[Purchase], counting: Counting, year: int) -> PurchaseSummary:
    """Counted and not counted, by purpose and by month, decided by the policy's counting rule
    (as the export records it, so verification decides the same without the policy file)."""
    summing = _Summing()
    for p in purchases:
        if p.date.year == year:
            summing.add(p.purpose, p.date.month, 1, p.amount, counting.reason(p))
    return summing.summary()


def summarise_tally(year_tally: Tally, counting: Counting) -> PurchaseSummary:
    """:func:`summarise` of the purchases a tally was summed from, read from its groups: what
    decides counting is alike within a group, so the purchases are not summed a second time."""
    summing = _Summing()
    for g in year_tally.groups:
        reason = why_not_counted(g.channel, g.state, g.purpose, counting.purposes, counting.excluded, g.paid,
                                 g.accepted, counting.when)
        summing.add(g.purpose, g.month, g.count, g.amount, reason)
    return summing.summary()


# --- the whole export ---------------------------------------------------------------------------


@dataclasses.dataclass
class ExportData:
    profile: UnitProfile
    plan: AnnualPlan
    policy: PolicyInfo
    purchases: list[Purchase]
    exported_on: dt.date
    findings: list[Finding]  # as the rules found them on export day: part of what was filed
    summary: PurchaseSummary
    fingerprint: str = ""
    version: int = fp.VERSION  # the export format version, which decides its field list

    @property
    def year(self) -> int:
        return self.plan.year

    def head(self) -> dict:
        """The first line of the canonical text (see :mod:`.fingerprint`)."""
        doc = jsonformat.dump(self.profile, [self.plan], [])
        profile, plan = doc["profile"], doc["plans"][0]
        return {
            "format": fp.FORMAT,
            "version": self.version,
            "exported_on": self.exported_on.isoformat(),
            "purchase_count": len(self.purchases),
            "policy": {
                "id": self.policy.id, "name": self.policy.name, "year": self.policy.year,
                "notices": list(self.policy.notices),
                "filing_deadline": _iso(self.policy.filing_deadline),
                "confirmation_deadline": _iso(self.policy.confirmation_deadline),
                "sha256": self.policy.sha256,
                "counted_purposes": [p.value for p in Purpose if p in self.policy.counting.purposes],
                "excluded_purposes": [p.value for p in Purpose if p in self.policy.counting.excluded],
                "count_when": self.policy.counting.when,
            },
            "profile": {name: profile[name] for name in record_names(self.version, "profile")},
            "plan": {name: plan[name] for name in record_names(self.version, "plan")},
            "findings": [finding_record(f) for f in self.findings],
        }

    def field_values(self) -> dict[str, object]:
        """Each data field's value in its canonical (JSON) form, by key."""
        head = self.head()
        values: dict[str, object] = {
            "export.format": head["format"], "export.version": head["version"],
            "export.exported_on": head["exported_on"], "export.purchase_count": head["purchase_count"],
            "export.finding_count": len(head["findings"]),
        }
        for name, value in head["policy"].items():
            values[f"policy.{name}"] = NOTICE_SEPARATOR.join(value) if isinstance(value, list) else value
        for scope in ("profile", "plan"):
            for name, value in head[scope].items():
                values[f"{scope}.{name}"] = value
        return values

    def compute_fingerprint(self) -> str:
        return fp.fingerprint(self.head(), (fp.purchase_line(p, self.version) for p in self.purchases))


def finding_record(f: Finding) -> list:
    """A finding as the export keeps it: ``[severity, message, citation]`` (see docs/export-format.md)."""
    return [f.severity.key, f.message, f.citation]


def finding_from_record(record) -> Finding:
    """The inverse of :func:`finding_record`; raises ``ValueError`` on anything else."""
    if not (isinstance(record, list) and len(record) == 3 and all(isinstance(x, str) for x in record)):
        raise ValueError("检查结果应为 [严重程度, 内容, 依据]")
    by_key = {s.key: s for s in Severity}
    if record[0] not in by_key:
        raise ValueError(f"未知的严重程度：{record[0]}")
    return Finding("", by_key[record[0]], record[1], record[2])


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


class ExportError(ClerkError):
    """Nothing to export yet (no plan, no policy); ``message`` is for the clerk."""

    exit_code = EXIT_FAILED


def exported_plan(plan: AnnualPlan, today: dt.date, first_filed_on: dt.date | None = None) -> AnnualPlan:
    """The plan as it stands once exported: awaiting confirmation from today on.

    The first export is the filing, dated today. A later one is a re-filing: ``first_filed_on``
    (the first filing's date) stays 填报日期, and the form prints today's date beside it. A new
    file needs new confirmations, so the current confirmation dates are cleared (the filing
    record keeps the earlier ones).
    """
    return dataclasses.replace(
        plan, filing_status=FilingStatus.EXPORTED, filed_on=first_filed_on or today, supervisor_confirmed_on=None,
        finance_confirmed_on=None,
    )


def evaluate(
    profile: UnitProfile, plan: AnnualPlan, policy: Policy, purchases: list[Purchase], today: dt.date,
    info: PolicyInfo | None = None,
) -> ExportData:
    """Findings and the purchase summary for these records, as of ``today``."""
    year_tally = tally(purchases, policy, plan.year, today)
    findings = rules.evaluate(profile, plan, year_tally, policy, today)
    info = info or PolicyInfo.of(policy, profile.level)
    summary = summarise(purchases, info.counting, plan.year)
    return ExportData(profile, plan, info, purchases, today, findings, summary)


def canteen_situation(profile: UnitProfile) -> str:
    """The canteen column a finance department reads: the mode and what it implies."""
    mode = profile.canteen_mode
    if mode is CanteenMode.SHARED:
        if profile.is_representative:
            return "共用食堂（本单位代表填报）"
        return f"共用食堂（由{profile.representative_name or '其他单位'}代表填报）"
    if mode is CanteenMode.OUTSOURCED and profile.contractor_name:
        return f"食堂外包（承包方：{profile.contractor_name}）"
    return mode.value


def total_reserve(profile: UnitProfile, plan: AnnualPlan) -> Decimal | None:
    """The domain's reserve target (:func:`~desktop832.domain.requirements.reserve_target`), or
    ``None`` when no part of it is filled in yet: a blank on the form, not a 0.00 nobody typed."""
    canteen = plan.reserve_amount if canteen_reserve_applies(profile) else None
    if canteen is None and plan.union_reserve is None:
        return None
    return reserve_target(profile, plan)


def summary_note(profile: UnitProfile, plan: AnnualPlan) -> str:
    note = plan.note.strip().rstrip("。；;，,")
    notes = [note] if note else []
    if not profile.has_union_funds:
        notes.append("无独立工会经费")
    return "；".join(notes)
