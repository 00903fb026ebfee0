"""Command line: python -m pipelines build|template|ingest|import|status|report|user|review|backup|restore|health|demo|ruling|
quarantine|plan
(docs/design.md).

Exit status 0 on success, 1 when an input is rejected, 2 on bad usage, and 3 only when `import` has written a
proposed mapping for a person to confirm. Messages are Chinese; a traceback is never the message (set
PIPELINES_DEBUG=1 to see one).
"""

import logging
import os
import sys
from pathlib import Path

from ..core import config, failures, logging_setup
from ..core.arguments import EXIT_USAGE
from ..core.problems import InputError
from ..records.accounts import AccountError
from ..warehouse import buildinfo
from ..warehouse.connection import WarehouseBusy
from .parser import parser

EXIT_OK, EXIT_REJECTED, EXIT_PROPOSED = 0, 1, 3  # EXIT_USAGE (2) is the parser's: core/arguments.py
log = logging.getLogger(__name__)

def run_build(args) -> int:
    from ..operations.build import build
    from ..warehouse.schema import holds_demo, made_by_this_version

    if args.if_needed and args.db.exists():
        if made_by_this_version(args.db) and not (args.no_demo and holds_demo(args.db)):
            # The service starts here: what a crash left (a restore killed in its rebuild, a decision logged but
            # not applied) is finished before the app serves the warehouse.
            from ..operations.locking import bring_up_to_date

            notes = bring_up_to_date(args.db, args.raw)
            for note in notes:
                print(f"恢复：{note}", file=sys.stderr)
            print(f"数据仓库 {args.db} 已是当前版本建立的，无需重建" + ("；已按原始数据补齐（见上）" if notes else ""))
            return EXIT_OK
        if made_by_this_version(args.db):
            print(f"数据仓库 {args.db} 含示例数据，按 --no-demo 重建……", file=sys.stderr)
        else:
            print(f"数据仓库 {args.db} 由其他版本的程序建立（表、视图与当前版本不同），按当前版本重建……", file=sys.stderr)
    report = build(args.raw, args.db, include_demo=not args.no_demo)
    buildinfo.record(args.db, args.raw, not args.no_demo and not report.demo_ended, report.submissions)
    print(
        f"已重建数据仓库 {args.db}：任务 {report.tasks} 项，单位 {report.units} 个，"
        f"量化目标 {report.targets} 个，正文与附件差异 {report.discrepancies} 处；"
        f"载入填报工作簿 {report.submissions} 个" + (f"（未载入示例数据 {report.skipped_demo} 个"
                                                  + ("，示例数据已结束" if report.demo_ended else "") + "）"
                                                  if report.skipped_demo else "")
    )
    return EXIT_OK


def ensure_warehouse(db: Path, raw: Path | None = None, build_if_missing: bool | None = None) -> None:
    """The default warehouse is built when missing; a warehouse named with --db must exist (a typo in a
    path should not quietly build a new one) unless the command also names its raw folder. A warehouse built
    by another version of the code (after an update) is rebuilt the same way, or refused when named. A
    warehouse behind its raw folder's log (a writer killed after logging) is caught up before it is read,
    when the raw folder is known (the default one, or named with --raw)."""
    from ..core.problems import InputError, Problem
    from ..warehouse.schema import made_by_this_version

    if raw is None and db.resolve() == config.db_path().resolve():
        raw = config.raw_dir()
    if db.exists() and made_by_this_version(db):
        if raw is not None:
            _catch_up_if_behind(db, raw)
        return
    raw = raw or config.raw_dir()
    if build_if_missing is None:
        build_if_missing = db.resolve() == config.db_path().resolve()
    if not build_if_missing:
        reason = ("数据仓库由其他版本的程序建立（表、视图与当前版本不同），请先运行 python -m pipelines build 重建"
                  if db.exists() else "数据仓库文件不存在（请检查 --db 的路径，或先运行 python -m pipelines build）")
        raise InputError([Problem(str(db), reason)])
    from ..operations.build import build
    from ..operations.locking import writer_lock

    with writer_lock(db, raw, purpose="建立数据仓库"):
        if db.exists() and made_by_this_version(db):  # another process built it while this one waited
            return
        print(f"数据仓库 {db} {'由其他版本的程序建立' if db.exists() else '不存在'}，先从 {raw} 重建……", file=sys.stderr)
        report = build(raw, db)
        buildinfo.record(db, raw, True, report.submissions)


def _catch_up_if_behind(db: Path, raw: Path) -> None:
    """A command that reads the warehouse first brings it up to date: a restore left unfinished is finished,
    a warehouse behind the log caught up (recovery.stale)."""
    from ..operations.locking import bring_up_to_date
    from ..records.recovery import stale

    if stale(db, raw):
        for note in bring_up_to_date(db, raw):
            print(f"恢复：{note}", file=sys.stderr)


def run_template(args) -> int:
    from ..warehouse.connection import connect
    from ..workbooks.template import write_template

    ensure_warehouse(args.db)
    if args.out.suffix.lower() != ".xlsx":
        print("用法错误：--out 应为 .xlsx 文件", file=sys.stderr)
        return EXIT_USAGE
    if args.schools:  # issue 12: the school and kindergarten workbook
        from ..schools.school_template import write_school_template as write_template
    elif args.plan:  # issue 23: the planning workbook
        from ..planning.template import write_plan_template as write_template
    with connect(args.db, read_only=True) as con:
        write_template(con, args.unit, args.year, args.out)
    kind = "学校与幼儿园" if args.schools else ("规划项目与适龄人口" if args.plan else "")
    print(f"已生成 {args.out}（{args.unit} {args.year}年度{kind}）")
    return EXIT_OK


def run_ingest(args) -> int:
    from ..core.problems import ordered
    from ..operations.ingest import ingest_file
    from ..records.accounts import AccountStore

    ensure_warehouse(args.db, args.raw, build_if_missing=True)
    actor = AccountStore().named(args.account)
    rejected = 0
    for path in args.files:
        if not path.is_file():
            print(f"错误：文件“{path}”不存在", file=sys.stderr)
            rejected += 1
            continue
        result = ingest_file(path, args.raw, args.db, actor=actor, account=None if actor else "（命令行）")
        stream = sys.stderr if result.outcome == "rejected" else sys.stdout
        print(result.message, file=stream)
        for problem in ordered(result.problems):  # root errors, what they hid, warnings, notes, what is missing
            print(f"  {problem}", file=stream)
        rejected += result.outcome == "rejected"
    return EXIT_REJECTED if rejected else EXIT_OK


def run_import(args) -> int:
    from . import import_command as import_cli

    ensure_warehouse(args.db, args.raw, build_if_missing=True)
    return import_cli.run(args)


def run_status(args) -> int:
    from ..warehouse.connection import connect
    from .status_report import status_text

    ensure_warehouse(args.db, args.raw)
    with connect(args.db, read_only=True) as con:
        text, ok = status_text(con, args.as_of)
    print(text)
    return EXIT_OK if ok else EXIT_USAGE


def run_report(args) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".pptx", ".xlsx", ".docx"):
        print("用法错误：--out 应为 .pptx（汇报幻灯片）、.xlsx（Excel 报表）或 .docx（Word 监测报告）文件", file=sys.stderr)
        return EXIT_USAGE
    if args.brief and suffix != ".pptx":
        print(f"用法错误：--brief 生成领导版短幻灯片，--out 应为 .pptx 文件（现为 {args.out.name}）", file=sys.stderr)
        return EXIT_USAGE
    if args.as_of is not None and args.as_of not in config.YEARS:
        print(f"用法错误：--as-of {args.as_of} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内", file=sys.stderr)
        return EXIT_USAGE
    ensure_warehouse(args.db, args.raw)
    from pipelines.warehouse.connection import connect
    from reports import images

    try:
        with connect(args.db, read_only=True) as con:
            if args.brief:
                from reports.brief_deck import build_brief_deck

                data = build_brief_deck(con, args.as_of)
            elif suffix == ".pptx":
                from reports.deck import build_deck

                data = build_deck(con, args.as_of)
            elif suffix == ".docx":
                from reports.word_report import build_document

                data = build_document(con, args.as_of)
            else:
                from reports.excel_report import build_workbook

                data = build_workbook(con, args.as_of)
    except images.ImageExportUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    finally:
        images.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"已生成 {args.out}（{len(data) / 1024:.0f} KB）")
    return EXIT_OK


def read_password(from_stdin: bool) -> str:
    """A new password, never from the command line: prompted twice, or one line of standard input."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise AccountError("两次输入的密码不一致")
    return first


def run_user(args) -> int:
    from ..operations import audit_trail
    from ..operations.locking import writer_lock
    from ..plan.inputs import read_units
    from ..records.accounts import AccountStore, name_problem
    from ..records.signin_state import SignInGuard
    from ..warehouse.connection import connect
    from ..warehouse.schema import made_by_this_version
    from ..workbooks.reporting import reporting_units

    store = AccountStore()
    if args.action != "list" and (problem := name_problem(args.name.strip())):
        raise AccountError(f"{problem}；这不是一个账号名")  # not echoed: a name this long or strange is no account's
    if args.action == "list":
        accounts = store.all()
        if not accounts:
            print(f"还没有账号（{store.path}）。新建第一个管理账号：python -m pipelines user add 账号名 --role 管理")
        for a in accounts:
            print(f"{a.name}\t{a.role}\t{a.unit or '、'.join(a.units or [])}\t创建于 {a.created_at}")
        return EXIT_OK
    # An account changes the accounts file and the audit trail, never a warehouse: none is built or opened to
    # write (an operator who points MONITOR_ACCOUNTS elsewhere must not find the default warehouse built).
    db = args.db if args.db.exists() and made_by_this_version(args.db) else None
    if args.action == "add":
        if db is not None:
            with connect(db, read_only=True) as con:
                units = reporting_units(con)
        else:  # the units of the raw folder's reference data
            units = [u for u in read_units(args.raw / config.REFERENCE_DIR)["unit"] if u]
    password = read_password(args.password_stdin) if args.action in ("add", "passwd") else None
    # The accounts file and the audit trail change under the writers' lock (of the warehouse too, when there is one).
    with writer_lock(db, args.raw, purpose="变更账号"):
        if args.action == "add":
            account = store.add(args.name, args.role, args.unit, password, units)
            message = f"已新建账号 {account.label()}"
        elif args.action == "remove":
            store.remove(args.name)
            message = f"已删除账号“{args.name}”"
        elif args.action == "unlock":
            if store.get(args.name) is None:
                raise AccountError(f"账号“{args.name}”不存在")
            held = SignInGuard(settings=store.settings()).unlock(args.name)
            message = (f"已解除账号“{args.name}”的登录锁定（{held} 个地址曾被锁定）" if held
                       else f"账号“{args.name}”没有被锁定；失败计数已清零")
        else:
            if store.get(args.name) is None:
                raise AccountError(f"账号“{args.name}”不存在")
            store.set_password(args.name, password)
            SignInGuard(settings=store.settings()).unlock(args.name)  # a new password starts a clean count
            message = f"已修改账号“{args.name}”的密码（该账号已登录的会话随之结束，锁定解除）"
        audit_trail.record(args.raw, db, "account", args.name, message, source="命令行")
    print(message)
    return EXIT_OK


def run_backup(args) -> int:
    import signal

    from ..operations.backup import backup
    from ..operations.backup_signing import key_path

    # Stopped (systemctl stop, a timeout): end as an interrupt does, so that the half-written file is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_REJECTED))
    r = backup(args.raw, args.out)
    for path in r.stale_partials or []:
        print(f"已删除此前中断的备份留下的未完成文件 {path}")
    print(f"已备份 {r.files} 个文件（原始数据{'和账号文件' if r.accounts else ''}，共 {r.raw_bytes / 1e6:.1f} MB，"
          f"压缩后 {r.size / 1e6:.1f} MB）到 {r.path}\nsha256 {r.sha256}")
    print(f"已用签名密钥 {key_path()} 签名" if r.signed else f"未签名（没有签名密钥 {key_path()}）")
    return EXIT_OK


def run_restore(args) -> int:
    from ..operations.backup import NewerDataWouldBeLost, restore
    from ..operations.restore_finish import RebuildFailed

    try:
        r = restore(args.file, args.raw, args.db, yes=args.yes, accounts=args.accounts, unsigned_ok=args.unsigned_ok)
    except NewerDataWouldBeLost as exc:
        print(str(exc), file=sys.stderr)
        for line in exc.lines:
            print(f"  - {line}", file=sys.stderr)
        print("未做任何更改。确认要恢复，请加 --yes 重新运行" + ("" if args.accounts else "（账号文件保持不变；也要恢复账号时加 --accounts）"),
              file=sys.stderr)
        return EXIT_REJECTED
    except RebuildFailed as exc:
        print(str(exc), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"已从 {args.file}（备份于 {r.created_at}）恢复 {r.files} 个文件（{r.raw_bytes / 1e6:.1f} MB）到 {args.raw}")
    print(r.signature + "；" + ("已核对旁边的 .sha256 校验文件" if r.sha256_checked else "旁边没有 .sha256 校验文件"))
    if r.dropped:
        print("按 --yes 不再计入的备份之后的数据：\n" + "\n".join(f"  - {line}" for line in r.dropped))
    if r.raw_aside:
        print(f"原来的原始数据目录另存为 {r.raw_aside}")
    if r.accounts_restored:
        print(f"账号文件已恢复到 {r.accounts_file}" + (f"，原来的账号文件另存为 {r.accounts_aside}" if r.accounts_aside else ""))
    elif r.accounts_kept:
        print(r.accounts_kept)
    print(f"已重建数据仓库 {args.db}：载入填报工作簿 {r.build.submissions} 个")
    return EXIT_OK


def run_health(args) -> int:
    from ..operations.health import check

    report = check(args.raw, args.db)
    print(report.text())
    return EXIT_OK if report.current else EXIT_REJECTED


def run_quarantine(args) -> int:
    from ..operations.quarantine_actions import admit, describe, discard, repair_log
    from ..records import quarantine
    from ..records.accounts import AccountStore

    try:
        if args.action == "list":
            listed = quarantine.items(args.raw)
            if not listed:
                print(f"隔离区（{quarantine.folder(args.raw)}）中没有文件")
                return EXIT_OK
            print(f"隔离区（{quarantine.folder(args.raw)}）中有 {len(listed)} 个文件：")
            print("\n".join(describe(args.raw, listed)))
            print("核对后：python -m pipelines quarantine admit FILE（重新检查并载入，待审核），"
                  "或 quarantine discard FILE --as 管理账号 --reason 原因（丢弃，记入审计日志）")
            return EXIT_OK
        actor = AccountStore().named(args.account)
        if args.action == "discard":
            print(discard(args.raw, args.db, args.file, actor, args.reason))
            return EXIT_OK
        if args.action == "repair-log":
            for note in repair_log(args.raw, args.db, args.account):
                print(note)
            return EXIT_OK
        ensure_warehouse(args.db, args.raw, build_if_missing=True)
        done = admit(args.raw, args.db, args.file, actor)
    except quarantine.QuarantineError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_REJECTED
    from ..core.problems import ordered

    stream = sys.stderr if done.result.outcome == "rejected" else sys.stdout
    print(done.result.message, file=stream)
    for problem in ordered(done.result.problems):
        print(f"  {problem}", file=stream)
    if done.result.outcome == "rejected":
        print(f"{done.item.key} 仍在隔离区中，未做其他更改", file=stream)
        return EXIT_REJECTED
    print(f"已移出隔离区：{done.item.key}")
    return EXIT_OK


def run_demo(args) -> int:
    from ..operations.demo_removal import end_demo
    from ..records.accounts import AccountStore

    actor = AccountStore().named(args.account)
    if actor is not None and not actor.is_admin:
        raise AccountError(f"账号{actor.label()}不是管理账号：只有管理账号可以结束示例数据")
    ensure_warehouse(args.db, args.raw, build_if_missing=True)
    ended = end_demo(args.raw, args.db, args.account or "（命令行）", source=args.source)
    print(ended.message)
    return EXIT_OK


def run_ruling(args) -> int:
    from ..operations.rulings import record
    from ..records.accounts import AccountStore
    from ..records.ruling_state import RulingError

    actor = AccountStore().named(args.account)
    ensure_warehouse(args.db, args.raw, build_if_missing=True)
    try:
        result = record(args.raw, args.db, args.target, args.text, actor, args.reason, source="命令行")
    except RulingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(result.message)
    return EXIT_OK


def run_plan(args) -> int:
    from . import plan_command as plan_cli

    return plan_cli.run(args, ensure_warehouse)


def run_review(args) -> int:
    from . import review_command as review_cli

    return review_cli.run(args, ensure_warehouse)


COMMANDS = {"build": run_build, "template": run_template, "ingest": run_ingest, "import": run_import, "status": run_status,
            "report": run_report, "user": run_user, "backup": run_backup, "restore": run_restore, "health": run_health,
            "review": run_review, "demo": run_demo, "ruling": run_ruling, "quarantine": run_quarantine, "plan": run_plan}


def main(argv: list[str] | None = None) -> int:
    logging_setup.configure()
    args = parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the command as typed (import says how to run it again)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"输入被拒绝，未做任何更改。共 {len(exc.problems)} 个问题：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REJECTED
    except AccountError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_REJECTED
    except WarehouseBusy as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    except (KeyboardInterrupt, EOFError):  # Ctrl-C, or the input ended (Ctrl-D at a prompt)
        print("已中断，未做任何更改。", file=sys.stderr)
        return EXIT_REJECTED
    except BrokenPipeError:  # the output was piped into `head` and closed: nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    # The last guard, and the one broad catch of the command line by design: whatever fails inside, a person
    # gets a Chinese sentence and exit status 1, not a traceback or an exception's name; the traceback goes to
    # the log at DEBUG (PIPELINES_DEBUG=1 shows it).
    except Exception as exc:
        log.debug("%s: 处理失败", args.command, exc_info=True)
        # A full disk (OSError ENOSPC, or DuckDB's "No space left on device"), a file that cannot be read or
        # written, the warehouse file's I/O: said as such (failures.sentence); else the program's own fault.
        said = failures.sentence(exc)
        if said:
            print(f"处理失败：{said}。已保存的数据不受影响。", file=sys.stderr)
        else:
            print("处理失败（程序内部错误），未做任何更改。请把命令和这条消息告诉管理员；"
                  "设置环境变量 PIPELINES_DEBUG=1 重新运行可看到技术细节。", file=sys.stderr)
        return EXIT_REJECTED

