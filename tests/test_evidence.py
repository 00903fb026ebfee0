"""佐证材料: real files attached to a task-progress report, checked by content, archived beside the workbook with
their sha256, refused in Chinese (naming the file) with nothing archived, and restored by a rebuild."""

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines import config
from pipelines.accounts import Account
from pipelines.archive import read_log
from pipelines.collection.evidence import attach
from pipelines.collection.review import decide
from pipelines.ingest import ingest_file, withdraw
from pipelines.jsonlog import read as read_jsonl
from pipelines.problems import InputError
from tests import evidence_files as files
from tests.books import filled
from tests.cli import run_cli
from tests.consistency import tables
from tests.test_app import navigation_only, sign_in  # noqa: F401 (autouse: app.py runs on every AppTest rerun, as served)

ADMIN = Account("admin", "管理")
EDU = Account("edu", "填报", "旗教育局")
FINANCE = Account("finance", "填报", "旗财政局")
REVIEWER = Account("reviewer", "审核", units=["旗教育局"])


@pytest.fixture(scope="module")
def evidence_base(empty_base, tmp_path_factory):
    """旗教育局's 2025 workbook reporting tasks 1 and 2; 旗财政局's reporting task 82. Its ids: edu, fin."""
    base = tmp_path_factory.mktemp("evidence")
    raw, db = base / "raw", base / "warehouse.duckdb"
    shutil.copytree(empty_base[0], raw)
    shutil.copy(empty_base[1], db)
    ids = {}
    for key, unit, values, progress in (
            ("edu", "旗教育局", {"KG_PUBLIC_RATE": 64}, {1: ("推进中", "已组建3个教育集团"), 2: ("已完成", "")}),
            ("fin", "旗财政局", {"FI_HS_DEBT": 2900}, {82: ("推进中", "")})):
        result = ingest_file(filled(db, base / f"{key}.xlsx", unit=unit, year=2025, values=values, progress=progress),
                             raw, db)
        assert result.outcome == "loaded", [str(p) for p in result.problems]
        ids[key] = result.submission_id
    return raw, db, ids


@pytest.fixture
def wh(evidence_base, tmp_path):
    raw, db, ids = evidence_base
    own_raw, own_db = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    shutil.copytree(raw, own_raw)
    shutil.copy(db, own_db)
    return own_raw, own_db, ids


def q(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def staged(tmp_path: Path, data: bytes) -> Path:
    """An upload as the page stages it: bytes under a name of its own (the sender's name is passed apart)."""
    path = tmp_path / f"staged_{hashlib.sha256(data).hexdigest()[:12]}"
    path.write_bytes(data)
    return path


def evidence_folder(raw: Path, unit: str = "旗教育局", year: int = 2025) -> Path:
    return raw / config.SUBMISSIONS_DIR / str(year) / unit / config.EVIDENCE_DIR


def stored(raw: Path) -> list[Path]:
    folder = raw / config.SUBMISSIONS_DIR
    return sorted(p for p in folder.rglob("*") if p.is_file() and config.EVIDENCE_DIR in p.parts)


def logged_evidence(raw: Path) -> list[dict]:
    return [e for e in read_log(raw) if e["event"] == "evidence"]


def audit_lines(raw: Path) -> list[dict]:
    return read_jsonl(raw / config.AUDIT_DIR / config.AUDIT_LOG)


ACCEPTED = [("进展说明.pdf", files.pdf, "pdf"), ("现场照片.png", files.png, "png"), ("签到表.JPG", files.jpg, "jpg"),
            ("现场.jpeg", files.jpg, "jpg"), ("情况报告.docx", files.docx, "docx"),
            # real files of other programs: LibreOffice's PDF (it opens on page 1: /OpenAction [1 0 R /XYZ …]) and
            # .docx, a camera's progressive JPEG with EXIF, a screenshot tool's PNG with a text chunk, a report
            # with a picture and page numbers (a PAGE field), a PDF 1.5 with an object stream
            ("总结.pdf", files.libreoffice_pdf, "pdf"), ("总结.docx", files.libreoffice_docx, "docx"),
            ("现场照片.jpg", files.photo, "jpg"), ("截图.png", files.screenshot, "png"),
            ("带图报告.docx", files.docx_with_picture_and_page_numbers, "docx"),
            ("压缩对象.pdf", lambda: files.pdf_object_stream(b"/OpenAction [3 0 R /Fit]", b"<< /Producer (x) >>"), "pdf")]


@pytest.mark.parametrize("name, make, kind", ACCEPTED)
def test_accepted_files_are_archived_beside_the_workbook(wh, tmp_path, name, make, kind):
    raw, db, ids = wh
    data = make()
    sha = hashlib.sha256(data).hexdigest()
    message = attach(raw, db, ids["edu"], 1, staged(tmp_path, data), name, EDU)
    name = Path(name).stem + Path(name).suffix.lower()  # the archive's name: .JPG kept as .jpg
    assert message.startswith("已保存佐证材料") and name in message and "任务1" in message
    [path] = stored(raw)
    assert path.parent == evidence_folder(raw)  # submissions/2025/旗教育局/佐证材料/
    assert path.read_bytes() == data and path.name.endswith("_" + name)
    workbook_sha = q(db, "select sha256 from submissions where submission_id = ?", [ids["edu"]])[0][0]
    [event] = logged_evidence(raw)
    relative = path.relative_to(raw / config.SUBMISSIONS_DIR).as_posix()
    assert (event["sha256"], event["workbook_sha256"], event["task_no"], event["path"], event["kind"], event["size"],
            event["by"]) == (sha, workbook_sha, 1, relative, kind, len(data), "edu")
    assert q(db, "select submission_id, task_no, file_name, archive_path, sha256, kind, size_bytes, attached_by "
                 "from evidence") == [(ids["edu"], 1, name, relative, sha, kind, len(data), "edu")]
    assert [(a["event"], a["file_name"], a["sha256"]) for a in audit_lines(raw)][-1] == ("evidence", name, sha)
    assert q(db, "select event, file_name from audit where event = 'evidence'") == [("evidence", name)]


def test_an_administrator_may_attach_for_any_unit(wh, tmp_path):
    raw, db, ids = wh
    attach(raw, db, ids["fin"], 82, staged(tmp_path, files.pdf()), "债务化解方案.pdf", ADMIN)
    assert [p.parent for p in stored(raw)] == [evidence_folder(raw, "旗财政局")]
    assert q(db, "select task_no, attached_by from evidence") == [(82, "admin")]


def big_pdf() -> bytes:
    body = files.pdf()
    return body[:9] + b"%" + b"x" * (config.MAX_EVIDENCE_BYTES + 10) + b"\n" + body[9:]


def xlsx_bytes() -> bytes:
    from io import BytesIO

    import openpyxl

    buffer = BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


REFUSED = [
    ("x.pdf", files.exe, ["x.pdf", "Windows 可执行程序"]),
    ("大文件.pdf", big_pdf, ["大文件.pdf", "文件过大", "5 MB"]),
    ("空.pdf", lambda: b"", ["空.pdf", "文件为空"]),
    ("照片.png", files.jpg, ["照片.png", "内容却是JPG"]),
    ("半截.pdf", lambda: files.pdf()[:120], ["半截.pdf", "不是完整的 PDF"]),
    ("带宏.docx", files.docx_with_macros, ["带宏.docx", "宏"]),
    ("表格.docx", xlsx_bytes, ["表格.docx", "不是 Word 文档"]),
    ("坏图.png", lambda: files.png()[:60], ["坏图.png", "图片已损坏"]),
    ("程序.exe", files.exe, ["程序.exe", "不接受这种文件", ".exe"]),
    ("说明.txt", lambda: "说明".encode(), ["说明.txt", "不接受这种文件"]),
    ("无扩展名", files.pdf, ["无扩展名", "不接受这种文件"]),
    ("表格.pdf", xlsx_bytes, ["表格.pdf", "不是PDF"]),  # a zip that is no Word document either
    # Made to pass a first look (the outside check): the right start and end, something else inside or behind.
    ("半截.jpg", lambda: files.jpg(size=(640, 480))[:400], ["半截.jpg", "图片已损坏、不完整"]),
    ("程序.pdf", lambda: b"%PDF-1.7\n" + files.exe() + b"\nstartxref\n0\n%%EOF\n", ["程序.pdf", "没有任何 PDF 对象"]),
    ("空壳.pdf", lambda: b"%PDF-1.4\nstartxref\n0\n%%EOF\n", ["空壳.pdf", "没有任何 PDF 对象"]),
    ("脚本.pdf", lambda: files.pdf_with(b"<< /S /JavaScript /JS (app.alert(1)) >>"), ["脚本.pdf", "/JavaScript"]),
    ("附件.pdf", lambda: files.pdf_with(b"<< /Type /EmbeddedFile /Length 2 >>"), ["附件.pdf", "/EmbeddedFile"]),
    ("照片.jpg", lambda: files.jpg() + files.exe(), ["照片.jpg", "末尾附带了其他文件"]),
    ("截图.png", lambda: files.png() + files.exe(), ["截图.png", "末尾附带了其他文件"]),
    ("嵌入.docx", lambda: files.docx_with("word/embeddings/oleObject1.bin", files.exe()), ["嵌入.docx", "嵌入了其他文件"]),
    ("启用宏.docx", lambda: files.docx_with("", b"", macro_type=True), ["启用宏.docx", "含有宏"]),
    # Issue 20's outside check: each was accepted before, each is refused now.
    ("转义脚本.pdf", files.pdf_escaped_javascript, ["转义脚本.pdf", "/JavaScript"]),
    ("对象流脚本.pdf", files.pdf_object_stream, ["对象流脚本.pdf", "PDF 中含有脚本"]),
    ("对象流名称树.pdf", lambda: files.pdf_object_stream(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>"),
     ["对象流名称树.pdf", "/JavaScript"]),
    ("对象流孤立脚本.pdf", lambda: files.pdf_object_stream(b"/OpenAction [3 0 R /Fit]"), ["对象流孤立脚本.pdf", "/JS"]),
    ("打开网址.pdf", files.pdf_open_action_uri, ["打开网址.pdf", "/URI"]),
    ("未列出的脚本.pdf", files.pdf_with_unlisted_script, ["未列出的脚本.pdf", "/JavaScript"]),
    ("附带压缩包.pdf", files.pdf_with_zip_after_eof, ["附带压缩包.pdf", "%%EOF）之后还附带了其他数据"]),
    ("两个文件尾.pdf", files.pdf_with_zip_and_a_second_eof, ["两个文件尾.pdf", "夹带了压缩包"]),
    ("带压缩包.jpg", files.jpg_with_zip, ["带压缩包.jpg", "末尾附带了其他文件"]),
    ("带压缩包.png", files.png_with_zip, ["带压缩包.png", "末尾附带了其他文件"]),
    ("注释里的压缩包.jpg", files.jpg_with_zip_in_comment, ["注释里的压缩包.jpg", "夹带了压缩包"]),
    ("数据块里的压缩包.png", files.png_with_zip_in_chunk, ["数据块里的压缩包.png", "夹带了压缩包"]),
    ("OLE对象.docx", files.docx_ole_in_media, ["OLE对象.docx", "oleObject"]),
    ("图片目录里的程序.docx", files.docx_ole_in_media_alone, ["图片目录里的程序.docx", "word/media/ole1.bin"]),
    ("外部片段.docx", files.docx_alt_chunk, ["外部片段.docx", "text/html"]),
    ("外部片段关系.docx", files.docx_alt_chunk_as_xml, ["外部片段关系.docx", "altChunk"]),
    ("DDE.docx", files.docx_ddeauto, ["DDE.docx", "DDEAUTO 域"]),
    ("DDE一段.docx", lambda: files.docx_ddeauto(split=False), ["DDE一段.docx", "DDEAUTO 域"]),
    ("包含图片域.docx", lambda: files.docx_field_simple(" INCLUDEPICTURE &quot;\\\\evil\\x.png&quot; \\d "),
     ["包含图片域.docx", "INCLUDEPICTURE 域"]),
    ("包含文本域.docx", lambda: files.docx_field_simple("INCLUDETEXT &quot;C:\\\\x.docx&quot;"), ["包含文本域.docx", "INCLUDETEXT 域"]),
    ("远程模板.docx", files.docx_remote_template, ["远程模板.docx", "附加的模板"]),
    ("网络图片.docx", files.docx_unc_picture, ["网络图片.docx", "指向外部", "\\\\evil.example"]),
    ("网络图片路径.docx", files.docx_unc_picture_internal, ["网络图片路径.docx", "指向外部"]),
]


@pytest.mark.parametrize("name, make, said", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_files_are_said_in_chinese_and_nothing_is_archived(wh, tmp_path, name, make, said):
    raw, db, ids = wh
    log_before = read_log(raw)
    with pytest.raises(InputError) as caught:
        attach(raw, db, ids["edu"], 1, staged(tmp_path, make()), name, EDU)
    message = "；".join(str(p) for p in caught.value.problems)
    for words in said:
        assert words in message, message
    assert "内容却是Word" not in message  # a zip is not said to be a Word document
    assert stored(raw) == [] and read_log(raw) == log_before
    assert q(db, "select count(*) from evidence") == [(0,)]
    last = audit_lines(raw)[-1]
    assert (last["event"], last["file_name"], last["account"], last["submission_id"]) == ("refusal", name, "edu", ids["edu"])
    assert said[1] in last["result"]
    assert q(db, "select event, file_name from audit where event = 'refusal'") == [("refusal", name)]


def refusal(raw, db, submission_id, task_no, actor, tmp_path) -> str:
    with pytest.raises(InputError) as caught:
        attach(raw, db, submission_id, task_no, staged(tmp_path, files.pdf()), "会议纪要.pdf", actor)
    assert stored(raw) == [] and q(db, "select count(*) from evidence") == [(0,)]
    assert audit_lines(raw)[-1]["event"] == "refusal" and audit_lines(raw)[-1]["file_name"] == "会议纪要.pdf"
    message = "；".join(str(p) for p in caught.value.problems)
    assert "会议纪要.pdf" in message
    return message


def test_another_units_account_is_refused(wh, tmp_path):
    raw, db, ids = wh
    message = refusal(raw, db, ids["edu"], 1, FINANCE, tmp_path)
    assert "旗教育局" in message and "finance" in message and "不能为其附佐证材料" in message
    assert "不能为其附佐证材料" in refusal(raw, db, ids["edu"], 1, REVIEWER, tmp_path)  # a reviewer uploads nothing
    assert "不能为其附佐证材料" in refusal(raw, db, ids["edu"], 1, Account("viewer", "浏览"), tmp_path)


def test_a_task_the_workbook_did_not_report_is_refused(wh, tmp_path):
    raw, db, ids = wh
    message = refusal(raw, db, ids["edu"], 3, EDU, tmp_path)
    assert "没有填报任务3的进展" in message and "旗教育局 2025年度" in message
    assert "没有填报任务82" in refusal(raw, db, ids["edu"], 82, ADMIN, tmp_path)  # 旗财政局's task, not in this one


def test_a_workbook_that_does_not_exist_is_refused(wh, tmp_path):
    raw, db, ids = wh
    assert "填报编号 999 不存在" in refusal(raw, db, 999, 1, ADMIN, tmp_path)


def test_a_withdrawn_workbook_is_refused(wh, tmp_path):
    raw, db, ids = wh
    withdraw(raw, db, ids["edu"], ADMIN, "报错了单位")
    assert "已撤回" in refusal(raw, db, ids["edu"], 1, EDU, tmp_path)


def test_a_returned_workbook_is_refused(wh, tmp_path):
    raw, db, ids = wh
    decide(raw, db, ids["edu"], "returned", ADMIN, "任务1的进展说明不全")
    assert "已被退回" in refusal(raw, db, ids["edu"], 1, EDU, tmp_path)


def test_the_same_file_twice_is_stored_once(wh, tmp_path):
    raw, db, ids = wh
    data = files.png()
    attach(raw, db, ids["edu"], 1, staged(tmp_path, data), "照片.png", EDU)
    again = attach(raw, db, ids["edu"], 1, staged(tmp_path, data), "照片（副本）.png", EDU)
    assert "未重复保存" in again
    assert len(stored(raw)) == 1 and len(logged_evidence(raw)) == 1
    assert q(db, "select file_name from evidence") == [("照片.png",)]


def test_rebuild_from_the_raw_folder_restores_the_evidence(wh, tmp_path):
    raw, db, ids = wh
    attach(raw, db, ids["edu"], 1, staged(tmp_path, files.pdf()), "进展说明.pdf", EDU)
    attach(raw, db, ids["edu"], 2, staged(tmp_path, files.jpg()), "完成证明.jpg", EDU)
    attach(raw, db, ids["fin"], 82, staged(tmp_path, files.docx()), "方案.docx", FINANCE)
    with pytest.raises(InputError):
        attach(raw, db, ids["fin"], 82, staged(tmp_path, files.exe()), "方案.pdf", FINANCE)
    decide(raw, db, ids["edu"], "approved", ADMIN)
    withdraw(raw, db, ids["fin"], ADMIN, "报错了年度")  # its evidence stays, shown with the workbook's state
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    result = run_cli("build", "--raw", raw, "--db", fresh, "--no-demo")
    assert result.returncode == 0, result.stderr
    rebuilt, before = tables(fresh), tables(db)
    assert len(rebuilt["evidence"]) == 3
    assert rebuilt["evidence"] == before["evidence"]
    assert rebuilt == before


def test_the_ledger_shows_a_tasks_evidence_with_its_workbooks_state(wh, tmp_path, accounts, monkeypatch):
    from streamlit.testing.v1 import AppTest

    raw, db, ids = wh
    attach(raw, db, ids["edu"], 1, staged(tmp_path, files.pdf()), "进展说明.pdf", EDU)
    attach(raw, db, ids["fin"], 82, staged(tmp_path, files.png()), "票据.png", FINANCE)
    decide(raw, db, ids["fin"], "returned", ADMIN, "票据不清")
    monkeypatch.setenv("MONITOR_DB", str(db))
    monkeypatch.setenv("MONITOR_RAW", str(raw))

    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert not at.exception, at.exception
    # Both workbooks are unreviewed (pending, returned): a reader not signed in sees neither's evidence (issue 20)
    for task_no in (1, 82):
        at.selectbox(key="ledger_history_task").set_value(task_no).run()
        assert not any("文件指纹（sha256）" in d.value.columns for d in at.dataframe)
    at.switch_page("pages/upload.py").run()
    sign_in(at, "admin")  # 管理 sees every unit's
    at.switch_page("pages/ledger.py").run()

    def evidence_shown(task_no: int):
        at.selectbox(key="ledger_history_task").set_value(task_no).run()
        assert not at.exception, at.exception
        return next(d.value for d in at.dataframe if "文件指纹（sha256）" in d.value.columns)

    shown = evidence_shown(1)
    assert list(shown["文件"]) == ["进展说明.pdf"] and list(shown["填报状态"]) == ["待审核"]
    assert list(shown["类型"]) == ["PDF 文件"] and list(shown["上传人"]) == ["edu"]
    assert shown["文件指纹（sha256）"].iloc[0] == hashlib.sha256(files.pdf()).hexdigest()[:16] + "…"
    shown = evidence_shown(82)
    assert list(shown["文件"]) == ["票据.png"] and list(shown["填报状态"]) == ["已退回"]
