"""The no-canteen commitment letter (附件1 关于xx（单位全称）无食堂的承诺) as an editable draft.

:func:`build_draft` fills a :class:`LetterDraft` from the unit's profile, the year's plan and the
policy; the clerk may change any part of it before printing; :mod:`.letter_pdf` lays it out.
Everything here is plain data: no Qt, no reportlab.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re

from ..domain.model import AnnualPlan, CanteenMode, Level, UnitProfile
from ..domain.policy import Notice, Policy

UNIT_PLACEHOLDER = "（单位全称）"
MEAL_PLACEHOLDER = "（请填写职工用餐安排）"
SEAL_MARK = "（盖章）"
# a prompt left in the text: （请填写…）, （单位全称）, xx（单位全称）
_PROMPT = re.compile(r"(?:xx|XX|××)?（(?:请[^（）]*|单位全称|单位名称)）")


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
    fingerprint: str = ""  # the year's last filing's fingerprint, printed small at the foot

    def with_(self, **changes) -> LetterDraft:
        return dataclasses.replace(self, **changes)

    @property
    def date_text(self) -> str:
        return format_date(self.date, self.date_style)

    @property
    def file_name(self) -> str:
        name = self.unit_name.strip() or "本单位"
        return _safe_file_name(f"{self.year}年无食堂承诺函-{name}") + ".pdf"


class Severity(enum.Enum):
    BLOCK = "无法生成"  # the letter cannot go out like this
    CONFIRM = "须确认"  # the window asks the clerk; the command line refuses
    WARN = "注意"


@dataclasses.dataclass(frozen=True, slots=True)
class LetterProblem:
    part: str  # the field as the dialog names it
    message: str
    severity: Severity

    def __str__(self) -> str:
        return f"{self.part}：{self.message}"


def build_draft(profile: UnitProfile, plan: AnnualPlan, policy: Policy | None, today: dt.date,
                fingerprint: str = "") -> LetterDraft:
    """The letter as the data file says it, in the wording of the notice's attachment 1.

    Short enough to leave room on one page for both seals: the facts the notice asks to be
    declared (无食堂, 在系统中注明“无食堂”), what the unit answers for, and the basis it writes under."""
    name = profile.name.strip() or UNIT_PLACEHOLDER
    year = plan.year
    code = profile.credit_code.strip()
    meal = profile.meal_arrangement.strip().rstrip("。；;，,.") or MEAL_PLACEHOLDER
    identity = f"我单位（统一社会信用代码：{code}）" if code else "我单位"
    supervisor = profile.supervising_department.strip()
    basis = letter_basis(policy, year)
    body = (
        f"{'按照' + basis + '要求，' if basis else ''}{identity}郑重承诺：{year}年度无自有食堂，未外包食堂，"
        f"也未与其他单位共用食堂，{meal}，已在“832平台”采购人管理系统中注明“无食堂”；以上情况真实、准确；"
        "年度内如设立食堂，将及时报告并补报食堂部分预留份额；如有虚假，愿承担相应责任。",
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
        supervisor_name=supervisor,
        credit_code=code,
        fingerprint=fingerprint,
    )


def cite(notice: Notice) -> str:
    """A document as official writing cites it: 《title》（number）."""
    title, number = notice.title.strip().strip("《》"), notice.number.strip()
    if "〔" not in number:  # not a 文号 (a text that carries none is named by a description)
        number = ""
    if title and number:
        return f"《{title}》（{number}）"
    return f"《{title}》" if title else number


def letter_basis(policy: Policy | None, year: int) -> str:
    """The notice that asks for the letter, cited; nothing when no policy governs ``year``."""
    if policy is None or policy.year != year:
        return ""
    rule = policy.rule("canteen-none")
    return cite(rule.notice) if rule and rule.notice else ""


def governing_province(profile: UnitProfile, policy: Policy | None) -> str:
    return ((policy.province if policy else "") or profile.province).strip()


def default_addressee(profile: UnitProfile, policy: Policy | None) -> str:
    """The office the policy names for the levels it asks the letter of, with the province's name
    (省财政厅… becomes 青海省财政厅…); otherwise the finance department of the unit's own level."""
    rule = policy.rule("canteen-none") if policy else None
    province = governing_province(profile, policy)
    if rule and rule.params.get("letter_addressee"):
        levels = rule["commitment_letter_levels"]
        if not levels or profile.level in levels:
            office = rule["letter_addressee"].strip()
            if office.startswith("省") and province:
                office = province + office[1:]
            return office
    if profile.level is Level.PROVINCIAL:
        return f"{province or '省'}财政厅"
    if profile.level is Level.MUNICIPAL:
        return f"{profile.city.strip() or '市'}财政局"
    return "县（区）财政局"


def check_letter(draft: LetterDraft, profile: UnitProfile, policy: Policy | None) -> list[LetterProblem]:
    """What stands between this draft and a letter a reviewer accepts, worst first."""
    problems: list[LetterProblem] = []
    block = lambda part, text: problems.append(LetterProblem(part, text, Severity.BLOCK))  # noqa: E731
    fields = {
        "标题": draft.title, "主送机关": draft.addressee, "正文": "\n".join(draft.body),
        "署名单位": draft.unit_name, "主管部门": draft.supervisor_name, "审核意见": draft.supervisor_opinion,
    }
    for part, text in fields.items():
        prompts = list(dict.fromkeys(m.group(0) for m in _PROMPT.finditer(text)))
        if not text.strip():
            block(part, "未填写。")
        elif prompts:
            block(part, f"还有待填写的提示“{'”“'.join(prompts)}”，请换成实际内容。")
    addressee = draft.addressee.strip()
    if addressee.startswith("省财政") or addressee.startswith("省级财政"):
        block("主送机关", "应写明省份名称，如“青海省财政厅政府采购监督管理处”（可在单位信息中填写所在省份）。")
    if profile.canteen_mode is not CanteenMode.NONE:
        problems.append(LetterProblem(
            "食堂情况", f"单位信息中的食堂情况是“{profile.canteen_mode.value}”，无食堂承诺函只适用于无食堂的单位。",
            Severity.CONFIRM))
    warn = lambda part, text: problems.append(LetterProblem(part, text, Severity.WARN))  # noqa: E731
    governing = policy if policy is not None and policy.year == draft.year else None
    if governing is None:
        warn("政策", f"没有适用于{draft.year}年度的政策文件：承诺函不引用文件依据，也无法核对截止日期。")
    else:
        rule = governing.rule("canteen-none")
        if rule is None or profile.level not in rule["commitment_letter_levels"]:
            warn("政策", f"按“{governing.name}”，{profile.level.value}单位无须报送无食堂承诺函（可按需打印）。")
        due = governing.deadline("filing-deadline", profile.level)  # the date for this unit's level
        if due and draft.date and draft.date_style is not DateStyle.BLANK and draft.date > due.date:
            deadline = due.date
            warn("落款日期", f"{draft.date_text}晚于{draft.year}年度的填报截止日期{deadline.year}年{deadline.month}月"
                         f"{deadline.day}日（{due.rule.citation}）。")
    if not profile.credit_code.strip():
        warn("单位信息", "未填写统一社会信用代码，正文中不会写出。")
    return problems


def blocking(problems: list[LetterProblem]) -> list[LetterProblem]:
    return [p for p in problems if p.severity is Severity.BLOCK]


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
