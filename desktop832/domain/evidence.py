"""What is missing from the year's proof, said plainly: hints, since no notice asks for the
evidence to be kept in a given form (the performance evaluation the notices do ask for is the
rule ``performance-evaluation``)."""

from __future__ import annotations

import dataclasses

from .findings import Finding, Severity
from .model import AnnualPlan, CanteenMode, UnitProfile

NO_EVIDENCE_RULE = "evidence-missing"
NO_LETTER_SCAN_RULE = "letter-scan-missing"
HINT = "本程序提示（通知未规定凭证的保存方式）"


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceGaps:
    """The year's facts the hints need, as the data file answers them."""

    done_without_evidence: int = 0  # completed orders with no attachment
    first_without_evidence: tuple[str, ...] = ()  # their first order numbers (or dates)
    letter_scan: bool = False  # a 盖章承诺函 attached to the year's filing


def evidence_findings(profile: UnitProfile, plan: AnnualPlan, gaps: EvidenceGaps) -> list[Finding]:
    found = []
    if gaps.done_without_evidence:
        first = "、".join(gaps.first_without_evidence)
        more = "等" if gaps.done_without_evidence > len(gaps.first_without_evidence) else ""
        found.append(Finding(
            NO_EVIDENCE_RULE, Severity.INFO,
            f"{gaps.done_without_evidence} 笔已完结订单还没有附上凭证（发票、验收单或订单截图），如 {first}{more}；"
            "年终考评或主管部门核查时可能需要（在采购记录中双击订单，在“附件”处添加）",
            f"{HINT}：年终考评时可凭附件说明采购情况",
            ("purchases",),
        ))
    if profile.canteen_mode is CanteenMode.NONE and plan.letter_sent and not gaps.letter_scan:
        found.append(Finding(
            NO_LETTER_SCAN_RULE, Severity.INFO,
            "已标记无食堂承诺函已报送，但填报记录中还没有盖章承诺函的扫描件；"
            "请在“预留份额”页的填报附件中添加（类别选“盖章承诺函”），留作报送的凭证",
            f"{HINT}：已报送的承诺函留存盖章扫描件备查",
            ("plan.letter_sent",),
        ))
    return found
