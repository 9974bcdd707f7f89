"""The year-end report (年度采购情况报告) as an A4 PDF, set with reportlab's platypus.

It takes a :class:`~desktop832.domain.year_report.YearReport` and writes its own file through
:func:`~desktop832.documents.files.write_atomically`. Fonts are the letter's
(:mod:`desktop832.documents.fonts`): every character is checked before anything is written, a
character the main face lacks is set in the face that has it, and the faces are embedded as
subsets. The chart is the overview's own drawing (:mod:`desktop832.documents.year_chart`).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from ..domain.money import format_money, format_percent
from ..domain.year_report import COUNTY_HINT, MAX_LISTED, YearReport
from .files import write_atomically
from .fonts import FontChoice, FontPlan, Role, plan_fonts, reportlab_font, shipped_face
from .year_chart import chart_drawing

TITLE = "年度采购情况报告"
SUBJECT = "政府采购脱贫地区农副产品"
MARGIN = 56.0  # about 2 cm


def title_of(report: YearReport) -> str:
    return f"{report.year} 年度{SUBJECT}{TITLE}"


def _money(value) -> str:
    return f"{format_money(value)} 元"


def sections(report: YearReport) -> list[tuple[str, list]]:
    """The report's content as (heading, blocks); a block is ``("p", text)``, ``("note", text)``,
    ``("table", header, rows)`` or ``("chart",)``. Also what the fonts are checked against."""
    p, plan = report.profile, report.plan
    out: list[tuple[str, list]] = []
    region = f"{p.province}{p.city}{p.county}" or "（未填写）"
    unit = [
        ("p", f"单位名称：{p.name or '（未填写）'}"),
        ("p", f"统一社会信用代码：{p.credit_code or '（未填写）'}　预算级次：{p.level.value}　所在地区：{region}"),
        ("p", f"主管预算单位：{p.supervising_department or '（未填写）'}　食堂情况：{p.canteen_mode.value}"),
    ]
    if report.judged:
        unit.append(("p", f"适用政策：{report.policy_name}"))
        unit += [("p", f"依据：{notice}") for notice in report.notices]
        unit.append(("note", report.policy_reason))
    else:
        unit.append(("p", f"适用政策：无。{report.policy_reason}。"))
        unit.append(("warn", f"{report.year} 年度没有适用的政策文件：本报告中的金额按全部已完结的832平台订单汇总，"
                             "未按正式比例判断，不显示达标结论和填报截止日期。"))
    out.append(("一、单位与适用政策", unit))

    reserve = [
        ("p", f"年度食堂食材采购总额：{_money(plan.canteen_total) if plan.canteen_total is not None else '（未填写）'}"),
        ("p", f"食堂预留份额：{_money(plan.reserve_amount) if plan.reserve_amount is not None else '（未填写）'}"
              + (f"（{format_percent(plan.reserve_ratio)}）" if plan.reserve_ratio is not None else "")
              + ("" if report.canteen_reserve or plan.reserve_amount is None else "，本单位不单独预留食堂份额，不计入目标")),
        ("p", f"工会预留份额：{_money(plan.union_reserve) if plan.union_reserve is not None else '（未填写）'}"),
        ("p", f"合计预留份额（采购目标）：{_money(report.target) if report.target > 0 else '（尚未填写预留份额）'}"),
        ("p", f"填报状态：{plan.filing_status.value}" + (f"，{plan.filed_on:%Y-%m-%d} 填报" if plan.filed_on else "")),
    ]
    if report.filing_lines:
        reserve.append(("table", ("填报记录",), [(line,) for line in report.filing_lines]))
    else:
        reserve.append(("p", "填报记录：尚未导出上报文件。"))
    if report.fingerprint:
        reserve.append(("p", f"最近一次报送文件的指纹：{report.fingerprint}"))
    out.append(("二、预留份额及填报情况", reserve))

    done = [("p", f"本年度采购 {report.purchase_count:,} 笔；计入 {_money(report.counted)}，不计入 {_money(report.not_counted)}。")]
    if report.target > 0:
        done.append(("p", f"完成预留份额 {_money(report.target)} 的 {format_percent(report.share)}"
                          + (f"，尚差 {_money(report.remaining)}。" if report.remaining else "，已完成。")))
    if report.progress:
        done.append(("p", report.progress + "。" if not report.progress.endswith("。") else report.progress))
    if report.progress_citation:
        done.append(("note", f"依据：{report.progress_citation}"))
    done.append(("chart",))
    out.append(("三、采购完成情况", done))

    purpose = [("table", ("用途", "计入笔数", "计入金额（元）"),
                [(row.label, f"{row.count:,}", format_money(row.amount)) for row in report.by_purpose])]
    if report.not_counted_by_reason:
        purpose.append(("table", ("不计入的原因", "笔数", "金额（元）"),
                        [(row.label, f"{row.count:,}", format_money(row.amount)) for row in report.not_counted_by_reason]))
    else:
        purpose.append(("p", "没有不计入的采购。"))
    out.append(("四、按用途", purpose))

    county = [("note", COUNTY_HINT)]
    if report.by_county:
        county.append(("table", ("供应商所在县", "计入笔数", "计入金额（元）", "供应商"),
                       [(row.label, f"{row.count:,}", format_money(row.amount), row.detail) for row in report.by_county]))
    else:
        county.append(("p", "本年度没有计入的采购。"))
    out.append(("五、按供应商所在县", county))

    term = report.payment_term
    orders = [("p", f"已完结的832平台订单中，未付款 {report.unpaid_count:,} 笔，未做履约评价 {report.unevaluated_count:,} 笔。"
                    + (f"超过 {term} 天未付款的标“超期”。" if term is not None else "政策文件未规定付款期限。"))]
    if report.open_orders:
        rows = []
        for line in report.open_orders:
            state = "、".join(word for word, yes in (("未付款", line.unpaid), ("未评价", line.unevaluated)) if yes)
            if line.overdue_days is not None:
                state += f"（超期，已 {line.overdue_days} 天）"
            rows.append((line.order_no or "（无订单号）", f"{line.date:%Y-%m-%d}", line.supplier, format_money(line.amount), state))
        orders.append(("table", ("订单号", "下单日期", "供应商", "金额（元）", "情况"), rows))
        if report.open_count > len(report.open_orders):
            orders.append(("note", f"另有 {report.open_count - len(report.open_orders):,} 笔未列出（本表最多列 {MAX_LISTED:,} 笔）。"))
    out.append(("六、未付款和未做履约评价的订单", orders))

    if not report.evidence:
        evidence = [("p", "本年度的采购记录还没有附件。")]
    else:
        evidence = [("table", ("订单号", "日期", "类别", "文件", "大小", "SHA-256（前 16 位）"),
                     [(e.order_no or "（年度填报）", f"{e.date:%Y-%m-%d}" if e.date else "", e.kind, e.file_name,
                       _size(e.size), e.sha256[:16]) for e in report.evidence])]
    out.append(("七、证据索引", evidence))

    if report.findings:
        checks = [("table", ("检查结果", "依据"), [(f"{f.severity.label}：{f.message}", f.citation) for f in report.findings])]
    elif report.judged:
        checks = [("p", "没有错误或警告。")]
    else:
        checks = [("p", "本年度没有政策文件，未作检查。")]
    out.append(("八、检查结果", checks))
    return out


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} B"


def report_texts(report: YearReport) -> dict[Role, list[tuple[str, str]]]:
    body = [("页脚", "第 页 共 生成于 指纹 desktop832 0123456789-:")]
    for heading, blocks in sections(report):
        for block in blocks:
            if block[0] == "table":
                body += [(heading, cell) for cell in block[1]] + [(heading, cell) for row in block[2] for cell in row]
            elif block[0] != "chart":
                body.append((heading, block[1]))
    title = [("标题", title_of(report)), ("标题", report.profile.name)]
    title += [("标题", heading) for heading, _blocks in sections(report)]
    return {Role.BODY: body, Role.TITLE: title}


class _Marked:
    """Paragraph markup for a text, each character the role's main face lacks in the face that has it."""

    def __init__(self, fonts: FontPlan):
        self.fonts = fonts

    def __call__(self, text: str, role: Role = Role.BODY) -> str:
        main = reportlab_font(self.fonts.main[role])
        out, run, run_font = [], "", main
        for char in text:
            face = self.fonts.extra[role].get(char)
            font = reportlab_font(face) if face is not None else main
            if font != run_font and run:
                out.append(self._run(run, run_font, main))
                run = ""
            run_font = font
            run += char
        if run:
            out.append(self._run(run, run_font, main))
        return "".join(out)

    @staticmethod
    def _run(text: str, font: str, main: str) -> str:
        text = escape(text)
        return text if font == main else f'<font name="{font}">{text}</font>'


def render_year_report(report: YearReport, choice: FontChoice = FontChoice()) -> tuple[bytes, int]:
    """The PDF's bytes and its page count (raises InputError for a character no font has)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    fonts = plan_fonts(report_texts(report), choice)
    mark = _Marked(fonts)
    body_font = reportlab_font(fonts.main[Role.BODY])
    title_font = reportlab_font(fonts.main[Role.TITLE])
    chart_font = reportlab_font(shipped_face(Role.BODY))  # covers every text the chart writes (tested)
    styles = {
        "title": ParagraphStyle("title", fontName=title_font, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4),
        "unit": ParagraphStyle("unit", fontName=body_font, fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=10),
        "h": ParagraphStyle("h", fontName=title_font, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        "p": ParagraphStyle("p", fontName=body_font, fontSize=10.5, leading=16, wordWrap="CJK"),
        "note": ParagraphStyle("note", fontName=body_font, fontSize=9, leading=13, textColor=colors.HexColor("#555555"), wordWrap="CJK"),
        "warn": ParagraphStyle("warn", fontName=body_font, fontSize=10.5, leading=16, textColor=colors.HexColor("#b26a00"), wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=body_font, fontSize=9, leading=12, wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=title_font, fontSize=9, leading=12, wordWrap="CJK"),
    }
    width = A4[0] - 2 * MARGIN
    story = [Paragraph(mark(title_of(report), Role.TITLE), styles["title"]),
             Paragraph(mark(report.profile.name or "（未填写单位名称）"), styles["unit"])]
    for heading, blocks in sections(report):
        story.append(Paragraph(mark(heading, Role.TITLE), styles["h"]))
        for block in blocks:
            kind = block[0]
            if kind == "chart":
                drawing, _geometry = chart_drawing(report.chart, chart_font)
                scale = min(1.0, width / drawing.width)
                drawing.scale(scale, scale)
                drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
                story.append(Spacer(1, 4))
                story.append(drawing)
            elif kind == "table":
                header, rows = block[1], block[2]
                table = LongTable(
                    [[Paragraph(mark(h, Role.TITLE), styles["head"]) for h in header]]
                    + [[Paragraph(mark(cell), styles["cell"]) for cell in row] for row in rows],
                    colWidths=_widths(header, width), repeatRows=1,
                )
                table.setStyle(TableStyle([
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]))
                table.spaceBefore = table.spaceAfter = 3  # not Spacers: a heading keeps with its table
                story.append(table)
            else:
                story.append(Paragraph(mark(block[1]), styles[kind]))
    out = io.BytesIO()
    foot = f"desktop832 生成于 {report.today:%Y-%m-%d}"
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=title_of(report), author=report.profile.name, subject=f"{report.year}年度{SUBJECT}", creator="desktop832",
        initialFontName=body_font,
    )
    counter = _PageCounter(body_font, foot, mark)
    document.build(story, canvasmaker=counter.canvas)
    return out.getvalue(), counter.pages


def _widths(header: tuple, width: float) -> list[float]:
    """Column widths: figures narrow, text wide."""
    narrow = {"计入笔数", "笔数", "大小", "类别"}
    dates = {"下单日期", "日期"}
    money = {"计入金额（元）", "金额（元）"}
    fixed = {h: 52.0 for h in header if h in narrow} | {h: 78.0 for h in header if h in money}
    fixed |= {h: 64.0 for h in header if h in dates}
    rest = [h for h in header if h not in fixed]
    share = (width - sum(fixed.values())) / max(1, len(rest))
    return [fixed.get(h, share) for h in header]


class _PageCounter:
    """A canvas that knows the page count when it writes each page's foot (第 N 页 共 M 页)."""

    def __init__(self, font: str, foot: str, mark):
        self.font, self.foot, self.pages = font, foot, 0
        counter = self
        from reportlab.pdfgen.canvas import Canvas

        class NumberedCanvas(Canvas):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._saved = []

            def showPage(self):
                self._saved.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._saved)
                counter.pages = total
                for state in self._saved:
                    self.__dict__.update(state)
                    self.setFont(counter.font, 8)
                    self.setFillGray(0.35)
                    self.drawString(MARGIN, MARGIN / 2, counter.foot)
                    self.drawRightString(self._pagesize[0] - MARGIN, MARGIN / 2, f"第 {self._pageNumber} 页 共 {total} 页")
                    super().showPage()
                super().save()

        self.canvas = NumberedCanvas


def write_year_report(path: Path, report: YearReport, choice: FontChoice = FontChoice(), *, inputs: tuple = ()) -> int:
    """Render, then write atomically; returns the page count. Nothing is written when it cannot be rendered."""
    data, pages = render_year_report(report, choice)
    write_atomically(Path(path), lambda tmp: tmp.write_bytes(data), inputs=inputs)
    return pages


__all__ = ["TITLE", "render_year_report", "report_texts", "sections", "title_of", "write_year_report"]
