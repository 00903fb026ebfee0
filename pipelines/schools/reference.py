"""The criteria, the townships and the stage split: hand-curated reference data, read, checked, loaded.

A threshold is corrected in data/raw/reference/criteria.csv; `build` reads it again and every
judgment, page and export follows.
"""

from pathlib import Path

import duckdb
import pandas as pd

from .. import config
from ..problems import InputError, Problem
from ..warehouse import insert_frame
from . import settings

CRITERIA_COLUMNS = ("criterion_id", "scheme", "part", "code", "name", "stage", "scope", "measure", "comparator",
                    "threshold", "unit", "applies_to", "rule", "source", "source_url", "caveat")
STAGES = ("小学", "初中", "幼儿园", "全旗")
SCOPES = ("school", "dispersion", "rule", "county", "kindergarten")
COMPARATORS = (">=", "<=", "=", "<")  # `<`: 低于 (YZ_Q04, 校际差异率低于0.15): the threshold itself is not met
SCHOOL_MEASURES = ("qualified_per100", "backbone_per100", "pe_art_per100", "teaching_area_per_student",
                   "sports_area_per_student", "equipment_per_student", "multimedia_per100")
KINDERGARTEN_MEASURES = ("outdoor_area_per_child", "activity_room_per_child", "building_area_per_child")
PREMISES_MEASURES = ("kg_premises_new", "kg_premises_old")  # the share of kindergartens meeting all three
COUNTY_MEASURES = ("reported", "indicator", "rooms_share", "min_music_room_area", "min_art_room_area",
                   "max_school_size_single", "max_school_size_nine", "max_class_ps", "max_class_jh", "jh_retention",
                   "kg_gross_enrolment", "kg_inclusive_share", "kg_public_share", "kg_township_centre",
                   "kg_class_compliance", "kg_children_per_teacher", "kg_certified_share", *PREMISES_MEASURES)
RULE_MEASURES = ("min_met", "floor", "min_students")
# PH_04 read a public kindergarten per township before issue 19; a criteria.csv of then (a backup) reads as now.
MEASURE_ALIASES = {"kg_township_public": "kg_township_centre"}
MEASURES = {"school": SCHOOL_MEASURES, "dispersion": ("cv",), "rule": RULE_MEASURES, "county": COUNTY_MEASURES,
            "kindergarten": KINDERGARTEN_MEASURES}


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"缺少参考数据文件 {path}")]) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(path.name, f"缺少列“{c}”", row=1, column=c) for c in missing])
    return frame.apply(lambda s: s.str.strip())


def read_criteria(reference_dir: Path, indicators: set[str] | None = None) -> pd.DataFrame:
    """criteria.csv, checked: every problem at once, with its row and column. indicators: the plan's indicator
    codes, which the optional column indicator_code must name."""
    file = settings.CRITERIA_FILE
    frame = _read(reference_dir / file, CRITERIA_COLUMNS)
    if "indicator_code" not in frame.columns:  # a criteria.csv written before issue 18
        frame["indicator_code"] = ""
    frame["measure"] = frame["measure"].replace(MEASURE_ALIASES)  # one written before issue 19
    seen: dict[str, int] = {}  # criterion_id -> the row it is first on
    problems = [Problem(file, reason, row=i + 2, column=column)
                for i, r in frame.iterrows() for column, reason in _criterion_problems(r, i + 2, seen, indicators)]
    problems += [Problem(file, reason, row=i + 2, column=column) for i, column, reason in _cross_row_problems(frame)]
    problems += [Problem(file, reason) for reason in _missing_criteria(frame)]
    if problems:
        raise InputError(problems)
    out = frame.copy()
    out["threshold"] = out["threshold"].astype(float)
    for column in ("code", "unit", "applies_to", "rule", "source_url", "indicator_code"):
        out[column] = out[column].replace("", None)
    out["sort_order"] = range(1, len(out) + 1)
    return out


def _criterion_problems(r: pd.Series, row: int, seen: dict[str, int], indicators: set[str] | None) -> list[tuple[str, str]]:
    """(column, reason) for each thing wrong in a row of criteria.csv on its own (seen: the rows of the ids so far)."""
    found = []
    if not r["criterion_id"]:
        found.append(("criterion_id", "缺少标准代码"))
    elif r["criterion_id"] in seen:
        found.append(("criterion_id", f"标准代码“{r['criterion_id']}”重复（与第{seen[r['criterion_id']]}行）"))
    seen.setdefault(r["criterion_id"], row)
    for column, allowed in (("scheme", settings.SCHEMES), ("stage", STAGES), ("scope", SCOPES), ("comparator", COMPARATORS)):
        if r[column] not in allowed:
            found.append((column, f"“{r[column]}”不是可选值（{'、'.join(allowed)}）"))
    if r["scope"] in MEASURES and r["measure"] not in MEASURES[r["scope"]]:
        found.append(("measure", f"计算口径“{r['measure']}”不适用于 {r['scope']}（可选：{'、'.join(MEASURES[r['scope']])}）"))
    found += _indicator_code_problems(r, indicators)
    if r["scope"] in ("school", "kindergarten") and r["comparator"] != ">=":
        found.append(("comparator", "逐校、逐园指标的比较符应为 >=（每百名学生、生均指标越高越好）"))
    if r["scope"] == "kindergarten" and r["stage"] != "幼儿园":
        found.append(("stage", "逐园指标的学段应为“幼儿园”"))
    if not _is_number(r["threshold"]):
        found.append(("threshold", f"阈值“{r['threshold']}”不是数字"))
    found += [(column, "不能为空（每条标准都要写明出处和说明）") for column in ("name", "source", "caveat") if not r[column]]
    return found


def _indicator_code_problems(r: pd.Series, indicators: set[str] | None) -> list[tuple[str, str]]:
    """A criterion that takes a plan indicator's value: a county one, naming an indicator of the catalogue."""
    found = []
    if r["measure"] == "indicator" and not r["indicator_code"]:
        found.append(("indicator_code", "计算口径为 indicator 的标准须写明所取的方案指标代码"))
    if r["indicator_code"] and r["scope"] != "county":
        found.append(("indicator_code", "只有全旗（county）标准可以取方案指标的数值"))
    if r["indicator_code"] and indicators is not None and r["indicator_code"] not in indicators:
        found.append(("indicator_code", f"指标“{r['indicator_code']}”不在指标目录（indicators.csv）中"))
    return found


def _is_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return value == value  # not NaN


def _cross_row_problems(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(index, column, reason) for rules between rows: a 差异系数 belongs to a school indicator of its stage; the
    premises' shares need the three per-kindergarten criteria."""
    found = []
    school = frame[frame["scope"] == "school"]
    for i, r in frame[frame["scope"] == "dispersion"].iterrows():
        target = school[school["criterion_id"] == r["applies_to"]]
        if target.empty:
            found.append((i, "applies_to", f"差异系数所属的逐校指标“{r['applies_to']}”不存在"))
        elif target["stage"].iloc[0] != r["stage"]:
            found.append((i, "applies_to", f"差异系数的学段（{r['stage']}）与指标“{r['applies_to']}”的学段不同"))
    kindergarten = set(frame.loc[frame["scope"] == "kindergarten", "measure"])
    missing = [m for m in KINDERGARTEN_MEASURES if m not in kindergarten]
    for i in frame.index[frame["measure"].isin(PREMISES_MEASURES)] if missing else ():
        found.append((i, "measure", f"园舍条件达标率需要 scope=kindergarten 的逐园指标：{'、'.join(missing)}"))
    return found


def _missing_criteria(frame: pd.DataFrame) -> list[str]:
    """What the file as a whole lacks: one rule of each kind for each stage it applies to, and each scheme."""
    found = []
    rules = frame[frame["scope"] == "rule"]
    for measure, stages in (("min_met", settings.JUDGED_STAGES), ("floor", ("全旗",)), ("min_students", ("全旗",))):
        for stage in stages:
            if rules[(rules["measure"] == measure) & (rules["stage"] == stage)].shape[0] != 1:
                found.append(f"应有且只有一条 scope=rule、measure={measure}、stage={stage} 的规则")
    found += [f"没有“{scheme}”的标准" for scheme in settings.SCHEMES if (frame["scheme"] == scheme).sum() == 0]
    return found


TOWNSHIP_COLUMNS = ("code", "township", "kind", "edition", "status", "now", "source", "source_url", "note")


def read_townships(reference_dir: Path) -> pd.DataFrame:
    """townships.csv, checked: the division with its edition; every problem at once, with its row and column.
    A file of the earlier layout (township, kind, note, source, source_url) reads as all 现行."""
    file = settings.TOWNSHIPS_FILE
    frame = _read(reference_dir / file, ("township", "kind", "source"))
    legacy = "code" not in frame.columns  # a raw folder (a backup) from before issue 19: names only, all current
    for column in TOWNSHIP_COLUMNS:
        if column not in frame.columns:
            frame[column] = settings.CURRENT if column == "status" else ""
    problems = [Problem(file, reason, row=i + 2, column=column) for i, r in frame.iterrows()
                for column, reason in _township_problems(r, frame, legacy)]
    if not (frame["status"] == settings.CURRENT).any():
        problems.append(Problem(file, f"没有状态为“{settings.CURRENT}”的苏木乡镇"))
    if problems:
        raise InputError(problems)
    out = frame[list(TOWNSHIP_COLUMNS)].replace("", None)
    out["edition"] = pd.array([int(e) if e else None for e in frame["edition"]], dtype="Int64")
    out["centre_required"] = (frame["status"] == settings.CURRENT) & frame["kind"].isin(settings.CENTRE_KINDS)
    return out


def _township_problems(r: pd.Series, frame: pd.DataFrame, legacy: bool = False) -> list[tuple[str, str]]:
    """(column, reason) for each thing wrong in a row of townships.csv."""
    found = []
    current = set(frame.loc[frame["status"] == settings.CURRENT, "township"])
    if not r["township"]:
        found.append(("township", "缺少名称"))
    elif (frame["township"] == r["township"]).sum() > 1:
        found.append(("township", f"苏木乡镇“{r['township']}”重复"))
    for column, allowed in (("kind", settings.TOWNSHIP_KINDS), ("status", settings.TOWNSHIP_STATUSES)):
        if r[column] not in allowed:
            found.append((column, f"“{r[column]}”不是可选值（{'、'.join(allowed)}）"))
    code = r["code"]
    if code and not (len(code) == 9 and code.isdigit() and code.startswith(settings.TOWNSHIP_CODE_PREFIX)):
        found.append(("code", f"区划代码“{code}”应为{settings.TOWNSHIP_CODE_PREFIX}开头的9位数字"))
    elif code and (frame["code"] == code).sum() > 1:
        found.append(("code", f"区划代码“{code}”重复"))
    if not code and not legacy and r["status"] == settings.CURRENT and settings.UNVERIFIED_CODE not in r["note"]:
        found.append(("code", f"现行苏木乡镇缺少区划代码：无法核实的，在 note 中注明“{settings.UNVERIFIED_CODE}”"))
    if r["edition"] and not (r["edition"].isdigit() and 1949 <= int(r["edition"]) <= 2100):
        found.append(("edition", f"区划版本年份“{r['edition']}”应为四位年份"))
    if r["status"] == settings.RENAMED and r["now"] not in current:
        found.append(("now", f"已更名的“{r['township']}”应在 now 列写明现行名称（现为“{r['now']}”，不是现行的苏木乡镇）"))
    if r["status"] != settings.RENAMED and r["now"]:
        found.append(("now", "只有已更名的苏木乡镇填写现行名称（now）"))
    if not r["source"]:
        found.append(("source", "不能为空（写明区划的出处）"))
    return found


def read_stage_split(reference_dir: Path) -> pd.DataFrame:
    file = settings.STAGE_SPLIT_FILE
    frame = _read(reference_dir / file, ("school_type", "stage", "weight", "source"))
    problems = []
    for i, r in frame.iterrows():
        stages = settings.SCHOOL_TYPES.get(r["school_type"])
        if stages is None or len(stages) < 2:
            problems.append(Problem(file, f"“{r['school_type']}”不是多学段的办学类型", row=i + 2, column="school_type"))
        elif r["stage"] not in stages:
            problems.append(Problem(file, f"{r['school_type']}没有学段“{r['stage']}”", row=i + 2, column="stage"))
        try:
            if not float(r["weight"]) > 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(file, f"权重“{r['weight']}”应为正数", row=i + 2, column="weight"))
    if problems:
        raise InputError(problems)
    return frame.assign(weight=frame["weight"].astype(float))


def acceptance_years(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each scheme's acceptance year: the year of the plan's milestone target for it (tasks 6 and 10)."""
    years = dict(settings.SCHEME_YEARS)
    for scheme, code in settings.SCHEME_MILESTONES.items():
        (year,), = con.execute("select max(target_year) from targets where indicator_code = ? and kind = 'milestone'",
                               [code]).fetchall()
        if year:
            years[scheme] = int(year)
    return years


def load_reference(con: duckdb.DuckDBPyConnection, raw_dir: Path) -> int:
    """criteria, townships, stage_split and the parameters into the (empty) tables; returns the criteria."""
    reference = raw_dir / config.REFERENCE_DIR
    criteria = read_criteria(reference, {code for (code,) in con.execute("select indicator_code from indicators").fetchall()})
    townships = read_townships(reference)
    split = read_stage_split(reference)
    years = acceptance_years(con)
    insert_frame(con, "criteria", criteria.assign(acceptance_year=criteria["scheme"].map(years)))
    insert_frame(con, "townships", townships)
    insert_frame(con, "stage_split", split)
    insert_frame(con, "school_parameters", pd.DataFrame(list(settings.PARAMETERS.items()), columns=["name", "value"]))
    from ..planning.costs import load_unit_costs  # issue 23: what a plan's additions cost

    load_unit_costs(con, raw_dir)
    return len(criteria)
