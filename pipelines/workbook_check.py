"""Check a unit's workbook against the catalogue: every problem at once, each with sheet, row, column."""

import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import config
from .bounds import check_bound
from .collection.rectify import COLUMNS as RECTIFICATION_COLUMNS
from .collection.rectify import check_rectifications
from .current_values import CurrentValues
from .problems import HasProblems, Problem
from .reporting import reporting_units
from .sqlnames import statement
from .text import cell_text, over_limit
from .value_rules import MAX_ROWS_NAMED_ONE_BY_ONE, check_rates, jump_warning, other_year_rows, value_source
from .values import parse_value
from .workbook_read import Book, Cell, find_table, unit_and_year


@dataclass
class Context:
    """What the check needs to know from the warehouse."""

    indicators: dict[str, dict]  # indicator_code -> its catalogue row
    units: list[str]  # units that send a workbook
    tasks: set[int]
    led: dict[str, set[int]]  # unit -> task numbers it leads
    rates: dict[str, tuple[str, str]]  # rate code -> (numerator code, denominator code)
    values: CurrentValues  # the current values, for jump warnings and rates from parts
    led_targets: dict[str, dict[str, str]] = field(default_factory=dict)  # unit -> {target_id: its words}

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection, replay: bool = False) -> "Context":
        """The catalogue from the warehouse, and its current values (read when needed).

        replay: the caller loads workbook after workbook and tells the values itself (build).
        """
        cursor = con.execute(statement("select {columns} from indicators", columns=INDICATOR_COLUMNS))
        indicators = {row[0]: dict(zip(INDICATOR_COLUMNS, row)) for row in cursor.fetchall()}
        rates = {code: (i["numerator"], i["denominator"]) for code, i in indicators.items()
                 if i["method"] == "rate" and i["numerator"] and i["denominator"]}
        led = con.execute("select unit, list(task_no) from task_units where role = 'lead' group by unit").fetchall()
        targets = con.execute("select t.lead_unit, t.target_id, i.name from targets t join indicators i using (indicator_code) "
                              "where t.lead_unit is not null").fetchall()
        led_targets: dict[str, dict[str, str]] = {}
        for unit, target_id, name in targets:
            led_targets.setdefault(unit, {})[target_id] = name.replace("（当年新增）", "")
        return cls(
            indicators=indicators,
            units=reporting_units(con),
            tasks={r[0] for r in con.execute("select task_no from tasks").fetchall()},
            led={unit: set(tasks) for unit, tasks in led},
            rates=rates,
            values=CurrentValues(rates, None if replay else con),
            led_targets=led_targets,
        )


INDICATOR_COLUMNS = ("indicator_code", "name", "unit", "value_type", "bounds", "reporter", "method", "numerator", "denominator",
                     "external_source")


@dataclass
class Checked(HasProblems):
    file: str
    unit: str | None
    year: int | None
    observations: pd.DataFrame
    progress: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rectifications: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RECTIFICATION_COLUMNS))


OBSERVATION_COLUMNS = ["indicator_code", "year", "value", "note", "source", "source_date", "sheet_row", "value_cell"]
PROGRESS_COLUMNS = ["task_no", "status", "status_code", "note", "sheet_row"]


def check_book(book: Book, ctx: Context) -> Checked:
    """Observations and task progress of a workbook, with every error and warning found in it."""
    problems: list[Problem] = []
    unit, year = unit_and_year(book)
    if not unit:
        problems.append(Problem(book.file, f"找不到填报单位（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_UNIT_LABEL}”旁）", config.SHEET_GUIDE))
    elif unit not in ctx.units:
        problems.append(Problem(book.file, f"填报单位“{unit}”不是需要填报的单位（{'、'.join(ctx.units)}）", config.SHEET_GUIDE, column=config.GUIDE_UNIT_LABEL))
    if not year:
        problems.append(Problem(book.file, f"找不到填报年度（应在“{config.SHEET_GUIDE}”的“{config.GUIDE_YEAR_LABEL}”旁）", config.SHEET_GUIDE))
    elif year not in config.YEARS:
        problems.append(Problem(book.file, f"填报年度 {year} 不在方案范围（{config.YEARS[0]}—{config.YEARS[-1]}）内", config.SHEET_GUIDE, column=config.GUIDE_YEAR_LABEL))

    values, found = find_table(book, config.SHEET_VALUES, config.VALUE_COLUMNS, config.VALUE_SOURCE_COLUMNS)
    problems += found + unread(book, config.SHEET_VALUES, values)
    progress, found = find_table(book, config.SHEET_PROGRESS, config.PROGRESS_COLUMNS)
    problems += found + unread(book, config.SHEET_PROGRESS, progress)

    # A unit that sends no workbook hides whose rows they are: the rows are checked, that is said once.
    own = unit if unit in ctx.units else None
    if unit and own is None and (values and values.rows or progress and progress.rows):
        problems.append(Problem(book.file, f"因填报单位“{unit}”有误，未能核对各行的指标和任务是否由本单位填报",
                                config.SHEET_GUIDE, column=config.GUIDE_UNIT_LABEL, kind="knock_on"))
    observations = _check_values(book.file, values, own, year, ctx, problems) if values else []
    reports = _check_progress(book.file, progress, own, ctx, problems) if progress else []
    # issue 13: the 整改说明 sheet, in a workbook whose unit led lagging targets
    answers = check_rectifications(book, unit, year, ctx.led_targets.get(unit, {}), problems)
    if values and progress and not observations and not reports and not answers \
            and not [p for p in problems if p.severity == "error"]:
        problems.append(Problem(book.file, "工作簿中没有填写任何数值或任务进展"))
    return Checked(
        book.file, unit, year,
        pd.DataFrame(observations, columns=OBSERVATION_COLUMNS),
        pd.DataFrame(reports, columns=PROGRESS_COLUMNS),
        problems,
        pd.DataFrame(answers, columns=RECTIFICATION_COLUMNS),
    )


def unread(book: Book, sheet: str, table) -> list[Problem]:
    """A sheet whose header could not be found hides its rows: said once, as a knock-on of the header's error."""
    if table is not None or sheet not in book.sheets:
        return []
    return [Problem(book.file, f"因表头有误，“{sheet}”的内容未能核对：改正表头后再检查", sheet, kind="knock_on")]


def _bare_name(name: str) -> str:
    """An indicator's name as the template writes it, less the 其中： of a part and the spaces."""
    return re.sub(r"[\s\u3000]", "", name).removeprefix("其中：")




def _check_values(file, table, unit, year, ctx: Context, problems: list[Problem]) -> list[dict]:
    seen: dict[str, int] = {}
    rows = []

    subjects: dict[int, str] = {}  # sheet row -> the indicator it is about, said in each of its messages
    other_year: list[tuple[int, str]] = []  # rows whose 年份 is not the workbook's: (row, year typed)
    foreign: dict[str, list[tuple[int, str, str]]] = {}  # another unit's indicators: reporter -> (row, code, name)

    def about(row, column):  # the code's own column already names what is wrong with it
        return None if column == "指标代码" else subjects.get(row)

    def error(row, column, reason):
        problems.append(table.problem(file, row, column, reason, subject=about(row, column)))

    def warning(row, column, reason):
        problems.append(table.problem(file, row, column, reason, "warning", subject=about(row, column)))

    for r, cells in table.rows:
        code = cell_text(cells["指标代码"].value)
        if code in ctx.indicators:
            subjects[r] = ctx.indicators[code]["name"]
        raw = cells["数值"]
        note = cell_text(cells["备注"].value) or None
        ind = _row_indicator(r, code, raw, unit, ctx, foreign, seen, error, warning)
        if ind is None:
            continue
        typed_name = cell_text(cells["指标名称"].value)
        if typed_name and _bare_name(typed_name) != _bare_name(ind["name"]):  # a row pasted over another?
            warning(r, "指标名称", f"指标名称被改为“{typed_name}”，与指标代码{code}的名称“{ind['name']}”不符："
                                   "以指标代码为准载入，请核对这一行是否填错")
        if reason := over_limit("备注", note or ""):
            error(r, "备注", reason)
            continue
        row_year = cell_text(cells["年份"].value)
        if year and row_year and row_year != str(year):
            other_year.append((r, row_year))
            continue
        value = _row_value(r, code, raw, ind, year, ctx, error, warning)
        if value is None:
            continue
        source, when = value_source(table, r, cells, ind, warning)
        if reason := over_limit("数据来源", source or ""):
            error(r, "数据来源", reason)
            continue
        rows.append({"indicator_code": code, "year": year, "value": value, "note": note, "source": source,
                     "source_date": when, "sheet_row": r, "value_cell": f"{table.letter('数值')}{r}"})

    other_year_rows(file, table, year, other_year, error, problems)
    check_rates(ctx, year, rows, error, warning)
    _foreign_rows(file, table, unit, foreign, error, problems)
    return rows


def _row_indicator(r: int, code: str, raw, unit, ctx: Context, foreign: dict, seen: dict[str, int], error,
                   warning) -> dict | None:
    """The indicator a 指标数据 row reports, or None when the row is not read: no code (an error if a value is
    typed), an unknown code, another unit's indicator (gathered in foreign, said after), a structure, a code
    already reported (seen: code -> its first row)."""
    if not code:
        if cell_text(raw.value):
            error(r, "指标代码", "填写了数值但没有指标代码")
        return None
    if code not in ctx.indicators:
        error(r, "指标代码", f"指标代码“{code}”不存在")
        return None
    ind = ctx.indicators[code]
    if unit and ind["reporter"] != unit:
        foreign.setdefault(ind["reporter"], []).append((r, code, ind["name"]))
        return None
    if ind["method"] == "structure":
        error(r, "指标代码", f"结构指标“{ind['name']}”请分别填写各部分的数量")
        return None
    if ind["method"] == "register" and cell_text(raw.value):  # an older template asked it (issue 18)
        warning(r, "数值", f"“{ind['name']}”现由旗教育局学校与幼儿园工作簿的学校名录计数，新模板不再填写；"
                           "本表填写的值仍载入，该年度以它为准")
    if code in seen:
        error(r, "指标代码", f"指标“{code}”（{ind['name']}）重复填报（与第{seen[code]}行重复）")
        return None
    seen[code] = r
    return ind


def _row_value(r: int, code: str, raw, ind: dict, year, ctx: Context, error, warning) -> float | None:
    """The row's 数值 read and checked (its bounds, a share typed as 0.953, a jump from last year); None when it is
    blank or refused (the reason said)."""
    parsed = parse_value(raw.value, ind["value_type"], raw.percent, ind["unit"])
    if parsed.error:
        error(r, "数值", parsed.error)
        return None
    if parsed.value is None:
        return None
    value = parsed.value
    bound = check_bound(value, ind)
    if bound:
        (error if bound.severity == "error" else warning)(r, "数值", bound.reason)
        if bound.severity == "error":
            return None
    if ind["value_type"] == "percent" and 0 < value < 1 and not parsed.was_percent:
        warning(r, "数值", f"数值{value:g}小于1：百分数应填 95.3 或 95.3%，而不是 0.953，请确认")
    if year:
        jump_warning(ctx, code, ind, year, value, r, warning)
    return value


def _foreign_rows(file, table, unit, foreign: dict, error, problems: list[Problem]) -> None:
    """Rows of another unit's indicators: one by one when a few, else one problem saying whose workbook it looks like."""
    for reporter, listed in foreign.items():
        if len(listed) <= MAX_ROWS_NAMED_ONE_BY_ONE:
            for r, code, name in listed:
                error(r, "指标代码", f"指标“{code}”（{name}）由{reporter}填报，不属于{unit}")
            continue
        first, last = listed[0][0], listed[-1][0]
        problems.append(table.problem(file, first, "指标代码", (
            f"第{first}—{last}行的 {len(listed)} 个指标均由{reporter}填报，不属于{unit}：这像是{reporter}的工作簿而“"
            f"{config.GUIDE_UNIT_LABEL}”被改成了{unit}。请从平台下载{unit}本单位的工作簿填写")))


def _check_progress(file, table, unit, ctx: Context, problems: list[Problem]) -> list[dict]:
    seen: dict[int, int] = {}
    rows = []
    allowed = "、".join(config.PROGRESS_STATUSES)

    def error(row, column, reason):
        number = cell_text(table_row.get(row, {}).get("任务编号", Cell(None)).value)
        subject = f"任务{number}" if number and column != "任务编号" else None
        problems.append(table.problem(file, row, column, reason, subject=subject))

    table_row = dict(table.rows)
    for r, cells in table.rows:
        number = cell_text(cells["任务编号"].value)
        status = cell_text(cells["进展状态"].value)
        note = cell_text(cells["进展说明"].value) or None
        if not status and not note:
            continue
        try:
            task_no = int(float(number))
        except ValueError:
            error(r, "任务编号", f"任务编号“{number}”不是数字")
            continue
        if task_no not in ctx.tasks:
            error(r, "任务编号", f"任务编号 {task_no} 不存在（任务清单共 {len(ctx.tasks)} 项）")
            continue
        if unit and task_no not in ctx.led.get(unit, set()):
            error(r, "任务编号", f"任务 {task_no} 不由{unit}牵头，不能由本单位填报进展")
            continue
        if task_no in seen:
            error(r, "任务编号", f"任务 {task_no} 重复填报（与第{seen[task_no]}行重复）")
            continue
        seen[task_no] = r
        if reason := over_limit("进展说明", note or ""):
            error(r, "进展说明", reason)
            continue
        if not status:
            error(r, "进展状态", f"填写了进展说明但没有选择进展状态（可选：{allowed}）")
            continue
        if status not in config.PROGRESS_STATUSES:
            error(r, "进展状态", f"进展状态“{status}”无法识别，应为：{allowed}")
            continue
        rows.append({"task_no": task_no, "status": status, "status_code": config.PROGRESS_STATUSES[status], "note": note, "sheet_row": r})
    return rows
