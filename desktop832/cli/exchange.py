"""Sub-commands for the upward export and the platform's order lists.

``desktop832 export [--year Y] [-o FILE]``, ``desktop832 verify FILE``,
``desktop832 import-orders FILE [--dry-run]`` and ``desktop832 stack FILE... -o OUT``.
Kept light to import: everything heavy is imported inside the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..oserrors import read_failure_reason
from .registry import Command


EXIT_OK, EXIT_PROBLEM, EXIT_UNREADABLE, EXIT_RULE_ERRORS = 0, 1, 2, 3
PURPOSES = ("食堂食材", "工会福利", "职工个人", "所属国有企业", "其他")  # the Purpose values, for --help


from . import date_argument as _date, year_argument as _year


# --- export ----------------------------------------------------------------------------------------


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=_year, help="年度（默认最新的年度）")
    p.add_argument("-o", "--output", type=Path, help="输出的 .xlsx 文件或文件夹（默认当前文件夹，按“年度_单位全称_预留份额填报.xlsx”命名）")
    p.add_argument("--today", type=_date, help=argparse.SUPPRESS)


def cmd_export(args) -> int:
    from . import CommandError, open_workspace
    from ..domain.model import FilingStatus
    from ..documents.export_data import ExportError
    from ..app.exporting import check_export, export_year
    from ..documents.export_xlsx import default_file_name
    from ..store.errors import StoreError
    from ..documents.errors import ExchangeError

    ws = open_workspace(args, write=True)  # the filing status is saved: one writer at a time
    try:
        year = args.year or ws.default_year()
        out = args.output
        if out is None or out.is_dir():
            out = (out or Path.cwd()) / default_file_name(year, ws.store.profile().name)
        try:
            check = check_export(ws, year)  # the plan read, the rules run and the purchases summed, once
            if check.notice:  # said before the file is written
                print(f"注意：{check.notice}", flush=True)
            result = export_year(ws, year, out, check=check)
        except (ExportError, ExchangeError, StoreError) as exc:
            raise CommandError(exc.message, EXIT_PROBLEM) from None
        before = check.before
    finally:
        ws.close()
    print(f"已导出 {result.path}")
    print(f"数据指纹（SHA-256）：{result.fingerprint}")
    print(f"  （抄写用：{result.short_fingerprint}，主管部门可用 desktop832 verify 核对）")
    print(f"采购明细 {result.purchase_count} 笔；检查发现错误 {result.errors} 项")
    if before and before.filing_status in (FilingStatus.SUPERVISOR_CONFIRMED, FilingStatus.FINANCE_CONFIRMED):
        print(f"注意：原状态“{before.filing_status.value}”已改为“{result.plan.filing_status.value}”，新文件需重新确认")
    print(f"填报状态：{result.plan.filing_status.value}（{result.plan.filed_on:%Y-%m-%d}）")
    event = result.event
    if event is not None:
        again = f"，填报日期仍为 {result.plan.filed_on:%Y-%m-%d}" if event.on != result.plan.filed_on else ""
        print(f"填报记录：{event.on:%Y-%m-%d} {event.kind.value}{again}（记录在数据文件中）")
    return EXIT_OK


# --- filings ---------------------------------------------------------------------------------------

ANSWERS = ("主管部门已确认", "财政部门已确认", "退回修改")  # the EventKind values a department gives, for --help


def _filings_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=_year, help="年度（默认最新的年度）")
    p.add_argument("--record", choices=ANSWERS, help="记录审核结果（记入填报记录，以前的记录不变）")
    p.add_argument("--date", type=_date, help="审核结果的日期（默认今天）")
    p.add_argument("--reason", default="", help="退回修改的原因（退回修改时必填）")


def cmd_filings(args) -> int:
    from . import CommandError, open_workspace
    from ..app.filings import record_answer
    from ..domain.errors import InputError
    from ..domain.filings import EventKind
    from ..store.errors import StoreError

    if args.record is None and (args.date or args.reason):
        raise CommandError("--date 和 --reason 只与 --record 一起使用")
    ws = open_workspace(args, write=args.record is not None)  # recording changes the file: one writer
    try:
        year = args.year or ws.default_year()
        if args.record is not None:
            try:
                plan = record_answer(ws, year, EventKind(args.record), args.date or ws.today, args.reason)
            except (InputError, StoreError) as exc:
                raise CommandError(exc.message, EXIT_PROBLEM) from None
            print(f"已记录：{year} 年度 {args.record}（{(args.date or ws.today):%Y-%m-%d}），填报状态：{plan.filing_status.value}")
        events = ws.filing_events(year)
    finally:
        ws.close()
    print(f"{year} 年度填报记录：" + ("" if events else "（尚未导出上报文件）"))
    for event in events:
        print("  " + event.line())
    return EXIT_OK


# --- verify ----------------------------------------------------------------------------------------


def _verify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="收到的上报文件（.xlsx）")
    p.add_argument("--policy", type=Path, help="用这个政策文件复核（默认按文件所记政策编号在本机查找）")
    p.add_argument("--as-of", type=_date, help="按此日期复核规则（默认导出日期）")
    p.add_argument("--fingerprint", metavar="指纹", help="盖章纸质表上印的数据指纹（至少前 16 位，空格不计），核对文件是否就是那份数据")
    p.epilog = "退出状态：0 未被改动且复核无错误；1 导出后被改动（或与纸质表上的指纹不符）；2 文件无法读取或用法有误；3 未被改动，但复核发现错误"


def cmd_verify(args) -> int:
    from . import CommandError
    from ..documents.verify import verify_file
    from ..app.policies import PolicyLibrary
    from ..documents.errors import ExchangeError

    from ..documents import fingerprint as fp

    if args.fingerprint is not None and len(fp.normalise(args.fingerprint)) < fp.SHORT_DIGITS:
        raise CommandError(f"--fingerprint 应至少有纸质表上印的 {fp.SHORT_DIGITS} 位（如 3F2A 9C01 77BE 4D10）：{args.fingerprint}")
    try:
        report = verify_file(args.file, PolicyLibrary(), policy_file=args.policy, as_of=args.as_of, paper=args.fingerprint)
    except ExchangeError as exc:
        raise CommandError(exc.message, EXIT_UNREADABLE) from None
    print(report.text())
    return report.exit_code  # 0 unchanged and no error, 1 changed, 3 unchanged but the rules find errors


# --- import-orders ---------------------------------------------------------------------------------


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="平台导出的订单列表（.xlsx、另存为 xlsx 的 .xls 或 .csv）")
    p.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    p.add_argument("--purpose", default="食堂食材", choices=PURPOSES, help="导入订单的用途（默认 食堂食材）")
    p.add_argument("--skip-errors", action="store_true", help="跳过有错误的行，导入其余的行")
    p.add_argument(
        "--map", action="append", default=[], metavar="列名=字段",
        help="指定某列对应的字段，如 --map 付款金额=实付金额；字段写“不导入”则忽略该列（可重复）",
    )
    p.add_argument(
        "--mapping", type=Path, metavar="映射文件.json",
        help="列与订单状态的映射（JSON，格式同窗口中保存的映射，见 docs/order-import.md）；导入成功后为同样表头的列表记住",
    )
    p.add_argument("--include-other-units", action="store_true", help="也导入所属预算单位不是本单位的订单")


def _chosen(pairs: list[str], headers: tuple[str, ...]) -> dict:
    from . import CommandError
    from ..documents.order_fields import Field

    by_label = {f.label: f for f in Field}
    chosen = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or (name not in by_label and name != "不导入"):
            raise CommandError(f"--map 应写成“列名=字段”，字段为：{'、'.join(by_label)} 或 不导入：{pair}")
        if header not in headers:
            raise CommandError(f"文件中没有“{header}”列（有：{'、'.join(h for h in headers if h)}）")
        chosen[headers.index(header)] = by_label.get(name)
    return chosen


def cmd_import_orders(args) -> int:
    from . import CommandError, open_workspace
    from ..app.importing import ImportBlocked, import_orders, load_layouts
    from ..domain.model import Purpose
    from ..store.errors import StoreError
    from ..documents.errors import ExchangeError
    from ..documents import order_mapping as columns
    from ..documents.orders import MappingError, inspect_orders

    mapping_file = None
    if args.mapping is not None:
        try:
            text = args.mapping.read_text("utf-8-sig")
        except OSError as exc:
            raise CommandError(f"无法读取映射文件“{args.mapping}”：{read_failure_reason(exc)}", EXIT_UNREADABLE) from None
        except UnicodeDecodeError:
            raise CommandError(f"无法读取映射文件“{args.mapping}”：不是 UTF-8 编码的文本文件", EXIT_UNREADABLE) from None
        try:
            mapping_file = columns.read_mapping_file(text, args.mapping.name)
        except ExchangeError as exc:
            raise CommandError(exc.message, EXIT_UNREADABLE) from None
    ws = open_workspace(args, write=not args.dry_run)
    try:
        chosen = None
        try:
            if args.map:
                _, found = inspect_orders(args.file, load_layouts(ws.store))
                chosen = _chosen(args.map, found.headers)
            preview, result = import_orders(
                ws, args.file, default_purpose=Purpose(args.purpose), skip_errors=args.skip_errors,
                dry_run=args.dry_run, chosen=chosen, mapping_file=mapping_file,
                include_other_units=args.include_other_units,
            )
        except MappingError as exc:
            found = "、".join(h for h in exc.mapping.headers if h)
            raise CommandError(
                f"{exc.message}\n文件中的列：{found}\n可用 --map 列名=字段 或 --mapping 映射文件 指定", EXIT_PROBLEM
            ) from None
        except ImportBlocked as exc:
            _print_details(exc.preview)
            raise CommandError(exc.message, EXIT_PROBLEM) from None
        except (ExchangeError, StoreError) as exc:
            raise CommandError(exc.message, EXIT_UNREADABLE) from None
    finally:
        ws.close()
    print(f"读取：{preview.parsed.table}")
    print(preview.summary())
    _print_details(preview)
    if result is None:
        print("预览完毕（--dry-run），未写入任何数据")
        return EXIT_PROBLEM if preview.errors else EXIT_OK
    print(result.summary())
    return EXIT_OK


def _print_details(preview, limit: int = 30) -> None:
    def listed(title, items, line):
        if not items:
            return
        print(f"{title}：")
        for item in items[:limit]:
            print(f"  {line(item)}")
        if len(items) > limit:
            print(f"  ……另有 {len(items) - limit} 项")

    listed("变化", preview.changes, lambda c: f"{c.before.order_no}：{c.describe()}")
    listed("其他预算单位的订单", preview.other_units, lambda x: f"第 {x[0].row} 行 {x[0].order_no}：{x[1]}")
    listed("台账中有、本列表中没有（请核对，不会删除）", preview.missing,
           lambda p: f"{p.order_no}（{p.date:%Y-%m-%d}）")
    listed("跳过的行", preview.skipped, lambda s: f"第 {s.row} 行：{s.reason}：{s.text}")
    if preview.unmapped_states:
        print("未识别的订单状态（可用 --mapping 文件的 states 指定含义）：" + "、".join(preview.unmapped_states))
    for error in preview.errors[:limit]:
        print(f"  错误 {error}")
    if len(preview.errors) > limit:
        print(f"  ……另有 {len(preview.errors) - limit} 处错误")


# --- stack -----------------------------------------------------------------------------------------


def _stack_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", type=Path, nargs="+", help="各单位的上报文件")
    p.add_argument("-o", "--output", type=Path, required=True, help="合并后的 .xlsx（不能是要合并的文件之一）")
    p.add_argument("--skip-bad", action="store_true", help="跳过核验未通过或重复的文件（列在输出的“合并的文件”表中），合并其余的")
    p.epilog = "每个文件先经核验：导出后被改动过的文件、同一单位同一年度的第二份文件会被拒绝（退出状态 1），除非指定 --skip-bad"


def cmd_stack(args) -> int:
    from . import CommandError
    from ..documents.stack import StackRefused, write_stack
    from ..documents.errors import ExchangeError

    try:
        result = write_stack(args.files, args.output, skip_bad=args.skip_bad)
    except StackRefused as exc:
        raise CommandError(exc.message, EXIT_PROBLEM) from None
    except ExchangeError as exc:
        raise CommandError(exc.message, EXIT_UNREADABLE) from None
    taken = [i for i in result.inputs if i.taken]
    print(f"已合并 {len(taken)} 个文件、{result.rows} 行到 {args.output}（另有合计行；“合并的文件”表列出每个文件及其数据指纹）")
    for item in taken:
        print(f"  ✔ {item.path.name}  {item.fingerprint}")
    for item in result.skipped:
        print(f"  ✘ 跳过 {item.path.name}：{item.problem}")
    return EXIT_OK


COMMANDS = [
    Command("export", "导出上报文件（.xlsx），并把填报状态设为“已导出待确认”", _export_arguments, cmd_export),
    Command("filings", "列出年度的填报记录（每次导出和审核结果）；--record 记录主管部门、财政部门的确认或退回", _filings_arguments, cmd_filings),
    Command("verify", "核验上报文件：导出后是否被改动，并按其政策复核", _verify_arguments, cmd_verify),
    Command("import-orders", "导入832平台的订单列表到采购台账", _import_arguments, cmd_import_orders),
    Command("stack", "把多个单位上报文件的汇总数据合并成一张表", _stack_arguments, cmd_stack),
]
