"""``desktop832 letter``: write the no-canteen commitment letter as a PDF without the window.

Light to import (the command registry loads it for ``--help``): reportlab and fontTools are
imported inside the handler.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .registry import Command

DATE_STYLES = {"arabic": "ARABIC", "chinese": "CHINESE", "blank": "BLANK"}


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    from . import date_argument, year_argument

    parser.add_argument("--year", type=year_argument, help="年度（默认最新的年度）")
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    parser.add_argument("--date", type=date_argument, help="落款日期，如 2024-02-19（默认今天）")
    parser.add_argument("--date-style", choices=sorted(DATE_STYLES), default="arabic",
                        help="日期写法：arabic 2024年2月19日，chinese 二〇二四年二月十九日，blank 留空手写")
    parser.add_argument("--body-font", type=Path, help="正文字体文件（TrueType .ttf/.ttc）")
    parser.add_argument("--title-font", type=Path, help="标题字体文件（TrueType .ttf/.ttc）")
    parser.add_argument("--shipped-fonts-only", action="store_true", help="不使用系统字体（各机器输出相同）")


def _handler(args) -> int:
    from . import EXIT_FINDINGS, EXIT_OK, CommandError, open_workspace, refuse_output
    from ..domain.errors import InputError
    from ..documents.fonts import FontChoice
    from ..documents.letter import DateStyle, Severity, build_draft, check_letter
    from ..documents.letter_pdf import write_letter

    if args.output.suffix.lower() != ".pdf":
        raise CommandError(f"输出文件应以 .pdf 结尾：{args.output}")
    ws = open_workspace(args)
    refuse_output(args.output, ws)  # before the letter is checked: whatever it says, not there
    try:
        year = args.year or ws.default_year()
        profile, plan = ws.store.profile(), ws.plan(year)
        policy = ws.policy_for(profile, plan)
        today = ws.today
        fingerprint = ws.last_filing_fingerprint(year)  # printed small at the foot
    finally:
        ws.close()
    draft = build_draft(profile, plan, policy, args.date or today, fingerprint)
    draft = draft.with_(date_style=DateStyle[DATE_STYLES[args.date_style]])
    problems = check_letter(draft, profile, policy)
    refused = [p for p in problems if p.severity is not Severity.WARN]
    for problem in problems:
        if problem.severity is Severity.WARN:
            print(f"注意：{problem}", file=sys.stderr)
    if refused:
        # the window asks the clerk to confirm a letter for a unit with a canteen; a script cannot
        raise CommandError("未生成承诺函：\n" + "\n".join(f"  {p}" for p in refused), EXIT_FINDINGS)
    choice = FontChoice(title=args.title_font, body=args.body_font, use_system=not args.shipped_fonts_only)
    try:
        rendered = write_letter(args.output, draft, choice)
    except InputError as exc:
        raise CommandError(exc.message, EXIT_FINDINGS) from None
    print(f"已写出 {args.output}（{rendered.pages} 页）")
    print(f"字体：{rendered.fonts.describe()}")
    return EXIT_OK


COMMANDS = [
    Command("letter", "生成无食堂承诺函 PDF（需配合 -o）", _add_arguments, _handler),
]
