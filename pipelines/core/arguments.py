"""argparse with its help and its usage errors said in Chinese (exit status 2): the command line's parser, and the
developers' demo generators' (python -m pipelines.operations.demo and the others)."""

import argparse
import sys
from pathlib import Path

EXIT_USAGE = 2

ARGPARSE_WORDS = {
    "the following arguments are required": "缺少必需的参数",
    "unrecognized arguments": "无法识别的参数",
    "invalid choice": "无效的选择",
    "invalid int value": "不是有效的整数",
    "expected one argument": "需要一个值",
    "choose from": "可选",
    "argument": "参数",
}


HELP_WORDS = {"usage: ": "用法：", "options:": "选项：", "positional arguments:": "位置参数：",
              "show this help message and exit": "显示本帮助并退出"}


class ChineseParser(argparse.ArgumentParser):
    """argparse with its help and its usage errors said in Chinese, exit status 2."""

    def format_help(self) -> str:
        text = super().format_help()
        for english, chinese in HELP_WORDS.items():
            text = text.replace(english, chinese)
        return text

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", HELP_WORDS["usage: "])

    def error(self, message: str):
        for english, chinese in ARGPARSE_WORDS.items():
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def raw_folder_argument(prog: str, description: str, default: Path) -> Path:
    """A developer's generator that takes only --raw (the demo generators): the folder, parsed in Chinese."""
    parser = ChineseParser(prog=prog, description=description)
    parser.add_argument("--raw", type=Path, default=default)
    return parser.parse_args().raw
