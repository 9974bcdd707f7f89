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

    @property
    def label(self) -> str:
        return self.value


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
}

_UNIT = re.compile(r"[(（\[【](?:元|人民币|rmb|¥|￥)[)）\]】]$")


def header_key(text: str) -> str:
    """The comparable form of a header: ``" 实付金额（元）* "`` → ``"实付金额"``."""
    s = normalise(text or "").lower()
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
# being kept is 已退款. A state text not listed here is an error for that row, never a guess.

STATE_TEXTS: dict[OrderState, tuple[str, ...]] = {
    OrderState.DONE: (
        "已完成", "交易成功", "已收货", "已完结", "交易完成", "已签收", "确认收货", "已确认收货", "待评价",
        "已评价", "已结算", "完成",
    ),
    OrderState.OPEN: (
        "待付款", "待支付", "未付款", "已付款", "待发货", "待收货", "已发货", "部分发货", "配送中", "运输中",
        "进行中", "待确认", "待审核", "审核中", "待结算", "售后中", "退款中", "退货中", "未完结",
    ),
    OrderState.REFUNDED: (
        "已退款", "退款成功", "已取消", "取消", "交易关闭", "已关闭", "关闭", "全额退款", "已退货", "退货成功",
        "订单取消", "已撤销",
    ),
}
_STATE_BY_TEXT = {header_key(text): state for state, texts in STATE_TEXTS.items() for text in texts}


def order_state(text: str) -> OrderState | None:
    """The :class:`OrderState` a platform state text means, or ``None`` when it is not known."""
    return _STATE_BY_TEXT.get(header_key(text))


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
