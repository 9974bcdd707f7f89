"""``desktop832 report``: the year-end report (年度采购情况报告) as a PDF without the window;
``desktop832 evidence``: the year's evidence pack (证据包) as a zip.

Light to import (the command registry loads it for ``--help``): reportlab is imported inside the
handler. The data file is only read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .registry import Command


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    from . import year_argument

    parser.add_argument("--year", type=year_argument, help="年度（默认最新的年度）")
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    parser.add_argument("--shipped-fonts-only", action="store_true", help="不使用系统字体（各机器输出相同）")


def _report(args) -> int:
    from . import EXIT_OK, CommandError, open_workspace, refuse_output
    from ..app.year_report import write_report
    from ..documents.fonts import FontChoice

    if args.output.suffix.lower() != ".pdf":
        raise CommandError(f"输出文件应以 .pdf 结尾：{args.output}")
    ws = open_workspace(args)
    refuse_output(args.output, ws)
    try:
        year = args.year or ws.default_year()
        result = write_report(ws, year, args.output, choice=FontChoice(use_system=not args.shipped_fonts_only))
    finally:
        ws.close()
    print(f"已写出 {args.output}（{result.pages} 页）：{result.report.year} 年度采购情况报告")
    if not result.report.judged:
        print(f"注意：{year} 年度没有适用的政策文件，报告中的金额未按正式比例判断。")
    return EXIT_OK


def _evidence_arguments(parser: argparse.ArgumentParser) -> None:
    from . import year_argument

    parser.add_argument("--year", type=year_argument, help="年度（默认最新的年度）")
    parser.add_argument("-o", "--output", type=Path, required=True, help="输出的 zip 文件")
    parser.add_argument("--shipped-fonts-only", action="store_true", help="报告不使用系统字体（各机器输出相同）")


def _evidence(args) -> int:
    from . import EXIT_OK, CommandError, open_workspace, refuse_output
    from ..app.evidence_pack import write_pack
    from ..documents.fonts import FontChoice

    if args.output.suffix.lower() != ".zip":
        raise CommandError(f"输出文件应以 .zip 结尾：{args.output}")
    ws = open_workspace(args)
    refuse_output(args.output, ws)
    try:
        year = args.year or ws.default_year()
        result = write_pack(ws, year, args.output, choice=FontChoice(use_system=not args.shipped_fonts_only))
    finally:
        ws.close()
    print(f"已写出 {args.output}：{year} 年度证据包，附件 {result.files} 个，证据索引和年度采购情况报告（{result.report_pages} 页）")
    if not result.judged:
        print(f"注意：{year} 年度没有适用的政策文件，报告中的金额未按正式比例判断。")
    return EXIT_OK


COMMANDS = [
    Command("report", "生成年度采购情况报告 PDF（需配合 -o）", _report_arguments, _report),
    Command("evidence", "导出年度证据包 zip：全部附件、证据索引和年度报告（需配合 -o）", _evidence_arguments, _evidence),
]
