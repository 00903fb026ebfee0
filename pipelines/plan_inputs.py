"""Read every plan input of a raw folder (notice, task list, reference data) into tidy frames."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import config
from .catalogue import Catalogue, normalize, read_catalogue
from .discrepancies import find_discrepancies
from .notice import Body, read_body
from .problems import InputError, Problem
from .tasklist import Plan, load_plan
from .unit_names import canonical_names


@dataclass
class PlanInputs:
    units: pd.DataFrame
    plan: Plan
    body: Body
    catalogue: Catalogue
    discrepancies: pd.DataFrame
    task_names: pd.DataFrame  # task_no, short_name: every task's


def read_units(reference_dir: Path) -> pd.DataFrame:
    path = reference_dir / config.UNITS_FILE
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(path.name, f"缺少单位名录 {path}")]) from None


def read_task_names(reference_dir: Path, plan: Plan) -> tuple[pd.DataFrame, list[Problem]]:
    """Every task's short name: task_names.csv's where it gives one, else the title of its key task."""
    path = reference_dir / config.TASK_NAMES_FILE
    titles = dict(zip(plan.key_tasks["key_task_no"], plan.key_tasks["title"]))
    names = {int(t.task_no): titles[t.key_task_no] for t in plan.tasks.itertuples()}
    problems = []
    if path.exists():
        given = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for i, r in enumerate(given.itertuples(), start=2):
            name = str(r.short_name).strip()
            if not r.task_no.strip().isdigit() or int(r.task_no) not in names:
                problems.append(Problem(path.name, f"任务 {r.task_no} 不在任务清单中", row=i, column="task_no"))
            elif not name or len(name) > config.TASK_NAME_MAX:
                problems.append(Problem(path.name, f"简称应为1至{config.TASK_NAME_MAX}个字：“{name}”", row=i,
                                        column="short_name"))
            else:
                names[int(r.task_no)] = name
    return pd.DataFrame({"task_no": list(names), "short_name": list(names.values())}), problems


def read_plan_inputs(raw_dir: Path) -> PlanInputs:
    """All plan inputs, read and cross-checked; raises InputError with every problem found."""
    reference = raw_dir / config.REFERENCE_DIR
    units = read_units(reference)
    names = canonical_names(units.to_dict("records"))
    plan = load_plan(raw_dir / config.TASKLIST_FILE, names)
    body = read_body(raw_dir / config.PLAN_FILE, names)
    catalogue = read_catalogue(reference)
    task_names, named = read_task_names(reference, plan)
    problems = check_catalogue_against_plan(catalogue, plan, body) + named
    if problems:
        raise InputError(problems)
    discrepancies, _ = find_discrepancies(plan, body, catalogue)
    return PlanInputs(units, plan, body, catalogue, discrepancies, task_names)


def check_catalogue_against_plan(catalogue: Catalogue, plan: Plan, body: Body) -> list[Problem]:
    """Every target names an existing task and quotes words that really stand in its text."""
    problems = []
    task_text = {t.task_no: normalize(t.text) for t in plan.tasks.itertuples()}
    key_of_task = dict(zip(plan.tasks["task_no"], plan.tasks["key_task_no"]))
    body_text = {k.key_task_no: normalize(k.text) for k in body.key_tasks.itertuples()}
    for i, t in enumerate(catalogue.targets.itertuples()):
        row = i + 2
        if t.task_no not in task_text:
            problems.append(Problem(config.TARGETS_FILE, f"任务 {t.task_no} 不在任务清单中", row=row, column="task_no"))
            continue
        text = task_text[t.task_no] if t.source == "attachment" else body_text.get(key_of_task[t.task_no], "")
        where = f"任务 {t.task_no} 的内容" if t.source == "attachment" else f"正文重点任务 {key_of_task[t.task_no]}"
        if normalize(t.source_text) not in text:
            problems.append(
                Problem(config.TARGETS_FILE, f"原文“{t.source_text}”在{where}中找不到", row=row, column="source_text")
            )
    return problems
