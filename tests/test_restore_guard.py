"""Issue 20, item 4: a restore that would drop newer data says what and waits for --yes; accounts are restored
only when asked; a signed backup altered with a recomputed manifest, or one whose `.sha256` does not match,
is refused; a killed backup's `.partial` is removed by the next one (and the nightly job removes its own)."""

import hashlib
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pytest

from pipelines.core import config
from pipelines.operations.backup import MANIFEST
from pipelines.operations.backup_signing import SIGNATURE, key_path
from pipelines.operations.ingest import ingest_file
from pipelines.operations.review import decide
from pipelines.records.accounts import AccountStore
from tests.books import filled
from tests.cli import run_cli
from tests.test_backup import tree

DEPLOY = config.ROOT / "deploy"


@pytest.fixture
def site(wh, tmp_path, accounts, monkeypatch):
    """The platform's own raw folder (its accounts are the platform's) with one workbook approved, backed up."""
    raw, db = wh
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    first = ingest_file(filled(db, tmp_path / "旗教育局_2024.xlsx", year=2024, values={"KG_ENROLLED": 10000}), raw, db)
    decide(raw, db, first.submission_id, "approved", AccountStore().get("admin"))
    out = tmp_path / "backups" / "older.tar.gz"
    assert run_cli("backup", "--out", out, "--raw", raw).returncode == 0
    return raw, db, accounts, out


def newer_data(raw, db, tmp_path):
    """After the backup: a workbook approved, an account added, a password changed, an account removed."""
    later = ingest_file(filled(db, tmp_path / "旗教育局_2025_后来.xlsx", values={"KG_ENROLLED": 12345}), raw, db)
    decide(raw, db, later.submission_id, "approved", AccountStore().get("admin"))
    store = AccountStore()
    store.add("late", "管理", None, "late-pass-123", [])
    store.set_password("edu", "edu-new-pass-456")
    store.remove("viewer")


def state(raw, db, accounts):
    return tree(raw), db.read_bytes(), accounts.read_bytes()


def test_restoring_an_older_backup_lists_what_would_be_lost_and_changes_nothing(site, tmp_path):
    raw, db, accounts, out = site
    newer_data(raw, db, tmp_path)
    before = state(raw, db, accounts)

    done = run_cli("restore", out, "--raw", raw, "--db", db)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    said = done.stderr
    assert "备份之后收到的工作簿 1 个：旗教育局 2025年度“旗教育局_2025_后来.xlsx”" in said
    assert "备份之后的审核决定 1 项：“旗教育局_2025_后来.xlsx”审核通过（admin" in said
    assert "备份之后的审计记录" in said and "未做任何更改" in said and "--yes" in said
    assert "late" not in said and "也要恢复账号时加 --accounts" in said  # accounts stay unless asked
    assert state(raw, db, accounts) == before

    done = run_cli("restore", out, "--raw", raw, "--db", db, "--accounts")
    assert done.returncode == 1
    said = done.stderr
    assert "备份之后新建的账号 1 个（恢复后将不存在）：late（管理）" in said
    assert "备份之后删除的账号 1 个（恢复后将重新出现，可用备份时的密码登录）：viewer（浏览）" in said
    assert "备份之后改过密码的账号 1 个（恢复后旧密码重新生效）：edu" in said
    assert state(raw, db, accounts) == before
    assert not [p for p in raw.parent.iterdir() if "restor" in p.name]  # no staging folder, no marker left


def test_with_yes_the_raw_folder_is_restored_and_the_accounts_only_when_asked(site, tmp_path):
    raw, db, accounts, out = site
    newer_data(raw, db, tmp_path)
    done = run_cli("restore", out, "--raw", raw, "--db", db, "--yes")
    assert done.returncode == 0, done.stderr
    assert "按 --yes 不再计入" in done.stdout and "账号文件" in done.stdout and "保持不变" in done.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select file_name from submissions").fetchall() == [("旗教育局_2024.xlsx",)]
        dropped = con.execute("select result from audit where event = 'restore'").fetchall()
    assert len(dropped) == 1 and "旗教育局_2025_后来.xlsx" in dropped[0][0]  # the restore is in the audit trail
    store = AccountStore()
    assert store.get("late") is not None and store.get("viewer") is None
    assert store.verify("edu", "edu-new-pass-456") is not None  # the current accounts stay
    assert run_cli("health", "--raw", raw, "--db", db).returncode == 0

    done = run_cli("restore", out, "--raw", raw, "--db", db, "--yes", "--accounts")
    assert done.returncode == 0, done.stderr
    store = AccountStore()
    assert store.get("late") is None and store.get("viewer") is not None
    assert store.verify("edu", "edu-pass-123") is not None and store.verify("edu", "edu-new-pass-456") is None
    kept = [p for p in accounts.parent.iterdir() if p.name.startswith("accounts.json.before-restore-")]
    assert len(kept) == 1 and AccountStore(kept[0]).get("late") is not None  # kept aside, never deleted


def test_restoring_the_same_data_needs_no_yes(site):
    raw, db, _, out = site
    done = run_cli("restore", out, "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr


# ---- signatures and checksums -----------------------------------------------------------------------------


def members(path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path, "r:gz") as tar:
        return [(m, tar.extractfile(m).read()) for m in tar]


def write(path: Path, items: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, data in items:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def with_an_extra_admin(source: Path, dest: Path, keep_signature: bool = True) -> Path:
    """The attack: accounts.json given an extra 管理 account, the manifest recomputed to match it."""
    items = members(source)
    files = dict((m.name, d) for m, d in items)
    account = json.loads(files["accounts.json"])
    account["accounts"].append({**account["accounts"][0], "name": "intruder", "role": "管理"})
    files["accounts.json"] = json.dumps(account, ensure_ascii=False).encode()
    manifest = json.loads(files[MANIFEST])
    for entry in manifest["files"]:
        data = files[entry["path"]]
        entry["size"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    files[MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    return write(dest, [(m, files[m.name]) for m, _ in items if keep_signature or m.name != SIGNATURE])


@pytest.fixture
def signed(site):
    raw, db, accounts, _ = site
    key_path().write_bytes(secrets.token_bytes(32))
    out = Path(str(site[3]).replace("older", "signed"))
    done = run_cli("backup", "--out", out, "--raw", raw)
    assert done.returncode == 0 and "已用签名密钥" in done.stdout and "签名" in done.stdout
    assert [m.name for m, _ in members(out)][:2] == [MANIFEST, SIGNATURE]
    return raw, db, accounts, out


def test_a_signed_backup_is_restored_and_says_so(signed):
    raw, db, _, out = signed
    done = run_cli("restore", out, "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "备份签名有效" in done.stdout


def test_a_signed_backup_altered_with_a_recomputed_manifest_is_refused(signed, tmp_path):
    raw, db, accounts, out = signed
    before = state(raw, db, accounts)
    forged = with_an_extra_admin(out, tmp_path / "forged.tar.gz")
    for options in ((), ("--accounts", "--yes")):
        done = run_cli("restore", forged, "--raw", raw, "--db", db, *options)
        assert done.returncode == 1 and "签名与其清单不符" in done.stderr and "未做任何更改" in done.stderr
    assert state(raw, db, accounts) == before and AccountStore().get("intruder") is None
    unsigned = with_an_extra_admin(out, tmp_path / "unsigned.tar.gz", keep_signature=False)
    done = run_cli("restore", unsigned, "--raw", raw, "--db", db, "--accounts", "--yes")
    assert done.returncode == 1 and "备份没有签名" in done.stderr and "--unsigned-ok" in done.stderr
    assert state(raw, db, accounts) == before and AccountStore().get("intruder") is None


def test_a_backup_signed_with_another_key_is_refused_unless_forced(signed, tmp_path):
    raw, db, _, _ = signed
    key_path().write_bytes(secrets.token_bytes(32))  # this server's key is now another one
    other = run_cli("restore", signed[3], "--raw", raw, "--db", db)
    assert other.returncode == 1 and "另一把密钥" in other.stderr
    forced = run_cli("restore", signed[3], "--raw", raw, "--db", db, "--unsigned-ok")
    assert forced.returncode == 0, forced.stderr
    assert "按 --unsigned-ok 接受" in forced.stdout


def test_the_sha256_written_beside_a_backup_is_checked(site):
    raw, db, accounts, out = site
    beside = out.with_name(out.name + ".sha256")
    beside.write_text(f"{hashlib.sha256(out.read_bytes()).hexdigest()}  {out.name}\n", encoding="utf-8")
    done = run_cli("restore", out, "--raw", raw, "--db", db)
    assert done.returncode == 0 and "已核对旁边的 .sha256 校验文件" in done.stdout
    beside.write_text(f"{'0' * 64}  {out.name}\n", encoding="utf-8")
    before = state(raw, db, accounts)
    done = run_cli("restore", out, "--raw", raw, "--db", db, "--yes")
    assert done.returncode == 1 and "与旁边的校验文件" in done.stderr and state(raw, db, accounts) == before


# ---- partial files of killed backups ----------------------------------------------------------------------


def test_a_killed_backup_leaves_a_partial_that_the_next_backup_removes(site, tmp_path):
    raw, *_ = site
    folder = tmp_path / "nightly"
    killed = subprocess.run([sys.executable, "-m", "tests.kill_at", "_tar_info:4", "backup", "--out",
                             str(folder / "killed.tar.gz"), "--raw", str(raw)], cwd=config.ROOT,
                            env={**os.environ, "PYTHONPATH": str(config.ROOT)}, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = folder / "killed.tar.gz.partial"
    assert partial.exists()  # (its bytes may still be in the compressor: written or not, it is half a backup)
    assert run_cli("backup", "--out", folder / "soon.tar.gz", "--raw", raw).returncode == 0
    assert partial.exists()  # within the hour it could be someone's copy without a lock: left
    day_ago = partial.stat().st_mtime - 86400
    os.utime(partial, (day_ago, day_ago))  # the next night
    busy = folder / "running.tar.gz.partial"  # another backup writing right now (for hours): its lock is held
    with open(busy, "wb") as held:
        import fcntl

        fcntl.flock(held, fcntl.LOCK_EX)
        os.utime(busy, (day_ago, day_ago))
        done = run_cli("backup", "--out", folder / "next.tar.gz", "--raw", raw)
    assert done.returncode == 0, done.stderr
    assert not partial.exists() and f"已删除此前中断的备份留下的未完成文件 {partial}" in done.stdout
    assert busy.exists() and (folder / "next.tar.gz").exists()


def test_the_nightly_job_removes_its_own_partial_files_when_it_fails(site, tmp_path):
    raw, *_ = site
    backups = tmp_path / "backups-n"
    backups.mkdir()
    (backups / "aohan-monitor-20260101T023000.tar.gz.sha256.partial").write_text("half")  # a killed run's
    fake = tmp_path / "python-killed"
    # `$PYTHON -m pipelines backup --out FILE`, killed after writing part of its file
    fake.write_text('#!/bin/sh\necho half > "$5.partial"\nkill -9 $$\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "BACKUP_DIR": str(backups), "BACKUP_KEEP": "3", "PYTHON": str(fake), "MONITOR_RAW": str(raw),
           "PYTHONPATH": str(config.ROOT)}
    done = subprocess.run([str(DEPLOY / "nightly-backup.sh")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode != 0
    assert list(backups.iterdir()) == []  # its own partial, and the one a killed run left


def test_health_tells_a_restore_in_progress_from_an_interrupted_one(wh, tmp_path):
    """A restore holds the writers' lock from start to end: while it is held the marker means 正在恢复, once it is
    free (the process gone, kill -9 included) the marker means the restore was interrupted."""
    from pipelines.records import restore_state
    from tests.test_writer_lock import hold_lock_in_another_process

    raw, db = wh
    release = tmp_path / "release"
    holder = hold_lock_in_another_process(db, raw, release)  # as the restore would, before its marker
    restore_state.start(raw, db, tmp_path / "b.tar.gz", raw.with_name(".raw.restoring-1"))
    try:
        during = run_cli("health", "--raw", raw, "--db", db)
    finally:
        release.touch()
        holder.wait(timeout=30)
    after = run_cli("health", "--raw", raw, "--db", db)
    assert during.returncode == after.returncode == 1
    assert "正在从备份“b.tar.gz”恢复" in during.stdout and "中断" not in during.stdout
    assert "正在" not in after.stdout and "在检查备份时中断" in after.stdout and "没有替换" in after.stdout
