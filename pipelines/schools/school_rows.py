"""The school workbook's 学校 sheet: one row per school and stage, counts only, checked against the register."""

from . import settings as s
from .sheet import LABELS, Sheet, read_counts, rows_text, within_bounds


def read_schools(sheet: Sheet, register_sheet: Sheet, year, register: list[dict], refused: dict) -> list[dict]:
    known = {row["school_id"]: row for row in register}
    rows, seen, hidden = [], {}, {}
    for r, cells in sheet.table.rows:
        school_id = sheet.text(cells, s.ID)
        stage = sheet.word(r, cells, s.STAGE, "stage")
        if not school_id:
            sheet.error(r, s.ID, "缺少学校标识码")
            continue
        school = known.get(school_id)
        if school is None and school_id in refused:  # its register row is wrong: not checked, said once below
            hidden.setdefault(school_id, []).append(r)
            continue
        if school is None:
            sheet.error(r, s.ID, f"学校标识码“{school_id}”不在“{s.SHEET_REGISTER}”中（未登记的学校，或名录中该行有错）："
                        "新设的学校请先在学校名录中登记")
            continue
        name = sheet.text(cells, s.NAME)
        if name and name != school["name"]:
            sheet.warning(r, s.NAME, f"学校名称“{name}”与学校名录中的“{school['name']}”不同，以名录为准")
        stages = school["stages"]
        if not stages:  # 普通高中, 中等职业学校, 特殊教育学校: listed for the counts of schools only
            sheet.error(r, s.ID, f"{school['name']}是{school['school_type']}，只列在“{s.SHEET_REGISTER}”中（用于学校数），"
                        f"不参加义务教育优质均衡评估，不在“{s.SHEET_SCHOOLS}”表填写")
            continue
        if reason := _stage_refused(school, stage):
            sheet.error(r, s.STAGE, reason)
            continue
        if (school_id, stage) in seen:
            sheet.error(r, s.STAGE, f"{school['name']}的“{stage}”重复填报（与第{seen[school_id, stage]}行重复）")
            continue
        seen[school_id, stage] = r
        values = _counts(sheet, r, cells, stage)
        if values is not None:
            rows.append({"year": year, "school_id": school_id, "stage": stage, **values,
                         "note": sheet.note(r, cells), "sheet_row": r})
    shared_without_students(sheet, rows)
    knock_ons(sheet, refused, hidden)
    _stages_without_rows(register_sheet, register, seen)
    return rows


def _counts(sheet: Sheet, r: int, cells, stage: str) -> dict | None:
    """A row's counts and its grades' (issue 23), each checked (bounds, what applies to the 学段, consistency, the
    grades adding up); None when one is refused (the sheet says why)."""
    values = read_counts(sheet, r, cells, s.SCHOOL_FIELDS)
    if values is None or not within_bounds(sheet, r, values, LABELS):
        return None
    if not applicable(sheet, r, stage, values) or not consistent(sheet, r, stage, values):
        return None
    grades = read_counts(sheet, r, cells, s.GRADE_FIELDS)
    if grades is None or not grades_fit(sheet, r, stage, values["students"], grades):
        return None
    return {**values, **grades}


def _stage_refused(school: dict, stage: str | None) -> str | None:
    """Why a row's 学段 is not one of the school's (a 全校共用 row only for a school of several 学段); None if it is."""
    stages = school["stages"]
    allowed = [*stages, s.SHARED_STAGE] if len(stages) > 1 else stages
    if stage in allowed:
        return None
    if stage == s.SHARED_STAGE:
        return f"{school['name']}是{school['school_type']}（单一学段），设施直接填在“{stages[0]}”行，不用“{s.SHARED_STAGE}”行"
    if stage:
        return f"{school['name']}是{school['school_type']}，没有“{stage}”学段（可填：{'、'.join(allowed)}）"
    return f"缺少学段（可填：{'、'.join(allowed)}）"


def _stages_without_rows(register_sheet: Sheet, register: list[dict], seen: dict) -> None:
    """A warning on the register row of each school with a 学段 the 学校 sheet gives no row for (暂无数据)."""
    for school in register:
        missing = [st for st in school["stages"] if (school["school_id"], st) not in seen]
        if missing:
            register_sheet.warning(school["sheet_row"], s.ID, f"{school['name']}在“{s.SHEET_SCHOOLS}”中没有"
                                   f"{'、'.join(missing)}学段的数据，该学段将显示为暂无数据")


def grades_fit(sheet: Sheet, r: int, stage: str, students: float | None, grades: dict) -> bool:
    """Per-grade counts (issue 23, optional) are the stage's own grades, all of them, adding up to 在校生数."""
    own = s.STAGE_GRADES.get(stage, ())
    typed = [c for c, v in grades.items() if v is not None]
    foreign = [c for c in typed if c not in own]
    for column in foreign:
        sheet.error(r, LABELS[column], f"“{stage}”行不填{LABELS[column]}" + (
            f"（{stage}只填{LABELS[own[0]]}至{LABELS[own[-1]]}）" if own else ""))
    if foreign or not typed:
        return not foreign
    blank = [c for c in own if grades[c] is None]
    if blank:
        sheet.error(r, LABELS[blank[0]], f"分年级学生数须全部填写或全部留空：已填{len(own) - len(blank)}个年级，"
                    f"{'、'.join(LABELS[c] for c in blank)}未填")
        return False
    total = sum(grades[c] for c in own)
    if students is not None and abs(total - students) > 0.5:
        sheet.error(r, LABELS[own[0]], f"各年级学生数之和（{total:g}）与在校生数（{students:g}）不等")
        return False
    return True


def knock_ons(sheet: Sheet, refused: dict, hidden: dict[str, list[int]]) -> None:
    """The 学校 rows of schools whose register row is wrong: one problem per school (a few) or for them all,
    marked as a knock-on of the register's errors, never one "不在学校名录中" per row."""
    if not hidden:
        return
    if len(hidden) <= MAX_SCHOOLS_NAMED_ONE_BY_ONE:
        for school_id, rows in hidden.items():
            where, wrong = refused[school_id]
            what = "、".join(wrong) if wrong else ""
            sheet.problems.append(sheet.table.problem(
                sheet.file, rows[0], s.ID, f"因“{s.SHEET_REGISTER}”第{where}行{what}有误，“{s.SHEET_SCHOOLS}”表中该校"
                f"（{school_id}）的以下{len(rows)}行未能核对：第{rows_text(rows)}行。改正学校名录后再检查", kind="knock_on"))
        return
    rows = sorted(r for found in hidden.values() for r in found)
    wheres = sorted(refused[i][0] for i in hidden)
    sheet.problems.append(sheet.table.problem(
        sheet.file, rows[0], s.ID, f"因“{s.SHEET_REGISTER}”第{rows_text(wheres)}行（{len(hidden)}所学校）有误，"
        f"“{s.SHEET_SCHOOLS}”表中这些学校的{len(rows)}行未能核对：第{rows_text(rows)}行。改正学校名录后再检查", kind="knock_on"))


MAX_SCHOOLS_NAMED_ONE_BY_ONE = 3  # more schools' knock-ons are said in one problem


def applicable(sheet: Sheet, r: int, stage: str, values: dict) -> bool:
    """A 全校共用 row has shared facilities only; a 高中 row its students only; 巩固率 counts on 初中 rows."""
    if stage == s.SHARED_STAGE:
        allowed, why = s.SHARED_ROW_FIELDS, f"“{s.SHARED_STAGE}”行只填各学段共用的校舍、场地、设备和专用教室"
    elif stage == s.HIGH_STAGE:
        allowed, why = ("students",), "高中行只填在校生数（用于按学生数分摊共用设施）"
    elif stage != "初中":
        allowed = tuple(c for _, c, _ in s.SCHOOL_FIELDS if c not in s.JUNIOR_ONLY_FIELDS)
        why = "初中毕业班学生数、该届初一入学人数只在初中学段填写"
    else:
        return True
    typed = [c for c, v in values.items() if v is not None and c not in allowed]
    for column in typed:
        sheet.error(r, LABELS[column], why)
    return not typed


def consistent(sheet: Sheet, r: int, stage: str, values: dict) -> bool:
    """Counts that cannot all be true at once are refused; unlikely ones are loaded with a warning."""
    rooms_ok = True
    for area, rooms in s.ROOM_AREA_FIELDS.items():  # the smallest room of none
        if values[area] is not None and values[rooms] == 0:
            sheet.error(r, LABELS[area], f"{LABELS[rooms]}为0，却填写了{LABELS[area]}（{values[area]:g}）")
            rooms_ok = False
    if stage in (s.SHARED_STAGE, s.HIGH_STAGE):
        return rooms_ok
    students = values["students"]
    resources = [(c, v) for c, v in values.items() if c != "students" and v]
    if students is None and resources:
        sheet.warning(r, "在校生数", "未填在校生数：该学段的每百名学生、生均指标无法计算，将显示为暂无数据")
    if students == 0 and resources:
        column, value = resources[0]
        sheet.error(r, "在校生数", f"在校生数为0，却填写了{LABELS[column]}（{value:g}）：没有学生的学段不应有教师、班级或设施"
                    "（学校已停办的，请从学校名录中删除）")
        return False
    ok = rooms_ok
    if students is not None:
        for column in ("classes", "max_class"):
            if values[column] is not None and values[column] > students:
                sheet.error(r, LABELS[column], f"{LABELS[column]}（{values[column]:g}）大于在校生数（{students:g}）")
                ok = False
        classes, largest = values["classes"], values["max_class"]
        if ok and classes and largest and classes * largest < students:
            sheet.warning(r, LABELS["max_class"], f"最大班额×教学班数（{classes * largest:g}）小于在校生数（{students:g}），请核对")
    graduates, cohort = values["graduates"], values["cohort_entrants"]
    if graduates is not None and cohort is not None and graduates > cohort * 1.1:
        sheet.warning(r, LABELS["graduates"], f"初中毕业班学生数（{graduates:g}）比该届初一入学人数（{cohort:g}）多一成以上，请核对")
    return ok


def shared_without_students(sheet: Sheet, rows: list[dict]) -> None:
    """Shared facilities of a school whose stages have no students at all cannot be split: refused."""
    students: dict[str, float] = {}
    for row in rows:
        if row["stage"] != s.SHARED_STAGE:
            students[row["school_id"]] = students.get(row["school_id"], 0) + (row["students"] or 0)
    for row in list(rows):
        if row["stage"] == s.SHARED_STAGE and students.get(row["school_id"], 0) == 0:
            typed = [c for c in s.SHARED_FIELDS if row[c]]
            if typed:
                sheet.error(row["sheet_row"], LABELS[typed[0]], "该校各学段在校生数为0或未填，共用设施无法分摊到学段")
                rows.remove(row)
