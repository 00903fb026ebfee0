"""`backup` and `restore`: the whole raw folder and the accounts file in one .tar.gz with a sha256 manifest.

The backup is a gzip-compressed tar whose first member, MANIFEST.json, names the format and lists every
other member with its size and sha256; when a signing key is configured (backup_signing), MANIFEST.sig
follows, an HMAC-SHA256 of the manifest's bytes; the raw folder's files follow under `raw/`, the accounts
file (password hashes and settings, outside data/raw) as `accounts.json`. It is written as `<name>.partial`
(held with a lock while written) and renamed at the end; a partial that no running backup holds is what a
killed backup left, and the next backup into that folder removes it.

Restore checks the `.sha256` file beside the backup (the nightly job writes one), the signature, then reads
the manifest and writes each member itself into a staging folder beside the target (never `extract`: no
member can land outside it, and links, devices and odd names are refused), checking every size and hash. It
then lists what the current raw folder (and, with `accounts`, the accounts file) has that the backup lacks
and goes on only when told `yes`; it moves the previous raw folder aside, puts the restored one in its place
and rebuilds the warehouse, with a marker beside the raw folder (restore_state) so that a killed restore
is finished or undone by the next writer.
"""

import fcntl
import gzip
import hashlib
import io
import itertools
import json
import os
import shutil
import socket
import tarfile
import time
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..core import config
from ..core.problems import InputError, Problem
from ..records import restore_state
from .backup_signing import SIGNATURE, check, load_key, sign
from .restore_finish import PARTIAL, RestoreReport, aside_name, finish

FORMAT = "aohan-education-monitor-backup"
FORMAT_VERSION = 1
MANIFEST = "MANIFEST.json"
RAW_PREFIX = "raw"
DAMAGED = "备份文件已损坏或不完整（压缩数据校验失败或文件被截断），无法读完"
ACCOUNTS_MEMBER = "accounts.json"
MAX_MANIFEST_BYTES = 50 * 1024 * 1024
FREE_SPACE_MARGIN = 100 * 1024 * 1024  # a restore stops before it would leave less than this on the disk
CHUNK = 1024 * 1024


@dataclass
class BackupReport:
    path: Path
    files: int
    raw_bytes: int
    size: int
    sha256: str
    accounts: bool
    signed: bool = False
    stale_partials: list[Path] | None = None  # what killed backups had left in the folder, removed


class NewerDataWouldBeLost(Exception):
    """Restoring would drop what happened after the backup; nothing was changed. lines: what, in Chinese."""

    def __init__(self, backup_file: Path, created_at: str, lines: list[str], kept_as: str):
        self.lines = lines
        super().__init__(f"备份“{backup_file.name}”（备份于 {created_at.replace('T', ' ') or '时间不详'}）中没有当前数据的以下内容，"
                         f"恢复后它们不再计入（{kept_as}）：")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _raw_files(raw_dir: Path) -> list[Path]:
    """Every file of the raw folder, the logs first (see backup), without half-written `.partial` files."""
    files = [p for p in raw_dir.rglob("*") if p.is_file() and not p.name.endswith(".partial")]
    # A log line is written after the file it names, so reading the logs before the files means every
    # workbook a stored log line names is in the backup too, even while an upload is being archived.
    return sorted(files, key=lambda p: (p.suffix != ".jsonl", p.relative_to(raw_dir).as_posix()))


def _tar_info(name: str, size: int, mtime: float, mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), mode
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _check_places(raw_dir: Path, out: Path) -> None:
    """A raw folder there is, and a backup file outside it that is not a folder (InputError otherwise)."""
    if not raw_dir.is_dir():
        raise InputError([Problem(str(raw_dir), "原始数据目录不存在，无法备份")])
    if out.resolve().is_relative_to(raw_dir.resolve()):
        raise InputError([Problem(str(out), f"备份文件不能放在原始数据目录 {raw_dir} 之内，请换一个位置")])
    if out.is_dir():
        raise InputError([Problem(str(out), "这是一个目录，请给出备份文件名（如 备份.tar.gz）")])


def backup(raw_dir: Path, out: Path, accounts_file: Path | None = None) -> BackupReport:
    """Write raw_dir (and the accounts file, if there is one) into out, atomically; out is mode 600."""
    from ..records.accounts import accounts_path

    raw_dir, out = Path(raw_dir), Path(out)
    accounts_file = Path(accounts_file) if accounts_file else accounts_path()
    _check_places(raw_dir, out)

    # First pass: hash every file. The logs grow while the app runs, so their bytes are kept as read;
    # any other file is read again when written and must still have the same hash.
    members = []  # (name, source path, bytes kept or None, mode)
    for path in _raw_files(raw_dir):
        data = path.read_bytes() if path.suffix == ".jsonl" else None
        members.append((f"{RAW_PREFIX}/{path.relative_to(raw_dir).as_posix()}", path, data, 0o644))
    if accounts_file.is_file():
        members.append((ACCOUNTS_MEMBER, accounts_file, accounts_file.read_bytes(), 0o600))
    files = []
    for name, path, data, _ in members:
        sha = hashlib.sha256(data).hexdigest() if data is not None else _sha256_file(path)
        files.append({"path": name, "size": len(data) if data is not None else path.stat().st_size, "sha256": sha})
    key = load_key(raw_dir)
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": datetime.now().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "raw_dir": str(raw_dir.resolve()),
        "files": files,
    }

    out.parent.mkdir(parents=True, exist_ok=True)
    stale = remove_stale_partials(out.parent)
    partial = out.with_name(out.name + PARTIAL)
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw_out:
            fcntl.flock(raw_out, fcntl.LOCK_EX)  # while held, no other backup takes this partial for a stale one
            with tarfile.open(fileobj=raw_out, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                tar.addfile(_tar_info(MANIFEST, len(body), datetime.now().timestamp()), io.BytesIO(body))
                if key is not None:
                    signature = sign(body, key)
                    tar.addfile(_tar_info(SIGNATURE, len(signature), datetime.now().timestamp()), io.BytesIO(signature))
                for (name, path, data, mode), entry in zip(members, files):
                    if data is None:
                        try:
                            data = path.read_bytes()
                        except FileNotFoundError:
                            raise InputError([Problem(name, "备份过程中文件被删除，请重新备份")]) from None
                        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                            raise InputError([Problem(name, "备份过程中文件被修改，请重新备份")])
                    tar.addfile(_tar_info(name, len(data), path.stat().st_mtime, mode), io.BytesIO(data))
            raw_out.flush()
            os.fsync(raw_out.fileno())
        os.replace(partial, out)
    finally:
        if partial.exists():
            partial.unlink()
    return BackupReport(out, len(files), sum(f["size"] for f in files), out.stat().st_size, _sha256_file(out),
                        accounts_file.is_file(), key is not None, stale)




def remove_stale_partials(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the `*.tar.gz.partial` files of backups killed while writing into folder (kill -9, power loss):
    one that a running backup holds (its lock) is left alone, and so is one written to in the last hour (a
    backup of an older version, or a copy by hand, holds no lock). Those removed."""
    now = time.time() if now is None else now
    removed = []
    for path in sorted(Path(folder).glob(f"*.tar.gz{PARTIAL}")):
        try:
            if now - path.stat().st_mtime < config.BACKUP_STALE_PARTIAL_SECONDS:
                continue
            with open(path, "rb") as held:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()
                removed.append(path)
        except (BlockingIOError, FileNotFoundError):
            continue  # being written by another backup, or gone already
    return removed


# ---- restore ------------------------------------------------------------------------------------------


def _refuse(backup_file: Path, reason: str) -> InputError:
    return InputError([Problem(backup_file.name, reason)])


def member_path(name: str) -> PurePosixPath | None:
    """The member's path if it is a plain relative one under raw/ (or the accounts file), else None."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    path = PurePosixPath(name)
    parts = path.parts
    if any(part in ("", ".", "..") for part in parts) or path.as_posix() != name:
        return None
    if name == ACCOUNTS_MEMBER or (len(parts) >= 2 and parts[0] == RAW_PREFIX):
        return path
    return None


def _read_manifest(tar: tarfile.TarFile, backup_file: Path) -> tuple[dict, bytes]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isreg():
        raise _refuse(backup_file, "不是本平台的备份文件：第一项不是清单 MANIFEST.json")
    if first.size > MAX_MANIFEST_BYTES:
        raise _refuse(backup_file, "不是本平台的备份文件：清单过大")
    body = tar.extractfile(first).read()
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(backup_file, "备份文件的清单 MANIFEST.json 无法读取（已损坏或不是本平台的备份）") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(backup_file, f"不是本平台的备份文件：清单中的格式不是“{FORMAT}”")
    if manifest.get("version") != FORMAT_VERSION:
        raise _refuse(backup_file, f"备份格式版本 {manifest.get('version')} 不受支持（本程序读取版本 {FORMAT_VERSION}）")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) and {"path", "size", "sha256"} <= f.keys() for f in files):
        raise _refuse(backup_file, "备份文件的清单不完整（缺少文件列表）")
    bad = [f["path"] for f in files if not isinstance(f["path"], str) or member_path(f["path"]) is None]
    if bad:
        raise _refuse(backup_file, f"清单中有不允许的路径（只允许 raw/ 之下的相对路径）：{'、'.join(map(str, bad[:5]))}")
    if not any(f["path"] == f"{RAW_PREFIX}/{config.PLAN_FILE}" for f in files):
        raise _refuse(backup_file, f"备份中没有方案文本 {RAW_PREFIX}/{config.PLAN_FILE}，不是完整的原始数据备份")
    return manifest, body


def _allowed_member(member: tarfile.TarInfo, seen: set[str], expected: dict, backup_file: Path) -> PurePosixPath:
    """The path a member is written to; refused (InputError) unless it is a plain file of the manifest, once,
    inside the target folder."""
    path = member_path(member.name)
    if path is None:
        raise _refuse(backup_file, f"备份中有不允许的路径“{member.name}”（可能试图写到目标目录之外），已拒绝")
    if not member.isreg():
        raise _refuse(backup_file, f"备份中的“{member.name}”不是普通文件（链接、目录或设备），已拒绝")
    if member.name in seen:
        raise _refuse(backup_file, f"备份中“{member.name}”出现了两次，已拒绝")
    if member.name not in expected:
        raise _refuse(backup_file, f"备份中的“{member.name}”不在清单中，已拒绝")
    return path


def _unpack(backup_file: Path, staging: Path, key: bytes | None, unsigned_ok: bool) -> tuple[dict, bytes | None, str]:
    """Check and write every member into staging; (manifest, accounts bytes, what was found of the signature).
    Raises InputError on any fault: the signature is checked before any member is written."""
    try:
        tar = tarfile.open(backup_file, mode="r:gz")
    except (tarfile.ReadError, gzip.BadGzipFile, EOFError, zlib.error):
        with open(backup_file, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
        if gzipped:  # a compressed file whose start no longer reads: damaged, not foreign
            raise _refuse(backup_file, DAMAGED) from None
        raise _refuse(backup_file, "不是本平台的备份文件（不是 gzip 压缩的 tar 文件）") from None
    accounts = None
    with tar:
        try:
            manifest, body = _read_manifest(tar, backup_file)
            members = iter(tar.next, None)
            second = next(members, None)
            signature = None
            if second is not None and second.name == SIGNATURE and second.isreg() and second.size < MAX_MANIFEST_BYTES:
                signature, second = tar.extractfile(second).read(), None
            refused, signed = check(body, signature, key, unsigned_ok)
            if refused:
                raise _refuse(backup_file, refused)
            expected = {f["path"]: f for f in manifest["files"]}
            seen: set[str] = set()
            problems = []
            for member in itertools.chain([second] if second is not None else [], members):
                path = _allowed_member(member, seen, expected, backup_file)
                seen.add(member.name)
                want = expected[member.name]
                if member.size != want["size"]:
                    problems.append(Problem(member.name, f"大小为 {member.size} 字节，清单记载 {want['size']} 字节"))
                    continue
                source = tar.extractfile(member)
                if member.name == ACCOUNTS_MEMBER:
                    data = source.read()
                    sha = hashlib.sha256(data).hexdigest()
                    accounts = data
                else:
                    sha = _write_member(source, member, staging, path, backup_file)
                if sha != want["sha256"]:
                    problems.append(Problem(member.name, "sha256 与清单不符（文件内容已损坏或被改动）"))
        except (EOFError, tarfile.ReadError, zlib.error, gzip.BadGzipFile):
            # gzip's checksum, or the tar structure, does not hold: bytes were changed or cut off.
            raise _refuse(backup_file, DAMAGED) from None
    missing = sorted(set(expected) - seen)
    problems += [Problem(name, "清单中有此文件，但备份中没有") for name in missing]
    if problems:
        raise InputError([Problem(backup_file.name, "备份文件已损坏：以下文件与清单不符，未做任何更改"), *problems])
    return manifest, accounts, signed


def check_beside_sha256(backup_file: Path) -> bool:
    """The `.sha256` file the nightly job writes beside a backup (`sha256sum` format), if there is one, must
    name the backup's bytes: True when checked, False when there is none; InputError when it does not match."""
    beside = backup_file.with_name(backup_file.name + ".sha256")
    if not beside.is_file():
        return False
    words = beside.read_text(encoding="utf-8", errors="replace").split()
    recorded = words[0].lower() if words else ""
    if len(recorded) != 64 or any(c not in "0123456789abcdef" for c in recorded):
        raise _refuse(backup_file, f"备份旁边的校验文件 {beside.name} 无法读取（不是 sha256sum 的格式），未做任何更改")
    if _sha256_file(backup_file) != recorded:
        raise _refuse(backup_file, f"备份文件与旁边的校验文件 {beside.name} 记载的 sha256 不符：备份在写成之后被改动或损坏，"
                                   "未做任何更改（如确知校验文件本身有误，把它移走后再试）")
    return True


def _write_member(source, member: tarfile.TarInfo, staging: Path, path: PurePosixPath, backup_file: Path) -> str:
    """Write one member's bytes under staging (only there), hashing as it goes; returns the sha256."""
    target = staging.joinpath(*path.parts[1:])
    if not target.resolve().is_relative_to(staging.resolve()):
        raise _refuse(backup_file, f"备份中的“{member.name}”会写到目标目录之外，已拒绝")
    free = shutil.disk_usage(staging).free
    if member.size > free - FREE_SPACE_MARGIN:
        raise _refuse(backup_file, f"磁盘空间不足：“{member.name}”需要 {member.size} 字节，剩余 {free} 字节")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(target, "xb") as out:
        while block := source.read(CHUNK):
            digest.update(block)
            out.write(block)
    os.utime(target, (member.mtime, member.mtime))
    return digest.hexdigest()


def restore(backup_file: Path, raw_dir: Path, db_path: Path, accounts_file: Path | None = None, *, yes: bool = False,
            accounts: bool = False, unsigned_ok: bool = False) -> RestoreReport:
    """Check backup_file, put its raw folder (and, when asked, its accounts file) in place, rebuild the warehouse.

    Nothing changes unless the `.sha256` beside it (if any), the signature (when a key is configured, unless
    unsigned_ok) and every member match, and — when the current raw folder (or, with accounts, the accounts
    file) has anything the backup lacks — unless yes (NewerDataWouldBeLost lists it). The accounts file is
    restored only with accounts, or where there is none. The previous raw folder and accounts file are kept
    beside the new ones (`….before-restore-<time>`), never deleted. Restored into another raw folder than the
    platform's own (to look at a backup, or to try one), the accounts go beside that folder (accounts_beside),
    never over the running platform's accounts file.
    """
    from ..records.accounts import accounts_path
    from .locking import writer_lock
    from .restore_check import accounts_differences, lost_in_raw

    backup_file, raw_dir, db_path = Path(backup_file), Path(raw_dir), Path(db_path)
    if accounts_file is None:
        own = raw_dir.resolve() == config.raw_dir().resolve()
        accounts_file = accounts_path() if own else accounts_beside(raw_dir)
    accounts_file = Path(accounts_file)
    if not backup_file.is_file():
        raise InputError([Problem(str(backup_file), "备份文件不存在")])
    if raw_dir.is_symlink():  # data/raw linked to a larger disk: restore there, keep the link
        raw_dir = raw_dir.resolve()
    sha256_checked = check_beside_sha256(backup_file)
    key = load_key(raw_dir)
    # The writers' lock: no ingest appends to the old raw folder's log, and no build reads it, while it is
    # swapped for the restored one and the warehouse rebuilt (pipelines/operations/locking.py).
    with writer_lock(db_path, raw_dir, purpose="从备份恢复原始数据"):
        raw_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = raw_dir.with_name(f".{raw_dir.name}.restoring-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o750)
        state = restore_state.start(raw_dir, db_path, backup_file, staging)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        occupied = raw_dir.exists() and (not raw_dir.is_dir() or any(raw_dir.iterdir()))
        aside = aside_name(raw_dir, stamp) if occupied else None
        try:
            manifest, kept, signed = _unpack(backup_file, staging, key, unsigned_ok)
            with_accounts = kept is not None and (accounts or not accounts_file.exists())
            dropped = lost_in_raw(raw_dir, staging) + (accounts_differences(accounts_file, kept) if with_accounts else [])
            if dropped and not yes:
                raise NewerDataWouldBeLost(backup_file, manifest.get("created_at", ""), dropped,
                                           f"恢复时原目录会另存为 {aside}，不会删除" if aside else "")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            restore_state.clear(raw_dir)
            raise
        if with_accounts:
            restore_state.keep_accounts(state, accounts_file, kept)
        raw_files = [f for f in manifest["files"] if f["path"] != ACCOUNTS_MEMBER]
        restore_state.advance(raw_dir, state, "swapping", aside=str(aside) if aside else None, dropped=dropped,
                              signature=signed, sha256_checked=sha256_checked, files=len(raw_files),
                              raw_bytes=sum(f["size"] for f in raw_files), created_at=manifest.get("created_at", ""),
                              stamp=stamp)
        report = finish(state)
    if kept is not None and not with_accounts:
        report.accounts_kept = f"账号文件 {accounts_file} 保持不变（备份中的账号文件未恢复；需要时加 --accounts）"
    elif kept is None:
        report.accounts_kept = "备份中没有账号文件，账号文件保持不变"
    return report


def accounts_beside(raw_dir: Path) -> Path:
    """The accounts file that goes with a raw folder other than the platform's: <parent>/accounts.json, as
    data/ holds data/raw and data/accounts.json — unless that is the platform's own accounts file. Beside the
    folder as named: a raw folder that is a link to a larger disk keeps its accounts where the link is."""
    from ..records.accounts import accounts_path

    beside = Path(os.path.abspath(raw_dir)).parent / "accounts.json"
    if beside.resolve() == accounts_path().resolve():
        beside = beside.with_name(f"accounts_{raw_dir.name}.json")
    return beside
