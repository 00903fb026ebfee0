"""The queries the pages and the briefing exports share, each a function of plain values.

In the app they go through the cached, retrying reader the app hands over once (dashboard.data calls
read_through); the command line and the export threads read through a connection of their own
(`with reading(con): …`). Nothing here imports Streamlit.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from pipelines.core import config
from pipelines.core.deadlines import ledger_date
from pipelines.core.describe import texts_sentence
from pipelines.records.review_state import PENDING_COUNT
from pipelines.workbooks.rectify import sentence


@dataclass(frozen=True)
class Filters:
    """What the sidebar chooses: the as-of year, a section, a unit, and whether demo data counts."""

    as_of: int
    section: int | None
    unit: str | None
    show_demo: bool


_connection: ContextVar[duckdb.DuckDBPyConnection | None] = ContextVar("connection", default=None)
_reader: list[Callable[[str, tuple], pd.DataFrame]] = []  # the app's cached reader (read_through)


def read_through(reader: Callable[[str, tuple], pd.DataFrame]) -> None:
    """The reader for queries made outside `reading(con)`: the app's cached one (dashboard.data)."""
    _reader[:] = [reader]


def query(sql: str, params=()) -> pd.DataFrame:
    con = _connection.get()
    if con is not None:
        return con.execute(sql, list(params)).df()
    if not _reader:
        raise RuntimeError("reports.queries: no connection (`with reading(con)`) and no reader (read_through)")
    return _reader[0](sql, params)


@contextmanager
def reading(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the queries of this context (this thread) on the given connection."""
    token = _connection.set(con)
    try:
        yield
    finally:
        _connection.reset(token)


def last_due_year(as_of: int, today: date | None = None) -> int:
    """The latest year a workbook can be due for: a year's figures are sent the next year."""
    return min(as_of, (today or date.today()).year - 1)


def statuses(f: Filters) -> pd.DataFrame:
    """Every target (within the filters) with its assessment as of the chosen year."""
    frame = query(
        """
        select t.target_id, t.indicator_code, i.name as indicator_name, i.reporter, t.task_no, t.key_task_no,
            t.section_no, s.title as section_title, t.kind, t.comparator, a.target_value, t.ratio_parts, t.unit,
            t.target_year, t.recurring, t.basis, t.goal, t.interpretation, t.source, t.source_text, t.lead_unit, k.text as task_text, i.definition,
            a.status, a.status_label, a.baseline_value, a.baseline_year, a.latest_value, a.latest_year,
            a.latest_text, a.gap, a.required_per_year, a.actual_per_year, a.progress_ratio, a.projected_value,
            a.detail, a.is_demo, r.unit as rectified_by, r.year as rectified_year, r.reason as rectify_reason,
            r.measures as rectify_measures, r.planned_text as rectify_planned,
            a.text_basis, a.ruled, a.alt_text, a.alt_target_value, a.alt_status, a.alt_status_label, a.alt_gap,
            a.alt_detail, w.words as basis_words, w.source_text as basis_source_text, o.words as alt_words,
            o.source_text as alt_source_text, c.ruled_by, c.ruled_at, c.reason as ruling_reason
        from targets t
        join indicators i using (indicator_code)
        join sections s using (section_no)
        join tasks k on k.task_no = t.task_no
        join target_assessments a on a.target_id = t.target_id and a.as_of_year = ? and a.include_demo = ?
        left join rectification_latest(?, ?) r on r.target_id = t.target_id
        left join target_texts w on w.target_id = t.target_id and w.text = a.text_basis
        left join target_texts o on o.target_id = t.target_id and o.text = a.alt_text
        left join current_rulings c on c.target_id = t.target_id
        order by t.section_no, t.task_no, t.target_id
        """,
        [f.as_of, f.show_demo, f.show_demo, f.as_of],
    )
    if f.section:
        frame = frame[frame["section_no"] == f.section]
    if f.unit:
        # 牵头或负责: the unit leads or shares the target's task, or reports its indicator.
        involved = query("select task_no from task_units where unit = ?", [f.unit])["task_no"]
        frame = frame[frame["task_no"].isin(involved) | (frame["reporter"] == f.unit)]
    return frame.reset_index(drop=True)


def rectification_sentence(row, lagging_only: bool = True) -> str | None:
    """旗教育局：原因…；措施…；计划2026年6月 — a target's latest 整改说明 (a statuses() row), or None; by default only
    while the target is lagging (a target met since, or given an answer it was never asked for, says nothing)."""
    if not isinstance(getattr(row, "rectified_by", None), str):
        return None
    if lagging_only and row.status not in config.LAGGING_STATUSES:
        return None
    return sentence(row.rectified_by, row.rectify_reason, row.rectify_measures, row.rectify_planned)


def ledger(f: Filters) -> pd.DataFrame:
    """The task ledger as of the filters, with each task's targets' latest 整改说明 (`rectification`)."""
    frame = query("select * from task_ledger(?, include_demo := ?, report_year := ?)",
                  [ledger_date(f.as_of), f.show_demo, f.as_of])
    answers = query("select t.task_no, r.target_id, r.unit, r.reason, r.measures, r.planned_text "
                    "from rectification_latest(?, ?) r join targets t using (target_id) "
                    "join target_assessments a on a.target_id = r.target_id and a.as_of_year = ? and a.include_demo = ? "
                    "where list_contains(?, a.status) order by r.target_id",  # the targets lagging as of the year
                    [f.show_demo, f.as_of, f.as_of, f.show_demo, list(config.LAGGING_STATUSES)])
    names = dict(query("select t.target_id, i.name from targets t join indicators i using (indicator_code)").itertuples(index=False))
    said = answers.assign(text=[f"{plain_name(names.get(r.target_id, r.target_id))}：{sentence(r.unit, r.reason, r.measures, r.planned_text)}"
                                for r in answers.itertuples()]).groupby("task_no")["text"].agg(" ｜ ".join)
    frame["rectification"] = [said.get(n, "") for n in frame["task_no"]]
    targets = target_lines(statuses(Filters(f.as_of, None, None, f.show_demo)))
    frame["targets"] = [targets.get(n, "") for n in frame["task_no"]]
    if f.section:
        frame = frame[frame["section_no"] == f.section]
    if f.unit:
        involved = query("select task_no from task_units where unit = ?", [f.unit])["task_no"]
        frame = frame[frame["task_no"].isin(involved)]
    return frame.reset_index(drop=True)


def texts_by_target(frame: pd.DataFrame) -> dict[str, str]:
    """Each target (statuses() rows) the two texts state differently: its status under each and the ruling (issue 19)."""
    return {r.target_id: both for r in frame.itertuples() if (both := texts_sentence(r))}


def plain_name(name: str) -> str:
    """An indicator's name as a reader says it (without 当年新增, which is how it is reported, not what it is)."""
    return name.replace("（当年新增）", "")


def target_lines(frame: pd.DataFrame) -> dict[int, str]:
    """Each task's targets and their statuses (statuses() rows), one line per task for the ledger, by name (a target's
    code is for the downloads and the hover): 列入市级绿色校园、温馨校园的学校占比：逾期未达成（按附件（60%以上）：…；
    按正文（50%以上）：…；尚未裁定，暂以附件为准）."""
    said: dict[int, list[str]] = {}
    for r in frame.itertuples():
        both = texts_sentence(r)
        said.setdefault(int(r.task_no), []).append(f"{plain_name(r.indicator_name)}：{r.status_label}"
                                                   + (f"（{both}）" if both else ""))
    return {n: "；".join(lines) for n, lines in said.items()}


def submissions(show_demo: bool) -> pd.DataFrame:
    return query(
        """
        select s.submission_id, s.unit, s.year, s.file_name, s.received_at, s.account, s.n_values, s.n_progress,
            s.n_warnings, s.is_demo, s.withdrawn, s.withdrawn_at, s.withdrawn_by, s.sha256, s.review_status, s.reviewed_by,
            s.reviewed_at, s.review_note,
            -- issue 18: a workbook made by import names the unit's own export(s) it was read from
            (select string_agg(o.file_name, '、' order by o.file_name) from import_origins o
             where o.submission_id = s.submission_id and o.role = 'original') as imported_from
        from submissions s where ? or not s.is_demo
        order by s.submission_id desc
        """,
        [show_demo],
    )


def coverage(show_demo: bool) -> pd.DataFrame:
    """Per year: how many of the units that owe a workbook have sent one, and whether the year is covered."""
    return query("select * from year_coverage(?)", [show_demo])


def default_year(show_demo: bool) -> int:
    """The latest year the reporting units have covered (docs/design.md: the default as-of year)."""
    return int(query("select default_as_of_year(?) as year", [show_demo])["year"].iloc[0])


def completeness(show_demo: bool, last_year: int) -> pd.DataFrame:
    """Yearly workbooks per unit and year due (report_receipts): `received` counts those approved or awaiting
    review (a returned one is owed again), with the state ('approved', 'pending', 'returned', 'missing')."""
    frame = query(
        "select *, n_approved + n_pending as received from report_receipts(?) where year <= ? "
        "order by unit = '旗教育局' desc, unit, year",
        [show_demo, last_year],
    )
    frame["received"] = frame["received"].astype(int)
    return frame


def pending_reviews(show_demo: bool = True, unit: str | None = None) -> int:
    """Workbooks loaded and awaiting review (not counted anywhere yet), of one unit or all."""
    return int(query(PENDING_COUNT, [show_demo, unit, unit])["n"].iloc[0])


def pending_by_unit(show_demo: bool = True) -> dict[str, int]:
    """Workbooks awaiting review, per unit."""
    frame = query("select unit, count(*) as n from submissions where review_status = 'pending' and not withdrawn "
                  "and (? or not is_demo) group by unit", [show_demo])
    return dict(zip(frame["unit"], frame["n"].astype(int)))


def indicator_values(code: str, show_demo: bool) -> pd.DataFrame:
    """An indicator's current values by year, with the workbook each came from and its note."""
    return query(
        """
        select l.year, l.value, s2.cumulative_value, l.derivation, l.note, l.is_demo,
            s.file_name, s.unit as reported_by, s.received_at, l.source, l.source_date
        from latest_values(?) l
        left join series_values(?) s2 using (indicator_code, year)
        left join submissions s on s.submission_id = l.submission_id
        where l.indicator_code = ?
        order by l.year
        """,
        [show_demo, show_demo, code],
    )


def value_sources(code: str, show_demo: bool) -> pd.DataFrame:
    """Where each year's value of an indicator came from: the file, sheet and cell(s) it was typed in or read
    from (an imported export's cells), for a rate or a structure those of its parts (issue 18)."""
    return query(
        """
        with parts as (
            select indicator_code as part, 0 as part_no from indicators where indicator_code = ?
            union all select numerator, 1 from indicators where indicator_code = ? and method = 'rate'
            union all select denominator, 2 from indicators where indicator_code = ? and method = 'rate'
            union all select unnest(parts), 3 from indicators where indicator_code = ? and method = 'structure'
        )
        select r.year, r.indicator_code, i.name as part_name, p.part_no, v.source_file, v.sheet, v.cell, v.note,
            v.imported
        from reported_values(?) as r
        join parts as p on p.part = r.indicator_code
        join indicators as i on i.indicator_code = r.indicator_code
        join value_sources as v on v.submission_id = r.submission_id and v.indicator_code = r.indicator_code
        order by r.year, p.part_no, r.indicator_code, v.sheet, length(v.cell), v.cell
        """,
        [code, code, code, code, show_demo],
    )


def source_sentence(rows: pd.DataFrame) -> str:
    """来源：文件 …，工作表 …，单元格 G14、G15 (a value summed from cells; a rate's numerator and denominator)."""
    said = []
    for (name, file, sheet), cells in rows.groupby(["part_name", "source_file", "sheet"], sort=False):
        part = f"{name}：" if rows["indicator_code"].nunique() > 1 else ""
        said.append(f"{part}文件“{file}”，工作表“{sheet}”，单元格 {'、'.join(cells['cell'])}")
    return "来源：" + "；".join(said) if said else ""


def structure_values(code: str, show_demo: bool) -> pd.DataFrame:
    return query(
        """
        select p.year, p.part_no, p.part_code, i.name as part_name, i.unit as part_unit, p.count, p.share_of_ten, p.is_demo
        from structure_parts(?) p join indicators i on i.indicator_code = p.part_code
        where p.indicator_code = ?
        order by p.year, p.part_no
        """,
        [show_demo, code],
    )


def has_data(f: Filters) -> bool:
    n = query(
        "select count(*) as n from observations o join counted_submissions(?) s using (submission_id)",
        [f.show_demo],
    )["n"].iloc[0]
    return bool(n)


def indicator_data(code: str, kind: str, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame | None, bool]:
    """An indicator's values up to the as-of year, a structure's parts, and whether any is demo."""
    values = indicator_values(code, f.show_demo)
    values = values[values["year"] <= f.as_of]
    shares = None
    if kind == "ratio":
        shares = structure_values(code, f.show_demo)
        shares = shares[shares["year"] <= f.as_of]
    demo = f.show_demo and (bool(values["is_demo"].any()) or (shares is not None and bool(shares["is_demo"].any())))
    return values, shares, demo


def headline_series(f: Filters, target_ids: tuple[str, ...]) -> pd.DataFrame:
    """The yearly values (up to the as-of year) of the headline targets' indicators, for their sparklines.

    A structure's value is its first share (高级 of 10, 职 of 10), as its target's first part.
    """
    return query(
        """
        select l.indicator_code, l.year, l.value
        from latest_values(?) as l
        where l.indicator_code in (select indicator_code from targets where list_contains(?, target_id))
          and l.year <= ?
        order by l.indicator_code, l.year
        """,
        [f.show_demo, list(target_ids), f.as_of],
    )


def register_note(code: str, show_demo: bool, as_of: int) -> str | None:
    """For an indicator counted from the school register (or a rate of such a count): which years up to the
    as-of year have no register, and so no value (暂无数据); None when it is not counted from the register."""
    counted = query(
        """
        select c.indicator_code, c.name from indicators i
        join indicators c on c.indicator_code in (i.indicator_code, i.numerator, i.denominator)
        where i.indicator_code = ? and c.method = 'register'
        """, [code])
    if counted.empty:
        return None
    have = set(query("select year from school_books(?) union select year from latest_values(?) "
                     "where indicator_code in (select unnest(?::varchar[])) and derivation = 'reported'",
                     [show_demo, show_demo, list(counted["indicator_code"])])["year"].astype(int))
    start = int(query("select baseline_year from plan_calendar")["baseline_year"].iloc[0])
    missing = [y for y in range(start, as_of + 1) if y not in have]
    names = "、".join(f"“{n}”" for n in counted["name"])
    said = f"{names}由旗教育局学校与幼儿园工作簿的学校名录计数，各单位不再填写。"
    if missing:
        said += f"{'、'.join(str(y) for y in missing)}年没有学校名录，这些年度暂无数据：请旗教育局报送该年度的学校与幼儿园工作簿。"
    return said
