"""Command line: ``desktop832`` opens the window; sub-commands work headless.

Heavy modules are imported inside each command so ``desktop832 --help`` and the window start fast.
Exit status: 0 fine, 1 the data has errors (``check``) or a command failed, 2 bad usage or data
that cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Iterable
from pathlib import Path

from .. import __version__, paths
from ..domain.errors import ClerkError
from .registry import Command, commands

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class CommandError(ClerkError):
    """A failure of a command to report in Chinese; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message, exit_code=code)

    @property
    def code(self) -> int:
        return self.exit_code


def year_argument(text: str) -> int:
    """``--year``: a four-digit year between 2000 and 2100."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"年度应为四位数字：{text}")
    if not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"年度超出范围（2000 到 2100）：{text}")
    return int(text)


def date_argument(text: str) -> dt.date:
    """A date option (``--today``, ``--as-of``, ``--date``): 2024-02-20."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 2024-02-20：{text}") from None


def add_global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """``--db`` and ``--demo``, taken before the sub-command and after it alike.

    On a sub-command's parser they default to ``SUPPRESS``, so an option given before the
    sub-command is not reset by the sub-command's own parser."""
    parser.add_argument("--db", type=Path, help="数据文件路径（默认在用户数据目录）",
                        default=None if defaults else argparse.SUPPRESS)
    parser.add_argument("--demo", action="store_true", help="使用示例单位的临时副本",
                        default=False if defaults else argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop832",
        description="832平台 预留份额填报与采购台账。不带子命令时打开窗口。",
    )
    parser.add_argument("--version", action="version", version=f"desktop832 {__version__}")
    add_global_options(parser, defaults=True)
    parser.add_argument("--self-test", action="store_true", help="自检：创建临时数据、检查规则、输出文档后退出")
    sub = parser.add_subparsers(dest="command", metavar="子命令")
    for command in commands().values():
        p = sub.add_parser(command.name, help=command.help)
        add_global_options(p, defaults=False)
        command.add_arguments(p)
    return parser


def _check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=year_argument, help="年度（默认最新的年度）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--today", type=date_argument, help=argparse.SUPPRESS)


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _dump_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", type=Path, help="输出文件（默认标准输出）")


def _load_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path)


# --- data file -------------------------------------------------------------------------------


def resolve_database(args) -> Path:
    if args.demo:
        from ..app.demo import make_demo_copy

        return make_demo_copy()
    return args.db or paths.default_database()


def open_workspace(args, *, must_exist: bool = True, write: bool = False):
    """The data file as a :class:`~desktop832.app.workspace.Workspace`; ``close()`` it when done.

    A command that changes the file passes ``write``: it then holds the file's lock, as the window
    does, until ``close()``. A window holding the file would otherwise overwrite the command's
    change with its own copy at its next save. Commands that only read need no lock, and open
    the file read-only: they never create, migrate or write it (nor checkpoint its WAL).
    """
    from ..store.errors import StoreError
    from ..app.workspace import Workspace

    path = resolve_database(args)
    if must_exist and not path.exists():
        raise CommandError(f"数据文件不存在：{path}（用 --db 指定，或先打开窗口建立）")
    lock = lock_for_writing(path) if write else None
    try:
        # from here the workspace holds the lock and releases it in close()
        return Workspace.open(path, readonly=not write, create=False, today=getattr(args, "today", None), lock=lock)
    except BaseException as exc:
        if lock is not None:
            lock.release()
        if isinstance(exc, StoreError):
            raise CommandError(exc.message) from None
        raise


def refuse_output(path: Path, workspace=None) -> None:
    """Refuse an output path that is the data file, one of its companions or its lock (the one
    writer of every output refuses it too; a command asks first, before doing any work)."""
    from .. import protected_files

    try:
        protected_files.refuse_writing(path)
    except protected_files.ProtectedFileError as exc:
        if workspace is not None:
            workspace.close()
        raise CommandError(exc.message, EXIT_FINDINGS) from None


def lock_for_writing(path: Path):
    """Take the data file's lock (:mod:`desktop832.app.locking`, the window's), or refuse with who holds it.

    Returns the :class:`~desktop832.app.locking.LockResult`; ``release()`` it when done writing.
    """
    from ..app import locking

    already = locking.lock_path(path) in locking.held_paths()
    result = locking.acquire(path)
    if result.ok:
        # this process held it before (a caller in the same process): leave releasing to that holder
        return locking.LockResult(True, "", result.lock) if already else result
    if result.problem == "held":
        raise CommandError(
            f"数据文件“{Path(path).name}”正由{result.holder_description}打开，未写入任何数据。"
            "同一时间只能在一处修改它，以免互相覆盖：请关闭那个窗口（或等那个命令结束）后再运行此命令"
            "（check、dump 等只读的命令不受影响）"
        )
    raise CommandError(f"{result.holder_description}，未写入任何数据")


# --- commands --------------------------------------------------------------------------------


def cmd_check(args) -> int:
    from ..domain.findings import Severity

    ws = open_workspace(args)
    try:
        year = args.year or ws.default_year()
        profile, plan = ws.store.profile(), ws.plan(year)
        selection = ws.selection(profile, plan)
        policy = selection.policy
        findings = ws.findings(profile, plan, policy)
    finally:
        ws.close()
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if args.json:
        out = {
            "year": year,
            "policy": None if policy is None else {
                "id": policy.id, "name": policy.name, "notices": [n.number for n in policy.notices],
                "unchecked_notices": [n.number for n in policy.unchecked_notices],
            },
            "selection": {"reason": selection.reason, "passed_over": [
                {"id": p.id, "reason": why} for p, why in selection.passed_over
            ]},
            "errors": errors,
            "warnings": sum(f.severity is Severity.WARNING for f in findings),
            "findings": [f.to_json() for f in findings],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        name = policy.name if policy else "无（本年度没有适用的政策文件）"
        print(f"{profile.name or '（未填写单位名称）'}  {year} 年度  政策：{name}")
        for line in selection.lines:
            print(f"  {line}")
        if policy is not None and policy.unchecked_notices:
            print("  注意：" + "、".join(n.number for n in policy.unchecked_notices) + " 未核对原文，据其得出的结论最多为警告")
        print("-" * 60)
        for f in findings:
            print(f"[{f.severity.label}] {f.message}")
            print(f"        依据：{f.citation}")
        print("-" * 60)
        print(f"错误 {errors} 项，警告 {sum(f.severity is Severity.WARNING for f in findings)} 项")
    return EXIT_FINDINGS if errors else EXIT_OK


def _policies_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--show", metavar="ID", help="用文件的说法逐条列出一个政策")
    which.add_argument("--check", metavar="FILE", type=Path, help="检查一个政策文件，说明它适用于哪一年度、哪些单位")


def cmd_policies(args) -> int:
    from ..app.policies import PolicyLibrary
    from ..app.policy_editing import is_user_made

    library = PolicyLibrary()
    if args.show:
        return _show_policy(library, args.show)
    if args.check:
        return _check_policy_file(library, args.check)
    for policy in library:
        made = "本机自建" if is_user_made(library, policy) else "程序自带"
        print(f"{policy.id:<18} {policy.year}  {policy.region:<6} {policy.name}（{made}）")
        print(f"{'':<18} 适用范围：{policy.scope.text}" + (f"；在“{policy.extends}”之上" if policy.extends else ""))
        print(f"{'':<18} 文件依据：{policy.notice_numbers}")
        print(f"{'':<18} {policy.source}")
    for error in library.errors:
        print(f"无法使用：{error}", file=sys.stderr)
    return EXIT_OK


def _show_policy(library, policy_id: str) -> int:
    from ..app.policy_editing import label
    from ..app.policy_words import describe

    policy = library.get(policy_id)
    if policy is None:
        known = "、".join(p.id for p in library)
        raise CommandError(f"没有 id 为“{policy_id}”的政策（已有：{known}）")
    lines = describe(policy)
    lines[0] = f"{label(library, policy)}（{policy.id}）"
    print("\n".join(lines))
    return EXIT_OK


def _check_policy_file(library, path: Path) -> int:
    """Validate a file with the loader and say whom and which year it would govern; nothing is
    copied (加载政策文件 in the window, or the clerk's folder, does that)."""
    from .. import protected_files
    from ..domain.policy import PolicyError
    from ..domain.policy_files import load_policy_file, resolve

    try:
        protected_files.refuse_reading(path)
    except protected_files.ProtectedFileError as exc:
        raise CommandError(exc.message) from None
    policy = load_policy_file(path)  # a PolicyError is reported as it stands
    others = {p.id: p for p in library.policies.values() if p.id != policy.id}
    joined, errors = resolve({**others, policy.id: policy})
    if errors and policy.id not in joined:
        raise next(e for e in errors if isinstance(e, PolicyError))
    policy = joined[policy.id]
    print(f"{Path(path).name}：可以使用")
    print(f"  {policy.name}（{policy.id}）")
    print(f"  适用于 {policy.year} 年度，{policy.scope.text}" + (f"；在“{policy.extends}”之上" if policy.extends else ""))
    print(f"  文件依据：{policy.notice_numbers}；规则 {len(policy.rules)} 条")
    taken = library.get(policy.id)
    if taken is not None and Path(taken.source).resolve() == Path(path).resolve():
        print("  这就是已在使用的政策文件")
    elif taken is not None:
        print(f"  注意：已有 id 为“{policy.id}”的政策（{taken.source}），加载前须改用另一个 id 或先删除原有的")
    same_year = [p for p in library if p.year == policy.year and p.id != policy.id]
    for other in same_year:
        print(f"  同一年度已有：{other.name}（{other.id}，{other.scope.text}）；对一个单位，适用范围更具体的一个适用")
    if not same_year:
        print(f"  {policy.year} 年度目前没有其他政策文件：加载后，适用范围内的单位该年度按它检查")
    return EXIT_OK


def cmd_dump(args) -> int:
    from ..domain import jsonformat

    ws = open_workspace(args)
    try:
        # written as it is read, one purchase at a time: memory stays flat at a million purchases
        # the filing record, when the file has one (a file never exported dumps as it always did)
        store = ws.store
        # the attachments' links, then their contents one at a time after the purchases
        attachments = jsonformat.AttachmentsOut(store.iter_purchase_links(), store.filing_attachments(), store.iter_blobs)
        chunks = jsonformat.dump_chunks(
            store.profile(), store.plans(), store.iter_purchases(), store.filing_events() or None, attachments)
        if args.output:
            write_text_atomically(args.output, chunks)
        else:
            sys.stdout.writelines(chunks)
    finally:
        ws.close()
    if args.output:
        print(f"已写出 {args.output}")
    return EXIT_OK


def cmd_load(args) -> int:
    from ..oserrors import write_failure_reason

    if not args.db:
        raise CommandError("load 需要用 --db 指定要新建的数据文件")
    try:
        args.db.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside the new file
    except OSError as exc:
        raise CommandError(f"无法建立文件夹 {args.db.parent}：{write_failure_reason(exc)}") from None
    lock = lock_for_writing(args.db)
    try:
        return _load(args)
    finally:
        lock.release()


def _load(args) -> int:
    from ..domain import jsonformat

    if args.db.exists() and args.db.stat().st_size > 0:
        raise CommandError(f"数据文件已存在，为避免覆盖，请指定一个新文件：{args.db}")
    from .. import protected_files

    try:
        protected_files.refuse_reading(args.file)
        # first as dump writes it, piece by piece (memory stays flat at a million purchases);
        # a file laid out otherwise, or with anything wrong in it, is read whole for the message
        plans, count = _build(args.db, lambda: jsonformat.stream_load_all(_text_pieces(args.file), plain=True))
    except jsonformat.NotStreamable:
        plans, count = _build(args.db, lambda: _read_whole(args.file))
    except protected_files.ProtectedFileError as exc:
        raise CommandError(exc.message) from None
    except OSError as exc:
        raise CommandError(f"无法读取 {args.file}：{_read_failure_reason(exc)}") from None
    print(f"已建立 {args.db}：{len(plans)} 个年度，{count} 笔采购")
    return EXIT_OK


def _text_pieces(path: Path, size: int = 1 << 20):
    import codecs

    from ..domain.jsonformat import NotStreamable

    # a file that cannot be read or decoded is read again whole, which says why in Chinese
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with open(path, "rb") as source:
            while block := source.read(size):
                yield decoder.decode(block)
        yield decoder.decode(b"", final=True)
    except (OSError, UnicodeDecodeError):
        raise NotStreamable from None


def _read_whole(path: Path):
    from .. import protected_files
    from ..domain import jsonformat

    try:
        protected_files.refuse_reading(path)
        text = path.read_text("utf-8-sig")
    except protected_files.ProtectedFileError as exc:
        raise CommandError(exc.message) from None
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{_read_failure_reason(exc)}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} 不是有效的 JSON：不是 UTF-8 编码的文本") from None
    try:
        doc = jsonformat.parse_text(text)
    except jsonformat.JsonFormatError as exc:
        raise CommandError(f"{path} 不是有效的 JSON，未写入任何数据：{exc.problem}") from None
    try:
        return (*jsonformat.load(doc), jsonformat.load_filings(doc), jsonformat.load_attachments(doc))
    except jsonformat.JsonFormatError as exc:
        raise CommandError(f"{path} 有误，未写入任何数据：{exc}") from None


def _build(db: Path, read) -> tuple[list, int]:
    """Build the new data file from ``read()`` (profile, plans, purchases, filings, attachments) in a temporary file
    beside ``db``, then move it in place: all or nothing, whatever ``read`` raises."""
    from ..oserrors import write_failure_reason
    from ..store.database import Store
    from ..store.errors import StoreError

    tmp = db.with_name(db.name + ".loading")
    tmp.unlink(missing_ok=True)
    try:
        profile, plans, purchases, filings, attachments = read()
        with Store.open(tmp) as store:
            count = store.replace_all(profile, plans, purchases, filings, attachments)
        tmp.replace(db)
    except StoreError as exc:
        raise CommandError(exc.message) from None
    except OSError as exc:
        raise CommandError(f"无法写入 {db}：{write_failure_reason(exc)}") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return plans, count


def _read_failure_reason(exc: OSError) -> str:
    """Why a file could not be read, in Chinese (the system's text is English)."""
    import errno

    return {
        errno.ENOENT: "文件不存在", errno.EISDIR: "这是文件夹，不是文件", errno.EACCES: "没有读取权限",
        errno.EPERM: "没有读取权限", errno.EIO: "读取磁盘时出错",
    }.get(exc.errno, "无法读取该文件")


def write_text_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, in order) through a temporary file and rename, so a crash
    never leaves half a file."""
    from ..documents.errors import ExchangeError
    from ..documents.files import write_atomically

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            out.writelines([text] if isinstance(text, str) else text)

    try:
        write_atomically(Path(path), write)
    except ExchangeError as exc:
        raise CommandError(exc.message, 1) from None


COMMANDS = [
    Command("check", "检查某年度的数据，列出发现的问题", _check_arguments, cmd_check),
    Command("policies", "列出可用的政策文件，或逐条显示、检查一个", _policies_arguments, cmd_policies),
    Command("dump", "把整个数据文件写成 JSON", _dump_arguments, cmd_dump),
    Command("load", "由 JSON 文件建立新的数据文件（需配合 --db）", _load_arguments, cmd_load),
]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.self_test:
            from .selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from ..ui.app import run_gui

            return run_gui(args)
        return commands()[args.command].handler(args)
    except ClerkError as exc:  # the one place: every error the clerk is told about, with its exit status
        print(f"desktop832: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went (`desktop832 policies | head`): what is left has nobody to read it, and
        # Python's flush at exit would fail on the same pipe; the shell's convention for SIGPIPE
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
