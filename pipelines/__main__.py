"""Command line: python -m pipelines build|template|ingest|status|report|user (DESIGN.md, the contract).

Exit status 0 on success, 1 when an input is rejected, 2 on bad usage. Messages are Chinese; a
traceback is never the message (set PIPELINES_DEBUG=1 to see one).
"""

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import config
from .problems import InputError
from .warehouse import WarehouseBusy

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2

ARGPARSE_WORDS = {
    "the following arguments are required": "缺少必需的参数",
    "unrecognized arguments": "无法识别的参数",
    "invalid choice": "无效的选择",
    "invalid int value": "不是有效的整数",
    "expected one argument": "需要一个值",
    "choose from": "可选",
    "argument": "参数",
}


class ChineseParser(argparse.ArgumentParser):
    """argparse with its usage errors said in Chinese, exit status 2."""

    def error(self, message: str):
        for english, chinese in ARGPARSE_WORDS.items():
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="python -m pipelines", description="敖汉旗教育高质量发展监测平台：数据管道")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ChineseParser)

    b = sub.add_parser("build", help="从原始数据目录重建数据仓库")
    b.add_argument("--raw", type=Path, default=config.RAW_DIR, help="原始数据目录（默认 data/raw）")
    b.add_argument("--db", type=Path, default=config.DB_PATH, help="数据仓库文件（默认 data/warehouse.duckdb）")
    b.add_argument("--no-demo", action="store_true", help="不载入示例数据")
    return p


def run_build(args) -> int:
    from .build import build

    report = build(args.raw, args.db, include_demo=not args.no_demo)
    print(
        f"已重建数据仓库 {args.db}：任务 {report.tasks} 项，单位 {report.units} 个，"
        f"量化目标 {report.targets} 个，正文与附件差异 {report.discrepancies} 处"
    )
    return EXIT_OK


COMMANDS = {"build": run_build}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as exc:
        print(f"输入被拒绝，未做任何更改。共 {len(exc.problems)} 个问题：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REJECTED
    except WarehouseBusy as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print("已中断，未做任何更改。", file=sys.stderr)
        return EXIT_REJECTED
    except Exception as exc:  # the last guard: a person gets a sentence, not a traceback
        if os.environ.get("PIPELINES_DEBUG"):
            traceback.print_exc()
        print(f"处理失败：{type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REJECTED


if __name__ == "__main__":
    sys.exit(main())
