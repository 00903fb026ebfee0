"""Unit costs of what a plan may add: reference data with their source, and an office's override.

data/raw/reference/unit_costs.csv holds the platform's reference values (each row names its source and says
it is not yet confirmed); data/raw/unit_costs_office.csv, when an office writes one (旗财政局, 住建局), overrides
them row by row and must say where each figure comes from. Columns: 资源 (a resource's name), 单价 (万元), 计价单位,
计入年数 (a teacher's yearly cost counts this many years), 单校上限 (the most one school may add; blank: no limit),
来源, 说明. Read and checked here (every problem at once, with file, row and column); loaded by `build`.
"""

from pathlib import Path

import duckdb
import pandas as pd

from .. import config
from ..problems import InputError, Problem
from ..warehouse import insert_frame
from . import settings as p

RESOURCE_BY_LABEL = {**{label: key for key, label in p.LABEL.items()}, p.MOVE: p.MOVE}
COLUMNS = ["resource", "label", "unit_cost", "price_unit", "cost_years", "cap", "source", "note", "overridden"]


def _number(text: str, problems: list[Problem], file: str, row: int, column: str, required: bool) -> float | None:
    if text == "":
        if required:
            problems.append(Problem(file, f"缺少{column}", row=row, column=column))
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        problems.append(Problem(file, f"“{text}”不是数字", row=row, column=column))
        return None
    if value < 0:
        problems.append(Problem(file, f"{column}不能为负数（{text}）", row=row, column=column))
        return None
    return value


def read_costs(path: Path, required: bool = True) -> pd.DataFrame:
    """One cost file, checked; an absent office file (required False) is no override."""
    file = path.name
    if not path.exists():
        if required:
            raise InputError([Problem(file, f"缺少参考数据文件 {path}")])
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig").apply(lambda c: c.str.strip())
    missing = [c for c in p.COST_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([Problem(file, f"缺少列“{c}”", row=1, column=c) for c in missing])
    problems: list[Problem] = []
    rows, seen = [], {}
    for i, r in frame.iterrows():
        row = i + 2
        label = r["资源"]
        if label not in RESOURCE_BY_LABEL:
            problems.append(Problem(file, f"资源“{label}”不是可选值（{'、'.join(RESOURCE_BY_LABEL)}）", row=row, column="资源"))
            continue
        if label in seen:
            problems.append(Problem(file, f"资源“{label}”重复（与第{seen[label]}行）", row=row, column="资源"))
            continue
        seen[label] = row
        if not r["来源"]:
            problems.append(Problem(file, "须写明单价的来源（如“旗财政局2026年核定”）", row=row, column="来源"))
        unit_cost = _number(r["单价"], problems, file, row, "单价", True)
        years = _number(r["计入年数"], problems, file, row, "计入年数", False)
        cap = _number(r["单校上限"], problems, file, row, "单校上限", False)
        if years is not None and years < 1:
            problems.append(Problem(file, f"计入年数至少为1（填写为{r['计入年数']}）", row=row, column="计入年数"))
        rows.append({"resource": RESOURCE_BY_LABEL[label], "label": label, "unit_cost": unit_cost,
                     "price_unit": r["计价单位"] or None, "cost_years": years or 1.0, "cap": cap,
                     "source": r["来源"], "note": r["说明"] or None})
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=COLUMNS[:-1])


def unit_costs(raw_dir: Path) -> pd.DataFrame:
    """The reference unit costs with the office's rows laid over them (`overridden` says which)."""
    reference = read_costs(raw_dir / config.REFERENCE_DIR / p.UNIT_COSTS_FILE).assign(overridden=False)
    office = read_costs(raw_dir / p.OFFICE_COSTS_FILE, required=False)
    missing = [p.LABEL.get(k, k) for k in (*p.RESOURCES, p.MOVE) if k not in set(reference["resource"]) | set(office["resource"])]
    if missing:
        raise InputError([Problem(p.UNIT_COSTS_FILE, f"缺少资源“{label}”的单价") for label in missing])
    kept = reference[~reference["resource"].isin(office["resource"])]
    return pd.concat([kept, office.assign(overridden=True)], ignore_index=True)[COLUMNS]


def load_unit_costs(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    frame = unit_costs(raw_dir)
    con.execute("delete from plan_unit_costs")
    insert_frame(con, "plan_unit_costs", frame)
    return len(frame)
