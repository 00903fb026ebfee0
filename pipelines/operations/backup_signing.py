"""Signed backups: HMAC-SHA256 over a backup's manifest, with a key kept outside data/raw and every backup.

The manifest lists every file of a backup with its sha256, so a signature over its exact bytes vouches for
every byte of the backup. Someone who changes a backup and writes a new manifest (an extra 管理 account in
accounts.json, a workbook swapped) cannot sign it again without the key. The key is a file of random bytes
(config.BACKUP_KEY_FILE, /etc/aohan-monitor/backup.key, or the file MONITOR_BACKUP_KEY names) readable by
root and the service user only; `backup` signs whenever it exists, `restore` refuses an unsigned or
mis-signed backup while it exists (unless told `--unsigned-ok`).
"""

import hashlib
import hmac
import json
from pathlib import Path

from ..core import config
from ..core.problems import InputError, Problem

SIGNATURE = "MANIFEST.sig"  # the backup's second member, right after MANIFEST.json
ALGORITHM = "HMAC-SHA256"
MIN_KEY_BYTES = 16


def key_path() -> Path:
    return config.backup_key_path()


def load_key(raw_dir: Path | None = None) -> bytes | None:
    """The signing key, or None when none is configured (no file). A key that cannot be used is refused:
    unreadable, too short, or inside the raw folder (it would be copied into every backup)."""
    path = key_path()
    if not path.exists():
        return None
    if raw_dir is not None and path.resolve().is_relative_to(Path(raw_dir).resolve()):
        raise InputError([Problem(str(path), f"备份签名密钥不能放在原始数据目录 {raw_dir} 之内（它会随备份一起被复制），请移到别处")])
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise InputError([Problem(str(path), f"备份签名密钥无法读取（{exc.strerror}）：请检查其权限（应可由服务账号读取）")]) from None
    if len(key) < MIN_KEY_BYTES:
        raise InputError([Problem(str(path), f"备份签名密钥太短（{len(key)} 字节，至少 {MIN_KEY_BYTES} 字节）")])
    return key


def key_id(key: bytes) -> str:
    """Which key signed (not the key): the start of its sha256, to tell another server's key from a forgery."""
    return hashlib.sha256(key).hexdigest()[:16]


def sign(manifest: bytes, key: bytes) -> bytes:
    """The signature member's bytes for a manifest."""
    mac = hmac.new(key, manifest, hashlib.sha256).hexdigest()
    return json.dumps({"algorithm": ALGORITHM, "key_id": key_id(key), "hmac": mac}).encode("utf-8")


def check(manifest: bytes, signature: bytes | None, key: bytes | None, unsigned_ok: bool) -> tuple[str | None, str]:
    """(why the backup is refused or None, what to say about its signature)."""
    where = str(key_path())
    if key is None:
        said = "备份已签名，但本机没有配置签名密钥，未验证签名" if signature else "备份未签名（本机没有配置签名密钥）"
        return None, said
    if signature is None:
        why = (f"备份没有签名，而本机配置了备份签名密钥（{where}）：只接受用该密钥签名的备份。"
               "若确知此备份来源可靠（如签名功能启用之前的备份），加 --unsigned-ok 再运行")
        return (None, "备份没有签名（按 --unsigned-ok 接受）") if unsigned_ok else (why, "")
    try:
        record = json.loads(signature.decode("utf-8"))
        valid = (record.get("algorithm") == ALGORITHM
                 and hmac.compare_digest(str(record.get("hmac", "")), hmac.new(key, manifest, hashlib.sha256).hexdigest()))
        other_key = record.get("key_id") != key_id(key)
    except (UnicodeDecodeError, ValueError, AttributeError):
        valid, other_key = False, False
    if valid:
        return None, "备份签名有效（与本机签名密钥一致）"
    why = ("备份的签名由另一把密钥生成（可能来自另一台服务器），与本机的签名密钥不符" if other_key else
           "备份的签名与其清单不符：备份在签名之后被改动过（清单被重写），已拒绝")
    if unsigned_ok:
        return None, f"{why}（按 --unsigned-ok 接受）"
    return f"{why}。若确知此备份来源可靠，加 --unsigned-ok 再运行", ""
