"""The no-canteen commitment letter (附件1 关于xx（单位全称）无食堂的承诺) as an editable draft.

:func:`build_draft` fills a :class:`LetterDraft` from the unit's profile, the year's plan and the
policy; the clerk may change any part of it before printing; :mod:`.letter_pdf` lays it out.
Everything here is plain data: no Qt, no reportlab.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from ..domain.model import AnnualPlan, CanteenMode, Level, UnitProfile
from ..domain.policy import Policy

UNIT_PLACEHOLDER = "（单位全称）"
MEAL_PLACEHOLDER = "（请填写职工用餐安排）"


class DateStyle(enum.Enum):
    ARABIC = "2024年2月19日"  # what GB/T 9704-2012 prescribes for 成文日期
    CHINESE = "二〇二四年二月十九日"
    BLANK = "留空手写"


@dataclasses.dataclass(frozen=True, slots=True)
class LetterDraft:
    year: int
    title: str  # a line break in it is kept as the title's break
    addressee: str
    body: tuple[str, ...]  # paragraphs, each set with a two-character indent
    unit_name: str  # 署名 under the unit's seal
    contact_name: str = ""
    phone: str = ""
    date: dt.date | None = None
    date_style: DateStyle = DateStyle.ARABIC
    supervisor_name: str = ""  # 主管部门 under its seal
    supervisor_opinion: str = "经审核，情况属实。"
    credit_code: str = ""  # kept for the file name and metadata; the body quotes it

    def with_(self, **changes) -> LetterDraft:
        return dataclasses.replace(self, **changes)

    @property
    def date_text(self) -> str:
        return format_date(self.date, self.date_style)

    @property
    def file_name(self) -> str:
        name = self.unit_name.strip() or "本单位"
        return _safe_file_name(f"{self.year}年无食堂承诺函-{name}") + ".pdf"


def build_draft(profile: UnitProfile, plan: AnnualPlan, policy: Policy | None, today: dt.date) -> LetterDraft:
    """The letter as the data file says it, in the wording of the notice's attachment 1."""
    name = profile.name.strip() or UNIT_PLACEHOLDER
    year = plan.year
    code = profile.credit_code.strip()
    meal = profile.meal_arrangement.strip().rstrip("。；;，,.") or MEAL_PLACEHOLDER
    basis = _notice_number(policy)
    identity = f"{name}（统一社会信用代码：{code}）" if code else name
    belongs = f"，系{profile.supervising_department.strip()}所属预算单位" if profile.supervising_department.strip() else ""
    body = (
        f"{identity}{belongs}。{year}年度，我单位无自有食堂，未采取食堂外包方式，也未与其他单位共用食堂，{meal}。",
        f"按照{basis}关于政府采购脱贫地区农副产品预留份额填报的要求，我单位{year}年度食堂部分预留份额按"
        "“无食堂”填报。现郑重承诺如下：",
        "一、以上所报情况真实、准确，不存在隐瞒、虚报情形。",
        "二、我单位已在“832平台”采购人管理系统中如实注明“无食堂”。",
        "三、我单位工会及职工将继续通过“832平台”采购脱贫地区农副产品，工会部分预留份额按规定填报和执行。",
        "四、如今后设立食堂（含自办、外包或与其他单位共用），我单位将立即向主管部门和财政部门报告，"
        "并及时填报食堂部分预留份额。",
        "五、我单位自觉接受财政部门和主管部门的监督检查；如有虚假承诺，愿承担相应责任。",
        "特此承诺。",
    )
    return LetterDraft(
        year=year,
        title=f"关于{name}无食堂的承诺",
        addressee=default_addressee(profile, policy),
        body=body,
        unit_name=name,
        contact_name=profile.contact_name.strip(),
        phone=profile.phone.strip(),
        date=today,
        supervisor_name=profile.supervising_department.strip(),
        credit_code=code,
    )


def default_addressee(profile: UnitProfile, policy: Policy | None) -> str:
    """The office the policy names for the levels it asks the letter of; otherwise the finance
    department of the unit's own level (a municipal unit does not write to the province)."""
    rule = policy.rule("canteen-none") if policy else None
    if rule and rule["letter_addressee"]:
        levels = rule["commitment_letter_levels"]
        if not levels or profile.level in levels:
            return rule["letter_addressee"]
    if profile.level is Level.PROVINCIAL:
        return f"{profile.province.strip() or '省'}财政厅"
    if profile.level is Level.MUNICIPAL:
        return f"{profile.city.strip() or '市'}财政局"
    return "县（区）财政局"


def letter_warnings(profile: UnitProfile, plan: AnnualPlan, policy: Policy | None) -> list[str]:
    """What the clerk should know before printing (shown above the preview; never blocks)."""
    notes = []
    if profile.canteen_mode is not CanteenMode.NONE:
        notes.append(f"单位信息中的食堂情况是“{profile.canteen_mode.value}”，无食堂承诺函只适用于无食堂的单位。")
    rule = policy.rule("canteen-none") if policy else None
    if policy is None:
        notes.append(f"没有适用于{plan.year}年度的政策文件，主送机关和文件依据请核对后填写。")
    elif rule is None or profile.level not in rule["commitment_letter_levels"]:
        notes.append(f"按“{policy.name}”，{profile.level.value}单位无须报送无食堂承诺函（可按需打印）。")
    if not profile.name.strip():
        notes.append("单位信息未填写单位名称。")
    if not profile.credit_code.strip():
        notes.append("单位信息未填写统一社会信用代码。")
    if not profile.meal_arrangement.strip():
        notes.append("单位信息未填写职工用餐安排，请在正文中补上。")
    if not profile.supervising_department.strip():
        notes.append("单位信息未填写主管部门。")
    return notes


def _notice_number(policy: Policy | None) -> str:
    rule = policy.rule("canteen-none") if policy else None
    if rule and rule.notice and rule.notice.number:
        number = rule.notice.number
        return f"{number}文件" if "〔" in number else number
    return "政府采购脱贫地区农副产品工作有关文件"


# --- dates -------------------------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..31 the way dates are read: 十, 十九, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")) + (_DIGITS[ones] if ones else "")


def format_date(date: dt.date | None, style: DateStyle) -> str:
    if date is None or style is DateStyle.BLANK:
        return "年\u3000\u3000月\u3000\u3000日"
    if style is DateStyle.CHINESE:
        year = "".join(_DIGITS[int(d)] for d in str(date.year))
        return f"{year}年{_chinese_number(date.month)}月{_chinese_number(date.day)}日"
    return f"{date.year}年{date.month}月{date.day}日"


def _safe_file_name(text: str) -> str:
    # characters Windows refuses in file names
    return "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in text).strip(" .")[:120]
