"""What a school workbook left blank, and which criteria therefore cannot be judged (issue 18: "161 left blank
with no warning that a criterion therefore cannot be judged"): one warning per field (kind 'completeness'),
shown with the check before loading, printed by `ingest`, kept with the loaded workbook (ingest_warnings)."""

from ..core import school_settings as s
from ..core.problems import Problem

# A field of 学校 or 幼儿园 -> the measures of criteria.csv computed from it (settings' header words name it).
SCHOOL_MEASURES = {
    "students": ("qualified_per100", "backbone_per100", "pe_art_per100", "teaching_area_per_student",
                 "sports_area_per_student", "equipment_per_student", "multimedia_per100", "max_school_size_single",
                 "max_school_size_nine"),
    "classes": ("rooms_share",),
    "max_class": ("max_class_ps", "max_class_jh"),
    "qualified_teachers": ("qualified_per100",),
    "backbone_teachers": ("backbone_per100",),
    "pe_art_teachers": ("pe_art_per100",),
    "teaching_area": ("teaching_area_per_student",),
    "sports_area": ("sports_area_per_student",),
    "equipment_value": ("equipment_per_student",),
    "multimedia_rooms": ("multimedia_per100",),
    "music_rooms": ("rooms_share",),
    "art_rooms": ("rooms_share",),
    "graduates": ("jh_retention",),
    "cohort_entrants": ("jh_retention",),
    "music_room_area": ("min_music_room_area",),
    "art_room_area": ("min_art_room_area",),
}
PREMISES = ("kg_premises_new", "kg_premises_old")
KG_MEASURES = {
    "children": ("kg_gross_enrolment", "kg_inclusive_share", "kg_public_share", "kg_children_per_teacher", *PREMISES),
    "classes": ("kg_class_compliance",),
    "oversize_classes": ("kg_class_compliance",),
    "teachers": ("kg_children_per_teacher", "kg_certified_share"),
    "certified_teachers": ("kg_certified_share",),
    "staff": (),
    "is_centre": ("kg_township_centre",),
    "heads": ("kg_certified_share",),
    "certified_heads": ("kg_certified_share",),
    "design_year": PREMISES,
    "outdoor_area": PREMISES,
    "activity_area": PREMISES,
    "building_area": PREMISES,
}
MOST_NAMED = 4  # criteria named in one sentence; more are counted


def _criteria(measures, names: dict[str, list[tuple[str, str]]], stages: set[str]) -> str:
    """ → “A”、“B”无法评估: the criteria of these measures for the stages of the blank rows (and county-wide)."""
    said = list(dict.fromkeys(name for m in measures for stage, name in names.get(m, ())
                              if stage in stages or stage == "全旗"))
    if not said:
        return ""
    text = "、".join(f"“{n}”" for n in said[:MOST_NAMED]) + (f"等{len(said)}项" if len(said) > MOST_NAMED else "")
    return f" → {text}无法评估"


def _blank_school_fields(counts: list[dict]) -> dict[str, list[str]]:
    """Per field, the stages of the 小学 and 初中 rows that leave it blank (a facility typed on the school's
    全校共用 row is given; the smallest room's area of a school without such rooms is not asked)."""
    shared = {r["school_id"]: r for r in counts if r["stage"] == s.SHARED_STAGE}
    blank: dict[str, list[str]] = {}
    for row in (r for r in counts if r["stage"] in s.JUDGED_STAGES):
        whole = shared.get(row["school_id"], {})
        for _, column, _ in s.SCHOOL_FIELDS:
            if column in s.JUNIOR_ONLY_FIELDS and row["stage"] != "初中":
                continue
            rooms = s.ROOM_AREA_FIELDS.get(column)
            if rooms and 0 in (row[rooms], whole.get(rooms)):
                continue
            if row[column] is None and (column not in s.SHARED_ROW_FIELDS or whole.get(column) is None):
                blank.setdefault(column, []).append(row["stage"])
    return blank


def completeness(file: str, counts: list[dict], kindergartens: list[dict], county: list[dict],
                 county_items: dict[str, tuple], names: dict[str, list[tuple[str, str]]]) -> list[Problem]:
    """One warning per field left blank on some rows (how many, and the criteria it leaves unjudged), and one
    for the 全旗指标 items left blank. names: measure -> its criteria's (stage, name) (from criteria.csv)."""
    found = []
    kg_blank = {c: [s.KINDERGARTEN_TYPE] * sum(row[c] is None for row in kindergartens) for _, c, _ in s.KG_FIELDS}
    for sheet, fields, blank, measures in (
            (s.SHEET_SCHOOLS, s.SCHOOL_FIELDS, _blank_school_fields(counts), SCHOOL_MEASURES),
            (s.SHEET_KINDERGARTENS, s.KG_FIELDS, kg_blank, KG_MEASURES)):
        for _, column, header in fields:
            stages = blank.get(column)
            if stages:
                found.append(Problem(file, f"{header} {len(stages)} 行未填{_criteria(measures[column], names, set(stages))}",
                                     sheet, column=header, severity="warning", kind="completeness"))
    inputs = {code for code, _, _ in s.COUNTY_INPUTS}
    typed = {row["item_code"] for row in county}
    missing = [name for code, (name, _) in county_items.items() if code not in inputs and code not in typed]
    if missing:
        listed = "、".join(f"“{n}”" for n in missing[:MOST_NAMED]) + ("等" if len(missing) > MOST_NAMED else "")
        found.append(Problem(file, f"{len(missing)} 项未填 → {listed}{len(missing)}项标准暂无数据", s.SHEET_COUNTY,
                             column="数值", severity="warning", kind="completeness"))
    return found
