"""Make files readable by their owner only, never through a link: python3 deploy/private_file.py FILE…

scripts/deploy.sh runs as root over data/, which belongs to the service user: a link planted there as
data/accounts.json must not make root's chmod (or chown) reach the file it points to (issue 20). Each
file is opened with O_NOFOLLOW and changed through that open file, so a link swapped in between a check
and the change is refused too. A missing file is skipped; a link or anything but a plain file is refused
(exit 1, nothing of it changed).
"""

import os
import stat
import sys


def make_private(path: str) -> str | None:
    """Mode 600 on path; a Chinese reason when it is refused, None when done (or when there is no such file)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    except OSError:
        return f"{path} 是符号链接或无法打开，未更改其权限（请检查后删除它，再运行部署）"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return f"{path} 不是普通文件，未更改其权限"
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return None


def main(paths: list[str]) -> int:
    refusals = [reason for path in paths if (reason := make_private(path))]
    for reason in refusals:
        print(f"部署中止：{reason}", file=sys.stderr)
    return 1 if refusals else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
