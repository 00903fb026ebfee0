"""The rules of one value of a unit's workbook beyond reading it: its 数据来源 and 来源日期, a row of another year,
a jump from last year, a rate against its parts (this workbook's, those sent earlier, or the register's count)."""

from ..core import config
from ..core.problems import Problem
from ..core.text import cell_text
from .bounds import check_bound
from .sources import source_date

MAX_ROWS_NAMED_ONE_BY_ONE = 3  # more rows (of another unit's indicators, of another year) are said in one sentence


def value_source(table, r: int, cells, ind: dict, warning) -> tuple[str | None, str | None]:
    """数据来源 and 来源日期 of a value; an external input (公安, 残联, 财政 …) without them is warned about."""
    source = cell_text(cells["数据来源"].value) or None
    when, bad = source_date(cells["来源日期"].value)
    has_columns = all(c in table.columns for c in config.VALUE_SOURCE_COLUMNS)
    if bad:
        warning(r, "来源日期", bad)
    if ind.get("external_source") and not (source and when):
        missing = "、".join(f"“{c}”" for c, v in zip(config.VALUE_SOURCE_COLUMNS, (source, when)) if not v)
        warning(r, "来源日期" if has_columns and source else ("数据来源" if has_columns else "数值"),
                f"外部数据（由{ind['external_source']}提供）：请在{missing}中注明取自哪份数据、截至何时" if has_columns else
                f"外部数据（由{ind['external_source']}提供）须注明数据来源和来源日期：本工作簿是旧模板，没有这两列，"
                "请下次使用平台下载的新模板填写")
    return source, when


def other_year_rows(file, table, year, other: list[tuple[int, str]], error, problems: list[Problem]) -> None:
    """Rows of another year: each said (a few), or once with the rows it kept from being checked (many: the
    workbook's year is more likely wrong than every row)."""
    if len(other) <= MAX_ROWS_NAMED_ONE_BY_ONE:
        for r, typed in other:
            error(r, "年份", f"年份“{typed}”与工作簿的填报年度 {year} 不一致")
        return
    rows = [r for r, _ in other]
    typed = "、".join(sorted({y for _, y in other}))
    problems.append(table.problem(file, rows[0], "年份", f"{len(rows)} 行的年份（{typed}）与填报说明的填报年度 {year} 不一致："
                                                         "请核对“填报说明”的填报年度，或各行的年份"))
    shown = "、".join(str(r) for r in rows[:12]) + ("等" if len(rows) > 12 else "")
    problems.append(table.problem(file, rows[0], "数值", f"因年份与填报年度不一致，以下{len(rows)}行的数值未能核对：第{shown}行",
                                  kind="knock_on"))


def jump_warning(ctx, code, ind, year, value, row, warning) -> None:
    """A change of more than half from last year is possible but worth a second look."""
    before = ctx.values.value(code, year - 1)
    if before is None or ind["value_type"] in ("flag", "rank", "stage") or before == 0:
        return
    if ind["value_type"] == "count" and abs(before) < 10:
        return  # small counts (2 → 4) jump by nature
    change = (value - before) / abs(before)
    if abs(change) > config.JUMP_WARNING_SHARE:
        warning(row, "数值", f"与上年（{before:g}）相比变化{change:+.0%}，超过{config.JUMP_WARNING_SHARE:.0%}，请确认")


def check_rates(ctx, year: int | None, rows: list[dict], error, warning) -> None:
    """A rate from its parts must be within the rate's bounds, and agree with the rate reported beside it.

    A part not in this workbook is taken from the current values of the year (or the school register's count,
    for a count of schools), so that a correction of one part cannot make a share of more than 100% out of the
    other part sent earlier.
    """
    by_code = {r["indicator_code"]: r for r in rows}
    for code, (numerator, denominator) in ctx.rates.items():
        num, den = by_code.get(numerator), by_code.get(denominator)
        if not (num or den) or year is None:
            continue
        n = num["value"] if num else ctx.values.known(numerator, year)
        d = den["value"] if den else ctx.values.known(denominator, year)
        said = {c: "本表" if c in by_code else ("学校名录计数" if ctx.indicators[c]["method"] == "register" else "此前填报")
                for c in (numerator, denominator)}
        if n is not None and d == 0 and n > 0:  # more than none out of none: one of the two is wrong
            names = [ctx.indicators[c]["name"] for c in (numerator, denominator)]
            error((den or num)["sheet_row"], "数值",
                  f"{names[1]}（{said[denominator]}）为0，而{names[0]}（{said[numerator]}）为{n:g}：分母为0时分子不能大于0，请核对")
            continue
        if n is None or d is None or d <= 0:
            continue
        ind, derived = ctx.indicators[code], 100 * n / d
        rate = by_code.get(code)
        if rate:
            if abs(rate["value"] - derived) > 0.5:
                warning(rate["sheet_row"], "数值", f"填写的{ind['name']}（{rate['value']:g}%）与分子、分母计算结果（{derived:.1f}%）不一致，以填写值为准，请核对")
            continue
        if ctx.values.reported(code, year) is not None:
            continue  # a rate reported earlier for the year stands; the parts do not replace it
        parts = "、".join(f"{ctx.indicators[c]['name']}（{said[c]} {v:g}）" for c, v in ((numerator, n), (denominator, d)))
        bound = check_bound(derived, ind, derived_from=f"由{parts}计算得到的")
        if bound:
            (error if bound.severity == "error" else warning)((num or den)["sheet_row"], "数值", bound.reason)
