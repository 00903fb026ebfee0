"""The indicator catalogue and typed targets: hand-curated reference data, read and checked.

The catalogue lives in data/raw/reference/ (indicators.csv, targets.csv, not_targets.csv). This module
reads it, checks it against the task list, and finds the number-bearing phrases of a text, so that a
test can prove that every quantitative phrase of the notice is either a target or explicitly not one.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .problems import InputError, Problem
from .schools.settings import KINDERGARTEN_TYPE, SCHOOL_TYPES
from .text import fold

KINDS = tuple(config.KIND_LABELS)
TREND_COMPARATORS = ("increasing", "decreasing", "not_decreasing")
COMPARATORS = (">=", "<=", "=", "increasing", "decreasing", "not_decreasing")
# How a target is judged beyond its kind: 逐年 (each_year), 大幅提升 (overall), 年均 (mean), 每次评选 (each_round).
BASES = ("", "each_year", "overall", "mean", "each_round")
VALUE_TYPES = ("percent", "count", "rank", "flag", "amount", "area", "structure", "stage")
METHODS = ("reported", "rate", "structure", "register")
# external_source: the office that holds an input the statistics do not (公安, 残联, 财政 …): typed with its
# 数据来源 and 来源日期. register_types: a count derived from the school register, the 办学类型 it counts.
OPTIONAL_INDICATOR_COLUMNS = ("external_source", "register_types")
# goal: the target in the notice's words where its kind's words do not fit (建成, 缺口补齐); interpretation:
# how the platform reads a phrase that could be read otherwise, shown under the target (issue 19).
OPTIONAL_TARGET_COLUMNS = ("goal", "interpretation")
REGISTER_TYPES = (*SCHOOL_TYPES, KINDERGARTEN_TYPE)

DIRECTION_WORDS = "提高|提升|缩减|增加|减少|缩小|扩大|补齐|保持"
PROJECT_WORDS = ("新惠第[一二三四五六七八九十]+(?:小学|中学|幼儿园)|学生食堂|学生餐厅|综合楼|体育活动室|实训基地|心理辅导站"
                 "|心理健康功能室|劳动教育基地|中心幼儿园")
# A number-bearing mention: Arabic numbers (a ratio such as 3.5:6.5 is one mention), Chinese
# numerals with a measure word (一次, 一届, 十项), and the words that make a phrase quantitative
# without a digit (逐年增加, 全覆盖, 不低于 …).
MENTION = re.compile(
    r"\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)*"
    r"|[一二两三四五六七八九十百]+(?:次|届|个|所|名|项|位)"
    r"|千兆"
    r"|逐年增加|大幅提升|只增不减|全覆盖|不低于|不少于|全部化解|全额|同工同酬|验收|达标"
    # Issue 19: a direction a unit could be judged by (提高, 缩减, 增加, 补齐 …), and a named project (a building,
    # a base) whose 开工/竣工 could be.
    rf"|{DIRECTION_WORDS}|{PROJECT_WORDS}"
)


def normalize(text: str) -> str:
    """Text as compared: full-width folded (NFKC), no whitespace."""
    return re.sub(r"\s+", "", fold(text or ""))


def mentions(text: str) -> list[tuple[int, int, str]]:
    """Spans of number-bearing mentions in normalized text."""
    return [(m.start(), m.end(), m.group()) for m in MENTION.finditer(text)]


def spans_of(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every place the (normalized) phrase stands in the (normalized) text."""
    phrase = normalize(phrase)
    return [(m.start(), m.start() + len(phrase)) for m in re.finditer(re.escape(phrase), text)] if phrase else []


# A date of the notice's text (到2025年, 2023年底前). It is covered when it is a target's own: the year of a target
# whose phrase stands after it in the same sentence (到2025年，创建自治区优质高中1所 …), else it must be listed.
DATE = re.compile(r"\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?底?前?")
SENTENCE_END = "。;"  # normalized: ； is ;


def target_date_spans(text: str, dated: list[tuple[int, int, int | None]]) -> list[tuple[int, int]]:
    """The dates of the (normalized) text that are the years of targets standing after them in their sentence.

    dated: (start, end, target year) of each target phrase found in the text.
    """
    spans = []
    for m in DATE.finditer(text):
        year = int(m.group()[:4])
        end = min([text.find(ch, m.end()) for ch in SENTENCE_END if text.find(ch, m.end()) >= 0], default=len(text))
        if any(not pd.isna(y) and int(y) == year and m.start() <= s and e <= end for s, e, y in dated):
            spans.append((m.start(), m.end()))
    return spans


def uncovered(text: str, covering: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Mentions of the text not inside any of the covering spans."""
    return [m for m in mentions(text) if not any(s <= m[0] and m[1] <= e for s, e in covering)]


@dataclass
class Catalogue:
    indicators: pd.DataFrame
    targets: pd.DataFrame
    not_targets: pd.DataFrame


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"缺少参考数据文件 {path}")]) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path.name, f"无法读取 CSV：{exc}")]) from exc


def read_catalogue(reference_dir: Path) -> Catalogue:
    """Read and type the catalogue; raises InputError naming file, row and column of each problem."""
    indicators = _read_csv(reference_dir / config.INDICATORS_FILE)
    for column in OPTIONAL_INDICATOR_COLUMNS:  # added by issue 18: a catalogue written before reads as without them
        if column not in indicators.columns:
            indicators[column] = ""
    targets = _read_csv(reference_dir / config.TARGETS_FILE)
    for column in OPTIONAL_TARGET_COLUMNS:
        if column not in targets.columns:
            targets[column] = ""
    not_targets = _read_csv(reference_dir / config.NOT_TARGETS_FILE)
    problems = check_catalogue(indicators, targets)
    if problems:
        raise InputError(problems)
    indicators, targets = vocational_ratio_basis(indicators, targets)

    targets = targets.assign(
        task_no=targets["task_no"].astype(int),
        target_value=pd.to_numeric(targets["target_value"].replace("", None)).astype("float64"),
        target_year=pd.to_numeric(targets["target_year"].replace("", None)).astype("Int64"),
        recurring=targets["recurring"].str.lower().eq("true"),
        ratio_parts=targets["ratio_parts"].map(lambda s: [float(p) for p in s.split(":")] if s else None),
        basis=targets["basis"].replace("", None),
        goal=targets["goal"].replace("", None),
        interpretation=targets["interpretation"].replace("", None),
    )
    not_targets = not_targets.assign(
        number=pd.to_numeric(not_targets["number"].replace("", None)).astype("Int64"),
        is_regex=not_targets["is_regex"].str.lower().eq("true"),
    )
    return Catalogue(indicators, targets, not_targets)


def vocational_ratio_basis(indicators: pd.DataFrame, targets: pd.DataFrame,
                           basis: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """职普比 on the basis config.py sets (在校生 by default, or 招生): the structure's parts and definition, and the
    line under its targets saying which basis counts (issue 19)."""
    basis = basis or config.VOCATIONAL_RATIO_BASIS
    if basis not in config.VOCATIONAL_RATIO_BASES:
        raise InputError([Problem("pipelines/config.py", f"职普比的计算口径“{basis}”无效，应为："
                                                         f"{'、'.join(config.VOCATIONAL_RATIO_BASES)}")])
    other = next(b for b in config.VOCATIONAL_RATIO_BASES if b != basis)
    code = config.VOCATIONAL_RATIO_INDICATOR
    indicators, targets = indicators.copy(), targets.copy()
    at = indicators["indicator_code"] == code
    indicators.loc[at, "parts"] = ";".join(config.VOCATIONAL_RATIO_BASES[basis])
    indicators.loc[at, "definition"] = f"中等职业学校与普通高中{basis}数之比，按合计为10折算"
    said = (f"职普比按{basis}数计算（中等职业学校{basis}数 : 普通高中{basis}数，合计折为10）；有的部门按{other}数计算，"
            f"如需改按{other}数计算，请平台管理员修改平台设置后重建数据")  # the setting: config.VOCATIONAL_RATIO_BASIS
    mine = (targets["indicator_code"] == code) & (targets["interpretation"].fillna("") == "")
    targets.loc[mine, "interpretation"] = said
    return indicators, targets


def check_catalogue(indicators: pd.DataFrame, targets: pd.DataFrame) -> list[Problem]:
    """The catalogue's own rules: known kinds and comparators, every reference resolves. Each problem names its
    file, row (+2: the header line, 1-based) and column; row by row, after a file's repeated keys."""
    codes = set(indicators["indicator_code"])
    value_types = dict(zip(indicators["indicator_code"], indicators["value_type"]))
    problems = _repeated(indicators, "indicator_code", config.INDICATORS_FILE, "指标代码重复")
    problems += [Problem(config.INDICATORS_FILE, reason, row=i + 2, column=column)
                 for i, row in indicators.iterrows() for column, reason in _indicator_problems(row, codes)]
    problems += _repeated(targets, "target_id", config.TARGETS_FILE, "目标编号重复")
    problems += [Problem(config.TARGETS_FILE, reason, row=i + 2, column=column)
                 for i, row in targets.iterrows() for column, reason in _target_problems(row, codes, value_types)]
    return problems


def _repeated(frame: pd.DataFrame, key: str, file: str, reason: str) -> list[Problem]:
    """A problem on each row whose key an earlier row has already."""
    return [Problem(file, reason, row=i + 2, column=key) for i in frame.index[frame[key].duplicated()]]


def _indicator_problems(row: pd.Series, codes: set[str]) -> list[tuple[str, str]]:
    """(column, reason) for each thing wrong in a row of indicators.csv."""
    found = []
    if row["value_type"] not in VALUE_TYPES:
        found.append(("value_type", f"未知的数值类型“{row['value_type']}”"))
    if row["method"] not in METHODS:
        found.append(("method", f"未知的计算方式“{row['method']}”"))
    if row["method"] == "register":
        types = [t for t in row["register_types"].split(";") if t]
        unknown = [t for t in types if t not in REGISTER_TYPES]
        if not types or unknown:
            found.append(("register_types", f"由学校名录计数的指标须写明计入的办学类型（可选：{'、'.join(REGISTER_TYPES)}）"
                          + (f"，“{'、'.join(unknown)}”不是办学类型" if unknown else "")))
    refs = [row["numerator"], row["denominator"]] if row["method"] == "rate" else []
    refs += row["parts"].split(";") if row["method"] == "structure" else []
    found += [("numerator/denominator/parts", f"引用了不存在的指标“{ref}”") for ref in refs if ref not in codes]
    return found


def _target_problems(row: pd.Series, codes: set[str], value_types: dict[str, str]) -> list[tuple[str, str]]:
    """(column, reason) for each thing wrong in a row of targets.csv."""
    found = []
    if row["indicator_code"] not in codes:
        found.append(("indicator_code", f"指标“{row['indicator_code']}”不在指标目录中"))
    for column, allowed, reason in (
            ("kind", KINDS, f"未知的目标类型“{row['kind']}”"),
            ("comparator", COMPARATORS, f"未知的比较方式“{row['comparator']}”"),
            ("basis", BASES, f"未知的评估口径“{row['basis']}”（可选：{'、'.join(b for b in BASES if b)}）")):
        if row[column] not in allowed:
            found.append((column, reason))
    if row["kind"] == "trend" and row["comparator"] not in TREND_COMPARATORS:
        found.append(("comparator", "趋势目标的比较方式应为 increasing（增加）、decreasing（减少）"
                                    "或 not_decreasing（只增不减、保持）"))
    if row["kind"] == "project":
        found += _project_problems(row, value_types)
    if row["source"] not in ("body", "attachment"):
        found.append(("source", "来源应为 body 或 attachment"))
    if row["kind"] == "ratio" and not re.fullmatch(r"\d+(\.\d+)?(:\d+(\.\d+)?)+", row["ratio_parts"]):
        found.append(("ratio_parts", "结构目标应写成“2.0:4.2:3.8”"))
    if row["kind"] not in ("trend",) and not re.fullmatch(r"-?\d+(\.\d+)?", row["target_value"]):
        found.append(("target_value", "目标值应为数字"))
    return found


def _project_problems(row: pd.Series, types: dict[str, str]) -> list[tuple[str, str]]:
    """A building project asks a stage (开工 1, 竣工 2) by a year, of an indicator reported as a stage."""
    found = []
    if row["comparator"] != ">=" or row["target_value"] not in {str(v) for v in config.PROJECT_GOALS}:
        found.append(("target_value", "建设项目目标的比较方式应为 >=，目标值为 1（开工）或 2（竣工）"))
    if not row["target_year"]:
        found.append(("target_year", "建设项目目标须写明目标年份"))
    if types.get(row["indicator_code"], "stage") != "stage":
        found.append(("indicator_code", f"建设项目目标的指标“{row['indicator_code']}”应按进度（stage）填报"))
    return found


def not_target_spans(not_targets: pd.DataFrame, scope: str, number: int, text: str) -> list[tuple[int, int]]:
    """Spans of the text that the not-a-target list names (a phrase, or a regex for a family)."""
    rows = not_targets[
        not_targets["scope"].isin([scope, "both"]) & (not_targets["number"].isna() | (not_targets["number"] == number))
    ]
    spans = []
    for row in rows.itertuples():
        if row.is_regex:
            spans += [(m.start(), m.end()) for m in re.finditer(row.phrase, text)]
        else:
            spans += spans_of(text, row.phrase)
    return spans
