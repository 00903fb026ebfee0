"""`python -m pipelines review list|approve|return …`: review loaded workbooks from the command line.

    review list [ID] [--status 待审核|已通过|已退回|全部] [--as ACCOUNT] [--as-of YEAR]
    review approve ID… --as ACCOUNT [--note TEXT]
    review return  ID… --as ACCOUNT --reason TEXT

The same roles as the page: a decision needs --as, an account of role 管理 (every unit) or 审核 (its
units). `list ID` shows what approving that workbook would change (the preview). Exit status 0, 1 when a
decision is refused, 2 on bad usage.
"""

import argparse
import re
import sys
from pathlib import Path

from .. import config
from ..describe import present
from ..textable import render

STATUS_WORDS = {"pending": "pending", "approved": "approved", "returned": "returned", "all": "all",
                "待审核": "pending", "已通过": "approved", "已退回": "returned", "全部": "all"}


def add_parser(sub, parser_class) -> None:
    r = sub.add_parser("review", help="审核已载入的工作簿：列出待审核的，审核通过或退回")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw", type=Path, default=config.RAW_DIR)
    common.add_argument("--db", type=Path, default=config.DB_PATH)
    actions = r.add_subparsers(dest="action", required=True, parser_class=parser_class)
    listing = actions.add_parser("list", parents=[common], help="列出工作簿的审核状态；给出编号时显示审核通过将改变什么")
    listing.add_argument("id", nargs="?", type=int, metavar="ID", help="填报编号：显示审核通过后将改变的数值和目标状态")
    listing.add_argument("--status", choices=list(STATUS_WORDS), default="pending", help="待审核（默认）、已通过、已退回或全部")
    listing.add_argument("--as", dest="account", metavar="ACCOUNT",
                         help="只列出该审核账号所审核单位的工作簿；给出编号时，只显示该账号可以查看的工作簿")
    listing.add_argument("--as-of", type=int, dest="as_of", help="按哪个评估年度比较目标状态")
    approve = actions.add_parser("approve", parents=[common], help="审核通过（其数值计入各页面和报表）")
    approve.add_argument("ids", nargs="+", type=int, metavar="ID")
    approve.add_argument("--as", dest="account", required=True, metavar="ACCOUNT", help="以哪个管理或审核账号审核")
    approve.add_argument("--note", help="审核意见（可不填）")
    back = actions.add_parser("return", parents=[common], help="退回（须写明原因；其数值不计入）")
    back.add_argument("ids", nargs="+", type=int, metavar="ID")
    back.add_argument("--as", dest="account", required=True, metavar="ACCOUNT", help="以哪个管理或审核账号审核")
    back.add_argument("--reason", required=True, help="退回原因：告诉填报单位要改什么")


def run(args, ensure_warehouse) -> int:
    from ..accounts import AccountStore
    from .review import ReviewError, decide, refusals

    ensure_warehouse(args.db, args.raw)
    actor = AccountStore().named(args.account)
    if args.action == "list":
        try:
            return _list(args, actor)
        except ReviewError as exc:  # a number that is not (or no longer) a workbook's
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    decision = "approved" if args.action == "approve" else "returned"
    note = args.note if args.action == "approve" else args.reason
    said = refusals(args.db, args.ids, decision, actor, note)  # all or none: every one is checked first
    if said:
        for reason in said:
            print(f"错误：{reason}", file=sys.stderr)
        print(f"未做任何更改（{len(args.ids)} 个工作簿均未审核）", file=sys.stderr)
        return 1
    refused = 0
    for submission_id in args.ids:
        try:
            print(decide(args.raw, args.db, submission_id, decision, actor, note, source="命令行").message)
        except ReviewError as exc:  # changed by someone else since the check
            print(f"错误：{exc}", file=sys.stderr)
            refused += 1
    return 1 if refused else 0


def _list(args, actor) -> int:
    from ..warehouse import connect
    from .review import review_list, status_label

    status = STATUS_WORDS[args.status]
    if args.id is not None:
        return _preview(args, actor)
    with connect(args.db, read_only=True) as con:
        frame = review_list(con, status, actor)
    if frame.empty:
        print(f"没有{'' if status == 'all' else config.REVIEW_LABELS[status]}的工作簿。")
        return 0
    rows = []
    for r in frame.itertuples():
        notes = [config.DEMO_LABEL] if r.is_demo else []
        if r.n_later:
            notes.append(f"其后又收到同单位同年度工作簿{r.n_later}个")
        if r.review_status == "returned" and r.review_note:
            notes.append(f"退回原因：{r.review_note}")
        rows.append([f"#{r.submission_id}", r.unit, f"{r.year}", ("学校与幼儿园" if r.is_school else "年度填报"), r.file_name,
                     f"{r.received_at:%Y-%m-%d %H:%M}", r.account if present(r.account) else "", status_label(r.review_status, r.withdrawn),
                     r.reviewed_by if present(r.reviewed_by) else "", "；".join(notes)])
    print(render(["编号", "单位", "年度", "工作簿", "文件", "收到时间", "提交人", "状态", "审核人", "说明"], rows, max_width=30))
    print(f"共 {len(frame)} 个。查看审核通过将改变什么：python -m pipelines review list 编号")
    return 0


def _preview(args, actor) -> int:
    from ..warehouse import connect
    from .history import shown
    from .preview import preview
    from .review import ReviewError, submission
    from .visibility import visible

    if actor is not None:  # the page's rule: a unit's draft only to that unit, its reviewers and 管理
        with connect(args.db, read_only=True) as con:
            row = submission(con, args.id)
        if not visible(actor, row["unit"], row["review_status"]):
            raise ReviewError(f"填报 #{args.id} 是{row['unit']}{config.REVIEW_LABELS[row['review_status']]}的工作簿，"
                              f"账号{actor.label()}不能查看：待审核和已退回的工作簿只有本单位、审核该单位的账号和管理账号可以查看")
    p = preview(args.db, args.id, args.as_of)
    s = p.submission
    print(f"填报 #{args.id}：{s['unit']} {s['year']}年度“{s['file_name']}”，{config.REVIEW_LABELS[s['review_status']]}")
    print(p.summary())
    def exact(value, unit) -> str:  # as typed or read (61.25 万元), never rounded for the reviewer
        return shown(value, unit == "是/否") or "—"

    rows = [[r.name, r.unit or "", f"{r.year}", exact(r.current_value, r.unit), exact(r.value, r.unit), r.change]
            for r in p.values.itertuples() if r.change != "不变"]
    if rows:
        print("\n将改变的数值：")
        print(render(["指标", "单位", "年度", "现有值", "新值", "变化"], rows, max_width=40))
    for line in written_lines(p):
        print(line)
    if len(p.statuses):
        print(f"\n状态将改变的目标（评估年度 {p.as_of}）：")
        print(render(["目标", "牵头单位", "现状态", "审核通过后"],
                     [[r.name, r.lead_unit or "", r.before, r.after] for r in p.statuses.itertuples()], max_width=50))
    return 0


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # a terminal's escape sequences are no unit's words


def written_lines(p) -> list[str]:
    """The unit's own words that approving publishes (进展说明, 整改说明), in full: a reviewer reads them first."""
    def said(text) -> str:
        return " ".join(CONTROL.sub("", str(text or "")).split()) or "（未填写）"

    lines = []
    if len(p.progress):
        lines.append(f"\n任务进展与进展说明（{len(p.progress)} 项）：")
        lines += [f"  任务{r.task_no}（{r.status}）：{said(r.note)}" for r in p.progress.itertuples()]
    if len(p.rectifications):
        lines.append(f"\n整改说明（{len(p.rectifications)} 项）：")
        lines += [f"  {r.target_id} {r.name}：原因分析：{said(r.reason)}；整改措施：{said(r.measures)}；"
                  f"计划完成时间：{said(r.planned_text)}" for r in p.rectifications.itertuples()]
    return lines
