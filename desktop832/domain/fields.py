"""The field catalogue: every field of the unit's records, with its label, kind, length and need.

One entry per field, keyed ``"profile.name"``, ``"plan.reserve_amount"``, ``"purchase.amount"``.
Everything that names, bounds or parses a field reads it from here: the forms (their Designer
``maxLength``, held to this by ``tests/test_fields.py``), the JSON format, the data file's column
widths, the purchase log's parsers, the undo text, the export's labels and the order importer.
Adding a field to a record means adding its entry here (a test fails until every record field
has one).
"""

from __future__ import annotations

import dataclasses
import enum

from .model import CanteenMode, Channel, FeeSource, FilingStatus, Level, OrderState, Purpose, ReserveBasis

NAME_LENGTH = 200  # names of units and companies: the longest official unit names are far shorter
PERSON_LENGTH = 100
CODE_LENGTH = 40  # an 18-character code with the spaces or dashes a pasted one may carry
REGION_LENGTH = 40
LONG_TEXT_LENGTH = 2000
COUNT_LENGTH = 9  # digits and separators of a count up to 10 000 000 (the count parser's limit)


class Kind(enum.StrEnum):
    TEXT = "text"
    MONEY = "money"  # Decimal yuan
    RATIO = "ratio"  # Decimal percent points
    DATE = "date"
    COUNT = "count"  # a whole number of people, or none
    CHOICE = "choice"  # one value of ``Field.choices``
    FLAG = "flag"  # yes or no
    YEAR = "year"


@dataclasses.dataclass(frozen=True, slots=True)
class Field:
    key: str  # "<record>.<attribute>"
    label: str  # what the clerk reads: form messages, undo text, the export, the order importer
    kind: Kind
    max_length: int | None = None  # characters typed or stored (text, and counts as typed)
    required: bool = False  # the record cannot exist without it
    choices: type[enum.Enum] | None = None

    @property
    def record(self) -> str:
        return self.key.partition(".")[0]

    @property
    def name(self) -> str:
        return self.key.partition(".")[2]


def _text(key: str, label: str, max_length: int, required: bool = False) -> Field:
    return Field(key, label, Kind.TEXT, max_length, required)


def _choice(key: str, label: str, choices: type[enum.Enum]) -> Field:
    return Field(key, label, Kind.CHOICE, choices=choices)


def _count(key: str, label: str) -> Field:
    return Field(key, label, Kind.COUNT, COUNT_LENGTH)


_ALL = (
    # --- the unit -------------------------------------------------------------------------
    _text("profile.name", "单位全称", NAME_LENGTH),
    _text("profile.credit_code", "统一社会信用代码", CODE_LENGTH),
    _choice("profile.level", "单位级次", Level),
    Field("profile.directly_affiliated", "直属单位", Kind.FLAG),
    _text("profile.province", "所在省份", REGION_LENGTH),
    _text("profile.city", "所在城市", REGION_LENGTH),
    _text("profile.county", "所在区县", REGION_LENGTH),
    _text("profile.supervising_department", "主管预算单位", NAME_LENGTH),
    _text("profile.contact_name", "经办人", PERSON_LENGTH),
    _text("profile.phone", "联系电话", CODE_LENGTH),
    _choice("profile.canteen_mode", "食堂情况", CanteenMode),
    _text("profile.contractor_name", "食堂承包方", NAME_LENGTH),
    Field("profile.contract_states_policy", "外包合同已约定政策要求", Kind.FLAG),
    _text("profile.executing_purchaser", "采购执行主体", NAME_LENGTH),
    Field("profile.purchaser_account_open", "采购执行主体已开通交易账号", Kind.FLAG),
    _text("profile.representative_name", "代表填报单位", NAME_LENGTH),
    _text("profile.representative_code", "代表单位统一社会信用代码", CODE_LENGTH),
    Field("profile.is_representative", "本单位为代表填报单位", Kind.FLAG),
    _text("profile.meal_arrangement", "职工就餐方式", LONG_TEXT_LENGTH),
    Field("profile.has_union_funds", "有独立工会经费", Kind.FLAG),
    _count("profile.union_members", "工会会员人数"),
    _count("profile.employees", "职工人数"),
    _text("profile.person_in_charge", "单位负责人", PERSON_LENGTH),
    # --- the year's plan ------------------------------------------------------------------
    Field("plan.year", "年度", Kind.YEAR, required=True),
    _text("plan.policy_id", "选定的政策", 100),
    Field("plan.canteen_total", "年度食堂食材采购总额", Kind.MONEY),
    Field("plan.reserve_ratio", "预留比例", Kind.RATIO),
    Field("plan.reserve_amount", "食堂食材预留金额", Kind.MONEY),
    _choice("plan.reserve_basis", "填报依据（ratio 按比例，amount 按金额）", ReserveBasis),
    Field("plan.last_year_amount", "上年度预留金额", Kind.MONEY),
    Field("plan.last_year_ratio", "上年度预留比例", Kind.RATIO),
    _text("plan.drop_explanation", "下降说明", LONG_TEXT_LENGTH),
    Field("plan.welfare_total", "工会年度福利总额", Kind.MONEY),
    Field("plan.union_farm_total", "工会年度采购农副产品总额", Kind.MONEY),
    Field("plan.union_reserve", "工会预留金额", Kind.MONEY),
    Field("plan.union_funds_total", "工会年度经费总额", Kind.MONEY),
    Field("plan.last_year_union_reserve", "上年度工会预留金额", Kind.MONEY),
    _choice("plan.filing_status", "填报状态", FilingStatus),
    Field("plan.filed_on", "填报日期", Kind.DATE),
    Field("plan.supervisor_confirmed_on", "主管部门确认日期", Kind.DATE),
    Field("plan.finance_confirmed_on", "财政部门确认日期", Kind.DATE),
    Field("plan.letter_sent", "无食堂承诺函已报送", Kind.FLAG),
    _text("plan.note", "备注", LONG_TEXT_LENGTH),
    # --- one purchase ---------------------------------------------------------------------
    Field("purchase.date", "日期", Kind.DATE, required=True),
    Field("purchase.amount", "金额", Kind.MONEY, required=True),
    _text("purchase.order_no", "订单号", 100),
    _text("purchase.supplier", "供应商", NAME_LENGTH),
    _text("purchase.description", "商品", 500),
    _choice("purchase.purpose", "用途", Purpose),
    _choice("purchase.channel", "渠道", Channel),
    _choice("purchase.state", "订单状态", OrderState),
    Field("purchase.paid_on", "付款日期", Kind.DATE),
    Field("purchase.evaluated", "履约评价", Kind.FLAG),
    _text("purchase.note", "备注", LONG_TEXT_LENGTH),
    Field("purchase.delivered_on", "收货日期", Kind.DATE),
    Field("purchase.refunded", "退款金额", Kind.MONEY),
    # which reconciled fields the clerk changed by hand: field names, stored comma-separated
    _text("purchase.hand_edited", "手工改过的字段", 200),
    _text("purchase.invoice_no", "发票号", 100),  # several numbers of one order fit, separated by commas
    _choice("purchase.fee_source", "费用来源", FeeSource),
)

FIELDS: dict[str, Field] = {f.key: f for f in _ALL}


def field(key: str) -> Field:
    return FIELDS[key]


def label(key: str) -> str:
    return FIELDS[key].label


def max_length(key: str) -> int:
    length = FIELDS[key].max_length
    if length is None:  # pragma: no cover - a programming error, caught by the tests
        raise KeyError(f"{key} has no length")
    return length


def of_record(record: str) -> tuple[Field, ...]:
    """The record's fields in catalogue order (``"profile"``, ``"plan"`` or ``"purchase"``)."""
    return tuple(f for f in _ALL if f.record == record)
