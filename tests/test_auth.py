"""Who may change the data: accounts, roles, lock-out, session expiry, audit, withdrawal, safe uploads."""

import json
import os
import shutil
import stat
import zipfile

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.core import config
from pipelines.operations.build import build
from pipelines.operations.ingest import ingest_file, withdraw
from pipelines.records import audit
from pipelines.records.accounts import AccountError, AccountStore
from pipelines.records.archive import read_log
from pipelines.records.signin_state import SignInGuard
from tests.books import filled, saved, template
from tests.cli import run_cli
from tests.test_app import APP, metrics, navigation_only, shows_the_cockpit, sign_in, status_counts  # noqa: F401 (navigation_only is a fixture)


def q(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def audit_events(raw):
    return [(e["event"], e["account"]) for e in map(json.loads, audit.log_path(raw).read_text(encoding="utf-8").splitlines())]


# Accounts and their file.


@pytest.mark.slow  # argon2 hashes, slow on purpose
def test_account_file_is_made_from_the_example_and_holds_no_plaintext(tmp_path):
    path = tmp_path / "accounts.json"
    store = AccountStore(path)
    assert store.all() == [] and path.exists()
    assert store.settings()["session_timeout_minutes"] == 30
    store.add("zhang", "填报", "旗教育局", "s3cret-密码-123", ["旗教育局"])
    text = path.read_text(encoding="utf-8")
    assert "s3cret-密码-123" not in text and "$argon2id$" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert store.verify("zhang", "s3cret-密码-123").unit == "旗教育局"
    assert store.verify("zhang", "wrong") is None and store.verify("nobody", "s3cret-密码-123") is None
    store.set_password("zhang", "another-pass-9")
    assert store.verify("zhang", "another-pass-9") and not store.verify("zhang", "s3cret-密码-123")
    store.remove("zhang")
    assert store.get("zhang") is None


@pytest.mark.parametrize(
    ("name", "role", "unit", "password", "message"),
    [
        ("a", "填报", None, "long-enough-1", "须指定单位"),
        ("a", "填报", "旗司法局", "long-enough-1", "不需要填报或不存在"),
        ("a", "管理", "旗教育局", "long-enough-1", "不要指定 --unit"),
        ("a", "超级", None, "long-enough-1", "角色“超级”无效"),
        ("a", "管理", None, "short", "密码至少 8 位"),
        ("", "管理", None, "long-enough-1", "账号名不能为空"),
    ],
)
def test_account_requests_that_are_refused(tmp_path, name, role, unit, password, message):
    with pytest.raises(AccountError, match=message):
        AccountStore(tmp_path / "a.json").add(name, role, unit, password, ["旗教育局"])


@pytest.mark.slow  # argon2 hashes, slow on purpose
def test_user_command_add_list_passwd_remove(plan_db, tmp_path, monkeypatch):
    accounts = tmp_path / "accounts.json"
    raw = tmp_path / "raw"
    monkeypatch.setenv("MONITOR_ACCOUNTS", str(accounts))

    def user(*args, stdin=""):
        return run_cli("user", *args, "--raw", raw, "--db", plan_db, input=stdin)

    added = user("add", "li", "--role", "填报", "--unit", "旗财政局", "--password-stdin", stdin="li-password-1\n")
    assert added.returncode == 0, added.stderr
    assert "已新建账号 li（填报，旗财政局）" in added.stdout
    assert "li-password-1" not in accounts.read_text(encoding="utf-8")
    assert "li\t填报\t旗财政局" in user("list").stdout
    assert user("add", "li", "--role", "管理", "--password-stdin", stdin="x-password-1\n").returncode == 1
    assert user("passwd", "li", "--password-stdin", stdin="new-password-2\n").returncode == 0
    assert AccountStore(accounts).verify("li", "new-password-2")
    assert user("remove", "li").returncode == 0
    assert AccountStore(accounts).get("li") is None
    assert [e for e, _ in audit_events(raw)] == ["account", "account", "account"]


def test_a_password_prompt_whose_input_ends_changes_nothing(plan_db, tmp_path, monkeypatch):
    """Ctrl-D at 密码： (the input ended): said in Chinese as an interruption, exit 1, no account, no traceback."""
    import getpass

    def ended(prompt=""):
        raise EOFError

    accounts = tmp_path / "accounts.json"
    monkeypatch.setenv("MONITOR_ACCOUNTS", str(accounts))
    monkeypatch.setattr(getpass, "getpass", ended)
    result = run_cli("user", "add", "wang", "--role", "管理", "--raw", tmp_path / "raw", "--db", plan_db)
    assert result.returncode == 1 and result.stderr.strip() == "已中断，未做任何更改。", result.stderr
    assert AccountStore(accounts).get("wang") is None


# Lock-out.


def test_lock_out_grows_and_a_success_resets_it(tmp_path):
    clock = [1000.0]
    guard = SignInGuard(tmp_path / "state.json", clock=lambda: clock[0])
    assert [guard.failed("edu") for _ in range(5)] == [0, 0, 30, 60, 120]
    assert guard.wait_seconds("edu") == 120
    clock[0] += 121
    assert guard.wait_seconds("edu") == 0
    guard.succeeded("edu")
    assert guard.failed("edu") == 0  # counting starts again


# The command line acts for an account.


def test_ingest_as_checks_the_role(wh, accounts, tmp_path):
    raw, db = wh
    edu_book = filled(db, tmp_path / "edu.xlsx", values={"HS_GER": 95})
    fin_book = filled(db, tmp_path / "fin.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 100})
    refused = run_cli("ingest", fin_book, "--as", "edu", "--raw", raw, "--db", db)
    assert refused.returncode == 1
    assert "此工作簿为旗财政局的填报，账号edu（填报，旗教育局）只能上传本单位的工作簿" in refused.stderr
    viewer = run_cli("ingest", edu_book, "--as", "viewer", "--raw", raw, "--db", db)
    assert viewer.returncode == 1 and "账号viewer（浏览）不能上传工作簿" in viewer.stderr
    assert run_cli("ingest", edu_book, "--as", "nobody", "--raw", raw, "--db", db).returncode == 1
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert run_cli("ingest", edu_book, "--as", "edu", "--raw", raw, "--db", db).returncode == 0
    assert run_cli("ingest", fin_book, "--as", "admin", "--raw", raw, "--db", db).returncode == 0
    assert q(db, "select account from submissions order by submission_id") == [("edu",), ("admin",)]
    rows = q(db, "select event, account, sha256 is not null, source from audit order by occurred_at, event")
    assert {r[:2] for r in rows} == {("refusal", "edu"), ("refusal", "viewer"), ("load", "edu"), ("load", "admin")}
    assert all(r[2] and r[3] == "命令行" for r in rows)


# Withdrawal.


def test_an_admin_withdraws_a_submission_which_stays_in_archive_and_history(wh, accounts, tmp_path):
    raw, db = wh
    store = AccountStore()
    path = filled(db, tmp_path / "a.xlsx", values={"HS_GER": 96})
    result = ingest_file(path, raw, db, actor=store.get("edu"))
    with pytest.raises(PermissionError, match="只有管理账号可以"):
        withdraw(raw, db, result.submission_id, store.get("edu"), "试试")
    message = withdraw(raw, db, result.submission_id, store.get("admin"), "数据有误，单位申请撤回")
    assert "已撤回填报" in message
    assert q(db, "select value from latest_observations where indicator_code = 'HS_GER'") == []
    assert q(db, "select withdrawn, withdrawn_by from submissions") == [(True, "admin")]
    assert q(db, "select count(*) from observations") == [(1,)]  # the history keeps it
    assert (raw / config.SUBMISSIONS_DIR / read_log(raw)[0]["path"]).exists()  # so does the archive
    assert q(db, "select event, account from audit where event = 'withdrawal'") == [("withdrawal", "admin")]
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(raw, rebuilt)
    assert q(rebuilt, "select withdrawn from submissions") == [(True,)]
    assert q(rebuilt, "select count(*) from latest_observations where indicator_code = 'HS_GER'") == [(0,)]
    assert q(rebuilt, "select event from audit order by occurred_at") == q(db, "select event from audit order by occurred_at")


# The page, in AppTest.


@pytest.fixture
def upload_page(wh, accounts, monkeypatch):
    raw, db = wh
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    return at, raw, db


def test_upload_page_asks_to_sign_in_first(upload_page):
    at, _, _ = upload_page
    assert any("请登录" in m.value for m in at.markdown)
    assert not at.get("file_uploader")


def test_wrong_password_then_lock_out_with_a_growing_wait(upload_page):
    at, raw, _ = upload_page
    for _ in range(3):
        sign_in(at, "edu", "wrong-password")
    assert "尝试次数过多，已锁定 30 秒" in at.error[0].value
    sign_in(at, "edu")  # the right password, but locked
    assert "请 " in at.error[0].value and "秒后再试" in at.error[0].value
    assert not at.get("file_uploader")
    events = audit_events(raw)
    assert events.count(("sign_in_failed", "edu")) == 4


def test_a_reporter_uploads_its_own_unit_and_is_refused_another(upload_page, tmp_path):
    at, raw, db = upload_page
    sign_in(at, "edu")
    assert not at.exception
    assert at.selectbox(key="upload_unit").options == ["旗教育局"]
    own = filled(db, tmp_path / "own.xlsx", values={"HS_GER": 95})
    other = filled(db, tmp_path / "other.xlsx", unit="旗财政局", values={"FI_HS_DEBT": 10})
    at.file_uploader(key="uploads").set_value([("own.xlsx", own.read_bytes(), "application/octet-stream"),
                                               ("other.xlsx", other.read_bytes(), "application/octet-stream")]).run()
    assert any("other.xlsx" in e.value for e in at.error)
    reasons = [r for t in at.table if "原因" in t.value for r in t.value["原因"]]
    assert "此工作簿为旗财政局的填报，账号edu（填报，旗教育局）只能上传本单位的工作簿" in reasons
    at.button(key="confirm_load").click().run()
    assert q(db, "select file_name, account from submissions") == [("own.xlsx", "edu")]
    events = audit_events(raw)
    assert ("sign_in", "edu") in events and events.count(("upload_checked", "edu")) == 2 and ("load", "edu") in events


def test_a_viewer_cannot_upload(upload_page):
    at, _, _ = upload_page
    sign_in(at, "viewer")
    assert any("浏览权限" in i.value for i in at.info)
    assert not at.get("file_uploader") and not at.get("download_button")


def test_an_admin_sees_every_unit_the_withdrawal_and_the_audit(upload_page, tmp_path):
    at, raw, db = upload_page
    ingest_file(filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95}), raw, db, actor=AccountStore().get("edu"))
    sign_in(at, "admin")
    assert len(at.selectbox(key="upload_unit").options) == 6
    assert any(s.value == "⑥ 审计日志（管理）" for s in at.subheader)
    at.text_input(key="withdraw_reason").input("重复报送")
    at.button(key="FormSubmitter:withdraw-撤回").click().run()
    assert any("已撤回填报 #1" in s.value for s in at.success)
    assert q(db, "select withdrawn from submissions") == [(True,)]


def test_session_ends_after_inactivity_and_sign_out_works(upload_page, monkeypatch):
    import dashboard.auth as auth_module

    at, raw, _ = upload_page
    sign_in(at, "edu")
    assert at.get("file_uploader")
    clock = [auth_module.time.time() + 31 * 60]
    monkeypatch.setattr(auth_module, "now", lambda: clock[0])
    at.run()
    assert any("已自动退出登录" in i.value for i in at.info)
    assert not at.get("file_uploader")
    assert ("session_expired", "edu") in audit_events(raw)
    sign_in(at, "edu")
    at.sidebar.button(key="sign_out").click().run()
    assert not at.get("file_uploader")
    assert audit_events(raw)[-1] == ("sign_out", "edu")


def test_sign_in_can_be_required_for_every_page(wh, accounts, monkeypatch):
    raw, db = wh
    data = json.loads(accounts.read_text(encoding="utf-8"))
    data["settings"]["sign_in_required_for_all_pages"] = True
    accounts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("MONITOR_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not shows_the_cockpit(at) and any("请登录" in m.value for m in at.markdown)
    sign_in(at, "viewer")
    at.run()
    counts = status_counts(at)
    assert counts["暂无数据"] == 57 and counts["未到期"] == 41  # issue 19's 18 typed targets: 12 and 6 more


# Safe uploads: each refused with its message; nothing loaded or archived.


def refused_safely(raw, db, path, file, expected):
    result = ingest_file(path, raw, db, file=file, actor=AccountStore().get("edu"))
    assert result.outcome == "rejected"
    assert any(expected in p.reason for p in result.errors), [p.reason for p in result.errors]
    assert q(db, "select count(*) from submissions") == [(0,)]
    assert not (raw / config.SUBMISSIONS_DIR).exists() or not [p for p in (raw / config.SUBMISSIONS_DIR).rglob("*.xls*")]
    assert audit_events(raw)[-1] == ("refusal", "edu")


def test_too_large_a_file_is_refused(wh, accounts, tmp_path):
    raw, db = wh
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"0" * (config.MAX_UPLOAD_BYTES + 1))
    refused_safely(raw, db, path, "big.xlsx", "文件过大")


def test_a_zip_bomb_is_refused(wh, accounts, tmp_path):
    raw, db = wh
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * (200 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    refused_safely(raw, db, path, "bomb.xlsx", "疑似压缩炸弹")


def test_an_xml_entity_trick_is_neutralised(wh, accounts, tmp_path):
    """A "billion laughs" in a sheet: refused before parsing (and defusedxml guards openpyxl)."""
    raw, db = wh
    good = saved(template(db, "旗教育局", 2025))
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              + '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(__import__("io").BytesIO(good)) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)
    refused_safely(raw, db, path, "laughs.xlsx", "含有 XML 实体声明")
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # and openpyxl itself parses with defusedxml


def test_a_macro_workbook_and_other_types_are_refused(wh, accounts, tmp_path):
    raw, db = wh
    macro = tmp_path / "m.xlsm"
    macro.write_bytes(saved(template(db, "旗教育局", 2025)))
    refused_safely(raw, db, macro, "m.xlsm", "不接受含宏")
    hidden = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(__import__("io").BytesIO(saved(template(db, "旗教育局", 2025)))) as src, \
            zipfile.ZipFile(hidden, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 64)
    refused_safely(raw, db, hidden, "hidden.xlsx", "含有宏")
    csv = tmp_path / "data.csv"
    csv.write_text("指标代码,数值\nHS_GER,95\n", encoding="utf-8")
    refused_safely(raw, db, csv, "data.csv", "请上传 .xlsx、.xls 或 .ods 文件")


def test_a_formula_is_read_by_its_cached_value_and_one_without_is_refused(wh, accounts, tmp_path):
    raw, db = wh

    def formula(wb):
        from tests.books import row_of

        wb[config.SHEET_VALUES].cell(row_of(wb, "KG_ENROLLED"), 5).value = "=5000*2"

    path = filled(db, tmp_path / "f.xlsx", values={"HS_GER": 95}, edit=formula)  # openpyxl saves no cached value
    refused_safely(raw, db, path, "f.xlsx", "单元格是公式且没有保存计算结果")

    # The same formula with the value Excel would have cached: read by that value.
    with zipfile.ZipFile(path) as src:
        sheet = next(n for n in src.namelist() if n.startswith("xl/worksheets/sheet") and "<f>5000*2</f>" in src.read(n).decode())
        cached = tmp_path / "cached.xlsx"
        with zipfile.ZipFile(cached, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == sheet:
                    data = data.decode().replace("<f>5000*2</f><v></v>", "<f>5000*2</f><v>10000</v>").replace(
                        "<f>5000*2</f>", "<f>5000*2</f><v>10000</v>", 1 if "<v>10000</v>" not in data.decode() else 0).encode()
                dst.writestr(item, data)
    result = ingest_file(cached, raw, db, file="cached.xlsx", actor=AccountStore().get("edu"))
    assert result.outcome == "loaded", [str(p) for p in result.problems]
    assert q(db, "select value from observations where indicator_code = 'KG_ENROLLED'") == [(10000.0,)]


def test_file_names_are_sanitised_before_archiving(wh, accounts, tmp_path):
    raw, db = wh
    path = filled(db, tmp_path / "a.xlsx", values={"HS_GER": 95})
    result = ingest_file(path, raw, db, file="../../etc/旗教育局 2025\x00<终稿>.xlsx", actor=AccountStore().get("edu"))
    assert result.outcome == "loaded"
    (entry,) = read_log(raw)
    archived = raw / config.SUBMISSIONS_DIR / entry["path"]
    assert archived.exists() and archived.resolve().is_relative_to((raw / config.SUBMISSIONS_DIR).resolve())
    assert ".." not in entry["path"] and "<" not in archived.name and "\x00" not in archived.name
    assert archived.name.endswith("旗教育局_2025_终稿.xlsx")
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_user_add_builds_no_warehouse(tmp_path, monkeypatch, plan_raw):
    """An operator who only points MONITOR_ACCOUNTS elsewhere: the default warehouse is neither built nor touched;
    the unit is checked against the raw folder's reference data, the change is in its audit trail."""
    import io

    from pipelines.cli.main import main

    default_db = tmp_path / "default" / "warehouse.duckdb"
    monkeypatch.setenv("MONITOR_DB", str(default_db))
    monkeypatch.setenv("MONITOR_RAW", str(plan_raw))
    monkeypatch.setattr("sys.stdin", io.StringIO("zhang-password-1\n"))
    assert main(["user", "add", "zhang", "--role", "填报", "--unit", "旗财政局", "--password-stdin"]) == 0
    assert not default_db.exists() and not default_db.parent.exists()
    assert AccountStore().get("zhang").unit == "旗财政局"
    assert [e for e, _ in audit_events(plan_raw)] == ["account"]
    monkeypatch.setattr("sys.stdin", io.StringIO("x-password-12\n"))
    assert main(["user", "add", "wang", "--role", "填报", "--unit", "不存在的局", "--password-stdin",
                 "--raw", str(plan_raw), "--db", str(tmp_path / "none.duckdb")]) == 1
    assert not (tmp_path / "none.duckdb").exists()


# Issue 20, item 1: a signed-in session ends when its password changes or another browser offers it.


def test_a_password_change_ends_the_accounts_other_sessions(upload_page, accounts):
    at, raw, _ = upload_page
    sign_in(at, "edu")
    assert at.get("file_uploader")
    done = __import__("subprocess").run(
        [__import__("sys").executable, "-m", "pipelines", "user", "passwd", "edu", "--password-stdin", "--raw", str(raw)],
        input="edu-new-pass-9\n", capture_output=True, text=True, cwd=config.ROOT, timeout=60,
        env={**os.environ, "PYTHONPATH": str(config.ROOT)})
    assert done.returncode == 0, done.stderr
    at.run()
    assert not at.get("file_uploader")
    assert any("密码已修改" in i.value for i in at.info)
    assert ("session_ended", "edu") in audit_events(raw)
    sign_in(at, "edu", "edu-new-pass-9")
    assert at.get("file_uploader")


def test_a_run_from_another_browser_ends_the_sign_in(upload_page, monkeypatch):
    """The app's own check, behind Streamlit's: a run whose connection carries another browser's secret is
    not signed in, and the session's sign-in ends (dashboard/gate.py gives each browser its own)."""
    import dashboard.auth as auth_module

    at, raw, _ = upload_page
    seen = ["a" * 64]
    monkeypatch.setattr(auth_module, "browser", lambda: seen[0])
    monkeypatch.setattr(auth_module, "address", lambda: "10.0.0.9")
    sign_in(at, "admin")
    assert at.get("file_uploader")
    seen[0] = "b" * 64
    at.run()
    assert not at.get("file_uploader") and any("请登录" in m.value for m in at.markdown)
    assert ("session_ended", "admin") in audit_events(raw)
    seen[0] = "a" * 64  # the session stays ended for the first browser too: it was exposed
    at.run()
    assert not at.get("file_uploader")


def test_a_connection_without_the_gate_cannot_sign_in(upload_page, monkeypatch):
    """The app started without serve.py: no browser secret to bind to, so no sign-in at all."""
    import dashboard.auth as auth_module

    at, raw, _ = upload_page
    monkeypatch.setattr(auth_module, "browser", lambda: "")
    sign_in(at, "admin")
    assert not at.get("file_uploader")
    assert "无法在此连接上登录" in at.error[0].value
    assert audit_events(raw)[-1] == ("sign_in_failed", "admin")
