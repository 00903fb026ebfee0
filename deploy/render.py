"""Fill a deploy/ template's @NAME@ placeholders: python3 deploy/render.py TEMPLATE NAME=VALUE… > OUT.

Used by scripts/deploy.sh and by the tests (which serve the same nginx site on free ports), so the files
installed on a server are the files tested. Every placeholder must be given and every value used.
"""

import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


def render(template: str, values: dict[str, str]) -> str:
    wanted = set(PLACEHOLDER.findall(template))
    if missing := wanted - values.keys():
        raise KeyError(f"缺少取值：{', '.join(sorted(missing))}")
    if unused := values.keys() - wanted:
        raise KeyError(f"模板中没有：{', '.join(sorted(unused))}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def main(argv: list[str]) -> int:
    if len(argv) < 1:
        print("用法：python3 deploy/render.py TEMPLATE NAME=VALUE…", file=sys.stderr)
        return 2
    values = dict(arg.split("=", 1) for arg in argv[1:])
    try:
        sys.stdout.write(render(Path(argv[0]).read_text(encoding="utf-8"), values))
    except KeyError as exc:
        print(f"{argv[0]}：{exc.args[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
