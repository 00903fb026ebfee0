"""What went wrong, in a sentence a person can act on (the command line and the app say the same).

A full disk reaches us as OSError(ENOSPC) from a file we write, or in words from DuckDB ("IO Error: … No
space left on device") when the warehouse cannot grow; a file that cannot be read or written as another
OSError; the warehouse's own I/O failure as a DuckDB IOException. Each is looked for along the exception's
causes (a library may wrap the one that happened). Anything else is the program's own fault: the caller
says so, with a reference to the details in the log.
"""

import errno

import duckdb

from .problems import InputError

# DuckDB and SQLite-like libraries say a full disk in words, not with an errno.
NO_SPACE_WORDS = ("no space left on device", "not enough space on the disk", "disk is full", "disk full",
                  "disk quota exceeded")
OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EROFS: "磁盘只读",
    errno.EISDIR: "这是一个文件夹",
    errno.EIO: "磁盘读写错误",
}
DISK_FULL = ("磁盘空间不足：服务器存放数据的磁盘已满，这次操作没有完成。请平台管理员清理磁盘"
             "（如移走旧的备份文件）后再试")


def causes(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during, each once, the outermost first."""
    chain, current = [], exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def is_disk_full(exc: BaseException) -> bool:
    for e in causes(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(words in str(e).lower() for words in NO_SPACE_WORDS):
            return True
    return False


def os_reason(exc: OSError) -> str:
    return OS_REASONS.get(exc.errno, "系统错误")


def sentence(exc: BaseException) -> str | None:
    """What happened, in Chinese, when it is something outside the program (the disk, a file, the warehouse
    file); None when it is the program's own fault (the caller says so, with a reference to the log)."""
    if is_disk_full(exc):
        return DISK_FULL
    for e in causes(exc):
        if isinstance(e, InputError):  # an input of ours that cannot be read (a damaged log line): its own words
            return "；".join(str(p) for p in e.problems)
    for e in causes(exc):
        if isinstance(e, OSError):
            where = f"文件“{e.filename}”" if e.filename else "文件"
            return f"无法读写{where}（{os_reason(e)}），这次操作没有完成"
    for e in causes(exc):
        if isinstance(e, duckdb.IOException):
            return "数据仓库文件无法读写（磁盘或文件出错），这次操作没有完成。请平台管理员检查磁盘后再试"
    return None
