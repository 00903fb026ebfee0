"""The school workbook's register: 学校名录 (schools, with the stages their 办学类型 teaches) and the register
columns of 幼儿园. A refused register row is remembered, so that the school's rows on 学校 are said once as
not checked (a knock-on), not each as an unknown school."""

from . import settings as s
from .sheet import ID_RE, KG_LABELS, SEPARATORS, Sheet, read_counts, within_bounds


def identity(sheet: Sheet, r: int, cells, id_column: str, name_column: str, owner_column: str, owners,
              ctx, seen: dict[str, int]) -> dict | None:
    """The register columns of a row (学校名录 or 幼儿园), or None when one is wrong (each one said)."""
    ok = True
    school_id = sheet.text(cells, id_column)
    if not school_id:
        sheet.error(r, id_column, f"缺少{id_column}")
        return None
    if not ID_RE.match(school_id):
        sheet.error(r, id_column, f"{id_column}“{school_id}”无法识别：应为10位学校标识码，或2—20位字母、数字组成的固定编号")
        return None
    if school_id in seen:
        sheet.error(r, id_column, f"“{school_id}”重复列出（与{seen[school_id]}）")
        return None
    seen[school_id] = f"“{sheet.table.sheet}”第{r}行"
    name = sheet.text(cells, name_column)
    if not name:
        sheet.error(r, name_column, f"缺少{name_column}")
        ok = False
    township = sheet.township(r, cells, ctx.division)
    if township not in ctx.division.names:
        sheet.error(r, s.TOWNSHIP, ctx.division.refusal(township))
        ok = False
    area = sheet.word(r, cells, s.AREA, "area")
    if area not in s.AREA_TYPES:
        sheet.error(r, s.AREA, f"城乡类型“{area}”应为：{'、'.join(s.AREA_TYPES)}" if area else "缺少城乡类型")
        ok = False
    owner = sheet.word(r, cells, owner_column, "kg_owner" if owner_column == s.KG_OWNER else "school_owner")
    if owner not in owners:
        sheet.error(r, owner_column, f"{owner_column}“{owner}”应为：{'、'.join(owners)}" if owner else f"缺少{owner_column}")
        ok = False
    change = sheet.text(cells, s.CHANGE) or None
    if change and change not in s.CHANGES:
        sheet.error(r, s.CHANGE, f"本年变动“{change}”应为：{'、'.join(s.CHANGES)}，没有变动的留空")
        ok = False
    if not ok:
        return None
    return {"school_id": school_id, "name": name, "township": township, "area_type": area, "ownership": owner,
            "change": change, "note": sheet.note(r, cells), "sheet_row": r}


def read_register(sheet: Sheet, year, ctx) -> tuple[list[dict], dict[str, tuple[int, list[str]]]]:
    """The register's rows, and those refused: school id -> (its row, the columns found wrong), so that the
    school's rows on 学校 are said once as not checked (a knock-on), not each as an unknown school."""
    rows, seen, merged, refused = [], {}, {}, {}
    for r, cells in sheet.table.rows:
        before = len(sheet.problems)
        row = register_row(sheet, r, cells, year, ctx, seen, merged)
        if row:
            rows.append(row)
        elif sheet.text(cells, s.ID):
            wrong = [p.column for p in sheet.problems[before:] if p.severity == "error" and p.column]
            refused.setdefault(sheet.text(cells, s.ID), (r, list(dict.fromkeys(wrong))))
    for row in rows:
        if row["school_id"] in merged:
            sheet.error(row["sheet_row"], s.ID, f"“{row['school_id']}”已注明并入第{merged[row['school_id']]}行的学校，"
                        "不应再列在名录中")
    return rows, refused


def register_row(sheet: Sheet, r: int, cells, year, ctx, seen: dict, merged: dict) -> dict | None:
    row = identity(sheet, r, cells, s.ID, s.NAME, s.OWNER, s.SCHOOL_OWNERS, ctx, seen)
    school_type = sheet.word(r, cells, s.SCHOOL_TYPE, "school_type")
    if school_type not in s.SCHOOL_TYPES:
        sheet.error(r, s.SCHOOL_TYPE, f"办学类型“{school_type}”应为：{'、'.join(s.SCHOOL_TYPES)}" if school_type
                    else "缺少办学类型")
        return None
    merged_from = [m for m in SEPARATORS.split(sheet.text(cells, s.MERGED_FROM)) if m]
    for m in merged_from:
        if not ID_RE.match(m) or (row and m == row["school_id"]):
            sheet.error(r, s.MERGED_FROM, f"并入学校标识码“{m}”无法识别")
            row = None
        else:
            merged[m] = r
    if row is None:
        return None
    return {**row, "year": year, "kind": "school", "school_type": school_type,
            "stages": list(s.SCHOOL_TYPES[school_type]), "merged_from": merged_from or None}


def read_kindergartens(sheet: Sheet, year, ctx, register_ids: dict) -> tuple[list[dict], list[dict]]:
    register, counts, seen = [], [], {f"{k}": f"“{s.SHEET_REGISTER}”第{v}行" for k, v in register_ids.items()}
    for r, cells in sheet.table.rows:
        row = identity(sheet, r, cells, s.KG_ID, s.KG_NAME, s.KG_OWNER, s.KG_OWNERS, ctx, seen)
        values = read_counts(sheet, r, cells, s.KG_FIELDS)
        if row is None or values is None or not within_bounds(sheet, r, values, KG_LABELS):
            continue
        if not kindergarten_consistent(sheet, r, values, year):
            continue
        if values["is_centre"] is not None:
            values["is_centre"] = values["is_centre"] >= 1  # 是/否 read as 1/0, stored as a boolean
        if values["is_centre"] and row["ownership"] != "公办":
            sheet.warning(r, KG_LABELS["is_centre"], f"{row['name']}是{row['ownership']}幼儿园，不计入“每个乡镇至少一所公办中心园”")
        register.append({**row, "year": year, "kind": "kindergarten", "school_type": s.KINDERGARTEN_TYPE,
                         "stages": [s.KINDERGARTEN_TYPE], "merged_from": None})
        counts.append({"year": year, "school_id": row["school_id"], **values, "note": row["note"], "sheet_row": r})
    return register, counts


NOT_RESOURCES = ("children", "is_centre", "design_year")  # what a kindergarten without children may still state


def kindergarten_consistent(sheet: Sheet, r: int, v: dict, year: int | None) -> bool:
    ok = True
    for part, whole in (("certified_teachers", "teachers"), ("oversize_classes", "classes"), ("teachers", "staff"),
                        ("certified_heads", "heads"), ("activity_area", "building_area")):
        if v[part] is not None and v[whole] is not None and v[part] > v[whole]:
            sheet.error(r, KG_LABELS[part], f"{KG_LABELS[part]}（{v[part]:g}）大于{KG_LABELS[whole]}（{v[whole]:g}）")
            ok = False
    built = v["design_year"]
    if built is not None and not s.FIRST_DESIGN_YEAR <= built <= (year or built):
        sheet.error(r, KG_LABELS["design_year"], f"{KG_LABELS['design_year']}“{built:g}”应为{s.FIRST_DESIGN_YEAR}年至"
                    f"填报年度之间的四位年份")
        ok = False
    resources = [(c, x) for c, x in v.items() if c not in NOT_RESOURCES and x]
    if v["children"] == 0 and resources:
        column, value = resources[0]
        sheet.error(r, KG_LABELS["children"], f"在园幼儿数为0，却填写了{KG_LABELS[column]}（{value:g}）：停办的幼儿园请删除该行")
        ok = False
    if ok and v["children"] and v["classes"] and v["children"] / v["classes"] > 40:
        sheet.warning(r, KG_LABELS["classes"], f"平均每班{v['children'] / v['classes']:.0f}人，超过大班额上限很多，请核对")
    return ok
