"""``desktop832 report``: the year-end report (年度采购情况报告) as a PDF without the window;
``desktop832 evidence``: the year's evidence pack (证据包) as a zip.

Light to import (the command registry loads it for ``--help``): reportlab is imported inside the
handler. The data file is only read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .registry import Command


def _year_file_arguments(output_help: str, fonts_help: str):
    def add(parser: argparse.ArgumentParser) -> None:
        from . import year_argument

        parser.add_argument("--year", type=year_argument, help="年度（默认最新的年度）")
        parser.add_argument("-o", "--output", type=Path, required=True, help=output_help)
        parser.add_argument("--shipped-fonts-only", action="store_true", help=fonts_help)
    return add


def _write_year_file(args, suffix: str, write) -> tuple[int, object]:
    """What the report and the pack share: the output's name checked, the data file opened for
    reading, the year chosen; ``write(ws, year, output, choice)`` makes the file."""
    from . import CommandError, open_workspace, refuse_output
    from ..documents.fonts import FontChoice

    if args.output.suffix.lower() != suffix:
        raise CommandError(f"输出文件应以 {suffix} 结尾：{args.output}")
    ws = open_workspace(args)
    refuse_output(args.output, ws)
    try:
        year = args.year or ws.default_year()
        return year, write(ws, year, args.output, choice=FontChoice(use_system=not args.shipped_fonts_only))
    finally:
        ws.close()


def _not_judged(year: int) -> None:
    print(f"注意：{year} 年度没有适用的政策文件，报告中的金额未按正式比例判断。")


def _report(args) -> int:
    from . import EXIT_OK
    from ..app.year_report import write_report

    year, result = _write_year_file(args, ".pdf", write_report)
    print(f"已写出 {args.output}（{result.pages} 页）：{result.report.year} 年度采购情况报告")
    if not result.report.judged:
        _not_judged(year)
    return EXIT_OK


def _evidence(args) -> int:
    from . import EXIT_OK
    from ..app.evidence_pack import write_pack

    year, result = _write_year_file(args, ".zip", write_pack)
    print(f"已写出 {args.output}：{year} 年度证据包，附件 {result.files} 个，证据索引和年度采购情况报告（{result.report_pages} 页）")
    if not result.judged:
        _not_judged(year)
    return EXIT_OK


COMMANDS = [
    Command("report", "生成年度采购情况报告 PDF（需配合 -o）", _year_file_arguments("输出的 PDF 文件", "不使用系统字体（各机器输出相同）"), _report),
    Command("evidence", "导出年度证据包 zip：全部附件、证据索引和年度报告（需配合 -o）", _year_file_arguments("输出的 zip 文件", "报告不使用系统字体（各机器输出相同）"), _evidence),
]
