"""What the platform's order lists call things: column names and order states.

Column headers are matched after folding full-width forms, spaces, a trailing unit such as
``（元）`` and marks such as ``*``. When a list has two columns for the same field (实付金额 and
订单金额), the synonym listed first wins: the amount actually paid is what the unit spent.
"""

from __future__ import annotations

import enum
import re

from ..domain.model import OrderState, Purpose
from ..domain.text import normalise


class Field(enum.Enum):
    """A purchase field an order list column can feed; the value is the clerk-facing name."""

    ORDER_NO = "订单编号"
    DATE = "下单时间"
    SUPPLIER = "店铺名称"
    DESCRIPTION = "商品名称"
    AMOUNT = "实付金额"
    STATE = "订单状态"
    PAID_ON = "支付时间"
    PURPOSE = "用途"
    NOTE = "备注"
    DELIVERED_ON = "收货时间"
    REFUND = "退款金额"
    UNIT = "所属预算单位"
    UNIT_CODE = "单位信用代码"

    @property
    def label(self) -> str:
        """The platform's name for the column: what the mapping page offers, and how a remembered
        mapping is stored in the data file (so it never changes with the catalogue's labels)."""
        return self.value

    @property
    def key(self) -> str | None:
        """The catalogue field (:mod:`desktop832.domain.fields`) the column feeds, if it feeds one."""
        return _CATALOGUE_KEYS.get(self)


_CATALOGUE_KEYS = {
    Field.ORDER_NO: "purchase.order_no", Field.DATE: "purchase.date", Field.SUPPLIER: "purchase.supplier",
    Field.DESCRIPTION: "purchase.description", Field.AMOUNT: "purchase.amount", Field.STATE: "purchase.state",
    Field.PAID_ON: "purchase.paid_on", Field.PURPOSE: "purchase.purpose", Field.NOTE: "purchase.note",
    Field.DELIVERED_ON: "purchase.delivered_on", Field.REFUND: "purchase.refunded",
    # the unit columns check the list belongs to this unit: they feed no purchase field
    Field.UNIT: "profile.name", Field.UNIT_CODE: "profile.credit_code",
}


REQUIRED = (Field.ORDER_NO, Field.DATE, Field.AMOUNT, Field.STATE)

SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.ORDER_NO: ("订单编号", "订单号", "订单号码", "订单编码", "主订单号", "订单id"),
    Field.DATE: ("下单时间", "创建时间", "下单日期", "订单时间", "订单创建时间", "创建日期", "订单日期"),
    Field.SUPPLIER: ("店铺名称", "供应商", "商家", "供应商名称", "商家名称", "店铺", "卖家"),
    Field.DESCRIPTION: ("商品名称", "商品", "商品信息", "品名", "商品标题"),
    Field.AMOUNT: ("实付金额", "订单金额", "金额", "实付款", "支付金额", "实收金额", "订单总额", "订单总金额"),
    Field.STATE: ("订单状态", "状态", "交易状态"),
    Field.PAID_ON: ("支付时间", "付款时间", "支付日期", "付款日期"),
    Field.PURPOSE: ("用途", "采购用途"),
    Field.NOTE: ("备注", "订单备注", "买家备注"),
    # received, inspected or invoice-accepted: the first the list has is when delivery ended
    Field.DELIVERED_ON: ("收货时间", "确认收货时间", "验货时间", "验收时间", "验票时间", "签收时间", "收货日期",
                         "验收日期", "到货时间", "完成时间"),
    Field.REFUND: ("退款金额", "已退款金额", "退款总额", "售后退款金额", "退货金额"),
    Field.UNIT: ("所属预算单位", "预算单位", "预算单位名称", "采购单位", "采购单位名称", "买家单位", "单位名称"),
    Field.UNIT_CODE: ("统一社会信用代码", "单位信用代码", "预算单位统一社会信用代码", "信用代码", "采购单位信用代码"),
}

# Traditional forms of the characters in field names and state texts, so a Big5 list from a
# traditional-Chinese system maps like any other (訂單編號 is 订单编号).
_TRADITIONAL = str.maketrans(
    "訂單編號時間實額狀態鋪稱貨碼創廠應賣總計驗簽買註備預屬統會採購結評價發關閉銷運輸審確認後條帳戶內電話網頁標題",
    "订单编号时间实额状态铺称货码创厂应卖总计验签买注备预属统会采购结评价发关闭销运输审确认后条账户内电话网页标题",
)
_UNIT = re.compile(r"[(（\[【](?:元|人民币|rmb|¥|￥)[)）\]】]$")


def header_key(text: str) -> str:
    """The comparable form of a header: ``" 实付金额（元）* "`` → ``"实付金额"``."""
    s = normalise(text or "").lower().translate(_TRADITIONAL)
    s = re.sub(r"[\s*:：]", "", s)
    s = _UNIT.sub("", normalise(s))
    return s


_BY_KEY: dict[str, tuple[Field, int]] = {
    header_key(name): (field, rank) for field, names in SYNONYMS.items() for rank, name in enumerate(names)
}


def known_field(header: str) -> tuple[Field, int] | None:
    """The field a header names and how preferred that name is (0 best), or ``None``."""
    return _BY_KEY.get(header_key(header))


# --- order states ---------------------------------------------------------------------------------
# The platform's wording varies between its list views and years. Only a finished order counts
# (财办库〔2023〕252号 二（三）: 未完结交易…不计入), so anything still under way, including an
# after-sales case or a refund being processed, is 未完结; an order that ended without the goods
# being kept is 已退款; a 部分退款 order is finished and counts with the refunded part taken off.
# A state text not listed here is shown to the clerk to map, never guessed.


class StateMeaning(enum.Enum):
    """What a platform state text means for the log: the four answers the clerk can map to."""

    DONE = "已完结"
    OPEN = "未完结"
    REFUNDED = "已退款"
    PARTIAL = "部分退款"

    @property
    def order_state(self) -> OrderState:
        return {StateMeaning.DONE: OrderState.DONE, StateMeaning.OPEN: OrderState.OPEN,
                StateMeaning.REFUNDED: OrderState.REFUNDED, StateMeaning.PARTIAL: OrderState.DONE}[self]


SHIPPED_STATES: dict[StateMeaning, tuple[str, ...]] = {
    StateMeaning.DONE: (
        # 待评价 comes after 验货、验票 on the platform: the order is complete, only the review is left
        "已完结", "已完成", "交易成功", "已收货", "交易完成", "已签收", "确认收货", "已确认收货", "待评价",
        "已评价", "已结算", "完成", "售后完成", "售后已完成", "已验收",
    ),
    StateMeaning.OPEN: (
        "待付款", "待支付", "未付款", "已付款", "待发货", "待收货", "已发货", "部分发货", "配送中", "运输中",
        "待验货", "待验票", "待验收", "验货中", "待开票", "进行中", "待确认", "待审核", "审核中", "待结算",
        "售后中", "退款中", "退货中", "未完结", "待付尾款",
    ),
    StateMeaning.REFUNDED: (
        "已退款", "退款", "退款成功", "已取消", "取消", "交易关闭", "已关闭", "关闭", "全额退款", "已退货",
        "退货成功", "订单取消", "已撤销",
    ),
    StateMeaning.PARTIAL: ("部分退款", "部分退款成功", "部分退货", "已部分退款"),
}
# the three stored states, for callers that only need those (the log's own state texts)
STATE_TEXTS: dict[OrderState, tuple[str, ...]] = {
    OrderState.DONE: SHIPPED_STATES[StateMeaning.DONE] + SHIPPED_STATES[StateMeaning.PARTIAL],
    OrderState.OPEN: SHIPPED_STATES[StateMeaning.OPEN],
    OrderState.REFUNDED: SHIPPED_STATES[StateMeaning.REFUNDED],
}
_MEANING_BY_TEXT = {header_key(text): m for m, texts in SHIPPED_STATES.items() for text in texts}


def state_key(text: str) -> str:
    """The comparable form of a state text (full-width folded, spaces and marks dropped)."""
    return header_key(text)


def state_meaning(text: str, mapped: dict[str, StateMeaning] | None = None) -> StateMeaning | None:
    """What a state text means: the clerk's mapping first, then the shipped one; ``None`` if unknown."""
    key = state_key(text)
    if mapped and key in mapped:
        return mapped[key]
    return _MEANING_BY_TEXT.get(key)


def order_state(text: str) -> OrderState | None:
    """The :class:`OrderState` a platform state text means, or ``None`` when it is not known."""
    meaning = state_meaning(text)
    return None if meaning is None else meaning.order_state


# --- lines that are not orders ---------------------------------------------------------------------
# Words that start a totals or signature line under (or beside) an export's data.
FOOTER_WORDS = (
    "合计", "总计", "小计", "共计", "汇总", "制表人", "制表：", "审核人", "审核：", "复核人", "经办人",
    "负责人", "财务负责人", "打印时间", "打印日期", "打印人", "制表时间", "制表日期", "导出时间", "导出人",
    "填报人", "单位负责人", "注：", "注:", "说明：", "说明:", "备注：", "备注:",
)


def footer_word(text: str) -> str | None:
    """The totals or signature word ``text`` starts with, or ``None``."""
    s = normalise(text).strip().replace(" ", "").replace("\u3000", "")
    for word in FOOTER_WORDS:
        if s.startswith(word):
            return word.rstrip("：:")
    return None


_PURPOSE_WORDS = {
    "食堂": Purpose.CANTEEN, "食材": Purpose.CANTEEN, "工会": Purpose.UNION, "福利": Purpose.UNION,
    "慰问": Purpose.UNION, "职工": Purpose.EMPLOYEE, "个人": Purpose.EMPLOYEE, "国有企业": Purpose.STATE_ENTERPRISE,
    "国企": Purpose.STATE_ENTERPRISE, "其他": Purpose.OTHER,
}


def purpose_of(text: str) -> Purpose | None:
    """A purpose from a clerk's own column: the exact name (食堂食材) or a clear short form (工会)."""
    s = header_key(text)
    for purpose in Purpose:
        if s == purpose.value:
            return purpose
    return _PURPOSE_WORDS.get(s)
