"""backup → wipe → restore gives the same warehouse; damaged, foreign and hostile backups are refused."""

import hashlib
import io
import json
import shutil
import tarfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.__main__ import main
from pipelines.accounts import AccountStore
from pipelines.backup import FORMAT, FORMAT_VERSION, MANIFEST, backup
from pipelines.collection.review import decide
from pipelines.ingest import ingest_file, withdraw
from tests.books import copy_warehouse, filled
from tests.cli import run_cli


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder with its sha256."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's and view's rows, sorted, by name."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [n for (n,) in con.execute(
            "select table_name from duckdb_tables() union all "
            "select view_name from duckdb_views() where not internal order by 1").fetchall()]
        return {n: sorted(con.execute(f'from "{n}"').fetchall(), key=repr) for n in names}


@pytest.fixture
def used(demo_base, accounts, tmp_path):
    """A raw folder and warehouse in use: the demo archive, a unit's upload approved (which ended the demo), a
    second one withdrawn, audit lines."""
    raw, db = copy_warehouse(*demo_base, tmp_path / "site")
    store = AccountStore()
    first = ingest_file(filled(db, tmp_path / "旗教育局_2025_更正.xlsx", values={"KG_PUBLIC_RATE": "66.6%"}), raw, db,
                        actor=store.get("edu"))
    second = ingest_file(filled(db, tmp_path / "旗教育局_2025_再更正.xlsx", values={"KG_PUBLIC_RATE": "67.2"}), raw, db,
                         actor=store.get("edu"))
    assert first.outcome == second.outcome == "loaded"
    decide(raw, db, first.submission_id, "approved", store.get("admin"))
    withdraw(raw, db, second.submission_id, store.get("admin"), "单位申请撤回")
    return raw, db, accounts


def test_backup_wipe_restore_gives_the_same_tables_files_and_accounts(used, tmp_path, monkeypatch):
    raw, db, accounts = used
    monkeypatch.setenv("MONITOR_RAW", str(raw))  # the platform's own raw folder: its accounts are restored too
    before_tables, before_raw, before_accounts = tables(db), tree(raw), accounts.read_bytes()
    assert len(before_tables["submissions"]) == 2 and len(before_tables["audit"]) >= 4  # the demo's 26 have gone
    out = tmp_path / "backups" / "备份.tar.gz"

    done = run_cli("backup", "--out", out, "--raw", raw)
    assert done.returncode == 0, done.stderr
    assert f"已备份 {len(before_raw) + 1} 个文件" in done.stdout
    assert out.stat().st_mode & 0o777 == 0o600  # it holds the password hashes
    shutil.rmtree(raw)
    db.unlink()
    accounts.unlink()

    done = run_cli("restore", out, "--raw", raw, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "已重建数据仓库" in done.stdout and "账号文件已恢复" in done.stdout
    assert tree(raw) == before_raw
    assert accounts.read_bytes() == before_accounts
    after = tables(db)
    assert after.keys() == before_tables.keys()
    for name in before_tables:
        assert after[name] == before_tables[name], name
    assert run_cli("health", "--raw", raw, "--db", db).returncode == 0


def test_restore_over_an_existing_raw_folder_keeps_it_aside(used, tmp_path, monkeypatch):
    raw, db, accounts = used
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    out = tmp_path / "b.tar.gz"
    backup(raw, out)
    old = tree(raw)
    audit_then = (raw / config.AUDIT_DIR / config.AUDIT_LOG).read_bytes()
    (raw / "reference" / "后来加的说明.txt").write_text("备份之后才加的文件", encoding="utf-8")
    AccountStore().add("late", "浏览", None, "late-pass-1", [])
    now, db_now = tree(raw), db.read_bytes()
    done = run_cli("restore", out, "--raw", raw, "--db", db, "--accounts")
    assert done.returncode == 1  # newer data would be dropped: listed, nothing changed, until --yes (issue 20)
    assert "reference/后来加的说明.txt" in done.stderr and "late（浏览）" in done.stderr and "--yes" in done.stderr
    assert tree(raw) == now and db.read_bytes() == db_now and AccountStore().get("late") is not None
    done = run_cli("restore", out, "--raw", raw, "--db", db, "--accounts", "--yes")
    assert done.returncode == 0, done.stderr
    audit_log = f"{config.AUDIT_DIR}/{config.AUDIT_LOG}"
    assert {k: v for k, v in tree(raw).items() if k != audit_log} == {k: v for k, v in old.items() if k != audit_log}
    restored = (raw / audit_log).read_bytes()
    assert restored.startswith(audit_then)  # the backup's audit trail, and one line saying what the restore dropped
    added = json.loads(restored[len(audit_then):])
    assert added["event"] == "restore" and "reference/后来加的说明.txt" in added["result"] and "late" in added["result"]
    aside = [p for p in raw.parent.iterdir() if p.name.startswith("raw.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "reference" / "后来加的说明.txt").exists()
    assert f"另存为 {aside[0]}" in done.stdout
    assert AccountStore().get("late") is None
    kept = [p for p in accounts.parent.iterdir() if p.name.startswith("accounts.json.before-restore-")]
    assert len(kept) == 1 and AccountStore(kept[0]).get("late") is not None


def test_restoring_into_another_folder_leaves_the_platforms_accounts_alone(used, tmp_path, monkeypatch):
    """To look at or try a backup, IT restores it elsewhere: the running platform's accounts must not change."""
    raw, db, accounts = used
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    out = tmp_path / "b.tar.gz"
    backup(raw, out)
    AccountStore().add("late", "浏览", None, "late-pass-1", [])
    live = accounts.read_bytes()
    elsewhere = tmp_path / "try" / "raw"
    done = run_cli("restore", out, "--raw", elsewhere, "--db", tmp_path / "try" / "w.duckdb")
    assert done.returncode == 0, done.stderr
    assert accounts.read_bytes() == live and AccountStore().get("late") is not None
    assert not [p for p in accounts.parent.iterdir() if ".before-restore-" in p.name]
    beside = tmp_path / "try" / "accounts.json"
    assert f"账号文件已恢复到 {beside}" in done.stdout
    assert AccountStore(beside).get("late") is None and AccountStore(beside).get("edu") is not None
    assert tree(elsewhere) == tree(raw)


def test_backup_refuses_to_write_inside_the_raw_folder(wh):
    raw, _ = wh
    done = run_cli("backup", "--out", raw / "备份.tar.gz", "--raw", raw)
    assert done.returncode == 1
    assert "不能放在原始数据目录" in done.stderr and not (raw / "备份.tar.gz").exists()


# ---- refusals: nothing changes -----------------------------------------------------------------------


@pytest.fixture
def target(wh, tmp_path):
    """A raw folder and warehouse that a refused restore must leave exactly as they are."""
    raw, db = wh
    return raw, db, tree(raw), db.read_bytes()


def refused(target, backup_file: Path) -> str:
    """Restore through the command line's main (in this process, for speed): exit 1, a message, no change."""
    raw, db, raw_before, db_before = target
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["restore", str(backup_file), "--raw", str(raw), "--db", str(db)])
    assert code == 1, out.getvalue()
    assert "Traceback" not in err.getvalue() and "输入被拒绝，未做任何更改" in err.getvalue()
    assert tree(raw) == raw_before and db.read_bytes() == db_before
    assert [p.name for p in raw.parent.iterdir() if "restor" in p.name] == []  # no staging or aside folder left
    return err.getvalue()


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "good.tar.gz"
    backup(config.RAW_DIR, out, accounts_file=Path("/nonexistent"))
    return out


def test_a_backup_with_flipped_bytes_is_refused(target, good_backup, tmp_path):
    data = bytearray(good_backup.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 64):
        data[offset] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    assert "已损坏" in refused(target, damaged)


def test_a_backup_damaged_near_its_start_is_called_damaged_not_foreign(target, good_backup, tmp_path):
    data = bytearray(good_backup.read_bytes())
    for offset in range(40, 44):  # inside the first compressed block: the manifest cannot be read
        data[offset] ^= 0xFF
    damaged = tmp_path / "damaged_start.tar.gz"
    damaged.write_bytes(bytes(data))
    said = refused(target, damaged)
    assert "已损坏" in said and "不是本平台的备份文件" not in said


def test_a_cut_off_backup_is_refused(target, good_backup, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good_backup.read_bytes()[: good_backup.stat().st_size * 2 // 3])
    assert "已损坏或不完整" in refused(target, cut)


def rewrite(source: Path, dest: Path, change) -> Path:
    """Copy a backup member by member, letting change(name, data) return new bytes (None drops it)."""
    with tarfile.open(source, "r:gz") as tin, tarfile.open(dest, "w:gz", format=tarfile.PAX_FORMAT) as tout:
        for member in tin:
            data = change(member.name, tin.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                tout.addfile(member, io.BytesIO(data))
    return dest


def test_a_changed_file_under_an_intact_compression_is_refused_by_its_hash(target, good_backup, tmp_path):
    def one_bit(name, data):  # same size, one bit different
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == "raw/plan.txt" else data

    changed = rewrite(good_backup, tmp_path / "changed.tar.gz", one_bit)
    message = refused(target, changed)
    assert "raw/plan.txt" in message and "sha256 与清单不符" in message


def test_a_backup_missing_a_listed_file_is_refused(target, good_backup, tmp_path):
    short = rewrite(good_backup, tmp_path / "short.tar.gz",
                    lambda name, data: None if name == "raw/tasklist.xlsx" else data)
    message = refused(target, short)
    assert "raw/tasklist.xlsx" in message and "备份中没有" in message


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def file_member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def manifest_member(files: dict[str, bytes], fmt: str = FORMAT) -> tuple[tarfile.TarInfo, bytes]:
    listing = [{"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in files.items()]
    body = json.dumps({"format": fmt, "version": FORMAT_VERSION, "files": listing}).encode()
    return file_member(MANIFEST, body)


PLAN = b"plan"


def test_a_workbook_is_not_a_backup(target, tmp_path):
    book = filled(target[1], tmp_path / "旗教育局_2025.xlsx")
    assert "不是本平台的备份文件" in refused(target, book)


def test_a_tar_gz_of_other_files_is_not_a_backup(target, tmp_path):
    other = make_tar(tmp_path / "photos.tar.gz", [file_member("photos/a.jpg", b"\xff\xd8 jpeg")])
    assert "不是本平台的备份文件" in refused(target, other)


def test_a_backup_of_another_program_is_refused(target, tmp_path):
    files = {"raw/plan.txt": PLAN}
    other = make_tar(tmp_path / "other.tar.gz", [manifest_member(files, fmt="someone-elses-backup"),
                                                 *[file_member(n, d) for n, d in files.items()]])
    assert "不是本平台的备份文件" in refused(target, other)


def link(name: str, kind: bytes, to: str) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, to
    return info, None


@pytest.mark.parametrize("hostile, words", [
    (file_member("../escaped.txt", b"x"), "不允许的路径"),
    (file_member("/tmp/escaped.txt", b"x"), "不允许的路径"),
    (file_member("raw/../../escaped.txt", b"x"), "不允许的路径"),
    (file_member("raw/reference/../../../escaped.txt", b"x"), "不允许的路径"),
    (file_member("raw\\..\\..\\escaped.txt", b"x"), "不允许的路径"),
    (file_member("etc/cron.d/escaped", b"x"), "不允许的路径"),
    (link("raw/escaped-link", tarfile.SYMTYPE, "/etc/passwd"), "不是普通文件"),
    (link("raw/hard-link", tarfile.LNKTYPE, "raw/plan.txt"), "不是普通文件"),
    (link("raw/dir-link", tarfile.SYMTYPE, "/tmp"), "不是普通文件"),
    (file_member("raw/not-in-manifest.txt", b"x"), "不在清单中"),
])
def test_a_backup_that_would_write_outside_or_through_a_link_is_refused(target, tmp_path, hostile, words):
    files = {"raw/plan.txt": PLAN}
    evil = make_tar(tmp_path / "evil.tar.gz", [manifest_member(files), file_member("raw/plan.txt", PLAN), hostile])
    assert words in refused(target, evil)
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/escaped.txt").exists()


def test_a_manifest_that_lists_a_path_outside_is_refused(target, tmp_path):
    files = {"raw/plan.txt": PLAN, "raw/../../escaped.txt": b"x"}
    evil = make_tar(tmp_path / "evil.tar.gz", [manifest_member(files), *[file_member(n, d) for n, d in files.items()]])
    assert "不允许的路径" in refused(target, evil)


def test_restored_raw_that_cannot_be_rebuilt_says_where_things_are(wh, tmp_path):
    raw, db = wh
    broken = tmp_path / "broken-raw"
    shutil.copytree(raw, broken)
    (broken / "reference" / config.TARGETS_FILE).write_text("这不是目标表\n", encoding="utf-8")
    out = tmp_path / "broken.tar.gz"
    backup(broken, out)
    before = db.read_bytes()
    done = run_cli("restore", out, "--raw", raw, "--db", db, "--yes")  # its targets.csv differs from the current one
    assert done.returncode == 1
    assert "原始数据已从备份恢复" in done.stderr and "重建数据仓库失败" in done.stderr and "另存为" in done.stderr
    assert db.read_bytes() == before
    health = run_cli("health", "--raw", raw, "--db", db)  # explained, not blamed on lost files
    assert health.returncode == 1 and "重建数据仓库失败" in health.stdout and "不是文件丢失" in health.stdout
    assert "丢失了文件" not in health.stdout



def test_a_raw_folder_that_is_a_link_is_restored_where_it_points(wh, tmp_path):
    raw, db = wh
    elsewhere = tmp_path / "big-disk" / "raw"
    elsewhere.parent.mkdir()
    shutil.move(raw, elsewhere)
    raw.symlink_to(elsewhere, target_is_directory=True)
    out = tmp_path / "b.tar.gz"
    backup(raw, out)
    before = tree(elsewhere)
    assert run_cli("restore", out, "--raw", raw, "--db", db).returncode == 0
    assert raw.is_symlink() and tree(raw) == before
    names = sorted(p.name for p in elsewhere.parent.iterdir() if not p.name.endswith(".writer.lock"))  # the writers' lock
    # the raw folder where the link points and the old one kept beside it; this not being the platform's own raw
    # folder, the backup's accounts file goes beside the link (accounts_beside: as data/ holds data/raw and
    # data/accounts.json), not beside the larger disk's folder; the platform's is untouched
    assert len(names) == 2 and names[0] == "raw" and names[1].startswith("raw.before-restore-")
    assert (raw.parent / "accounts.json").is_file()
