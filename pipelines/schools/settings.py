"""Sheet names, header words, code lists and parameters of the school-level workbook: the one place for them.

The criteria's thresholds are not here: they are data (data/raw/reference/criteria.csv).
"""

from .. import config, palette

SCHOOL_UNIT = "旗教育局"  # who sends the school-level workbook

# Reference data (under data/raw/reference/).
CRITERIA_FILE = "criteria.csv"
TOWNSHIPS_FILE = "townships.csv"
STAGE_SPLIT_FILE = "stage_split.csv"
CAVEAT = "依据公开转载文本整理，以正式文件为准"
# townships.csv: 敖汉旗's township-level division, kept with its edition (it changes). 现行 names are those a
# school's 苏木乡镇 may take; a 已更名 name is read as its new one with a note, an 已撤销 one is refused.
TOWNSHIP_KINDS = ("镇", "乡", "苏木", "街道", "园区")
CURRENT = "现行"
RENAMED = "已更名"
ABOLISHED = "已撤销"
TOWNSHIP_STATUSES = (CURRENT, RENAMED, ABOLISHED)
TOWNSHIP_CODE_PREFIX = "150430"  # 敖汉旗's 统计用区划代码; a township's is 9 digits
UNVERIFIED_CODE = "代码待核对"  # the note of a current township whose code could not be verified
# PH_04 (每个乡镇原则上至少有一所公办中心园) counts the 乡镇苏木 — 镇, 乡, 苏木 —, not the 街道 of the town seat or
# the industrial park (their children are the seat's, served by its kindergartens).
CENTRE_KINDS = ("镇", "乡", "苏木")
SCHEMES = ("优质均衡", "普及普惠")
SCHEME_TITLES = {"优质均衡": "义务教育优质均衡", "普及普惠": "学前教育普及普惠"}
# The plan's acceptance milestones (targets.csv): their year is the acceptance year of the scheme.
SCHEME_MILESTONES = {"优质均衡": "CM_BALANCE_ACCEPT", "普及普惠": "KG_UNIVERSAL_ACCEPT"}
SCHEME_YEARS = {"优质均衡": 2030, "普及普惠": 2028}  # used only if the catalogue has no milestone

# The workbook (docs/design.md, "Acceptance readiness").
BOOK_KIND_LABEL = "表式"
BOOK_KIND = "学校与幼儿园办学条件"
SHEET_GUIDE = config.SHEET_GUIDE
SHEET_REGISTER = "学校名录"
SHEET_SCHOOLS = "学校"
SHEET_KINDERGARTENS = "幼儿园"
SHEET_COUNTY = "全旗指标"
HEADER_ROW = 3  # title, unit/year line, then the table (as the units' workbook)
DROPDOWN_ROWS = 1000  # rows under the header that the drop-down lists cover (spare formatted rows are fewer)

ID = "学校标识码"
KG_ID = "幼儿园标识码"
NAME = "学校名称"
KG_NAME = "幼儿园名称"
TOWNSHIP = "苏木乡镇"
AREA = "城乡类型"
SCHOOL_TYPE = "办学类型"
OWNER = "举办者"
KG_OWNER = "性质"
CHANGE = "本年变动"
MERGED_FROM = "并入学校标识码"
NOTE = "备注"
STAGE = "学段"

REGISTER_COLUMNS = (ID, NAME, TOWNSHIP, AREA, SCHOOL_TYPE, OWNER, CHANGE, MERGED_FROM, NOTE)
REGISTER_REQUIRED = (ID, NAME, TOWNSHIP, AREA, SCHOOL_TYPE, OWNER)

# 学校: one row per school and stage; only counts are typed (value type, warehouse column, header word).
SCHOOL_FIELDS = (
    ("count", "students", "在校生数"),
    ("count", "classes", "教学班数"),
    ("count", "max_class", "最大班额"),
    ("count", "qualified_teachers", "高于规定学历教师数"),
    ("count", "backbone_teachers", "县级以上骨干教师数"),
    ("count", "pe_art_teachers", "体育艺术专任教师数"),
    ("area", "teaching_area", "教学及辅助用房面积(平方米)"),
    ("area", "sports_area", "体育运动场馆面积(平方米)"),
    ("amount", "equipment_value", "教学仪器设备值(万元)"),
    ("count", "multimedia_rooms", "网络多媒体教室数"),
    ("count", "music_rooms", "音乐专用教室数"),
    ("count", "art_rooms", "美术专用教室数"),
    ("count", "graduates", "初中毕业班学生数"),
    ("count", "cohort_entrants", "该届初一入学人数"),
    # issue 19: 每间音乐专用教室不小于96㎡、美术专用教室不小于90㎡ (YZ_G01A, YZ_G01B): the school's smallest room
    ("area", "music_room_area", "最小一间音乐专用教室面积(平方米)"),
    ("area", "art_room_area", "最小一间美术专用教室面积(平方米)"),
)
# issue 23: students per grade, optional (the projection follows each cohort; stage totals where not given). A
# 小学 row fills 一—六年级, a 初中 row 七—九年级; given at all, every grade of the stage and adding up to 在校生数.
GRADE_FIELDS = tuple(("count", f"grade_{i}", f"{w}年级学生数") for i, w in enumerate("一二三四五六七八九", start=1))
STAGE_GRADES = {"小学": tuple(f"grade_{i}" for i in range(1, 7)), "初中": ("grade_7", "grade_8", "grade_9")}
SCHOOL_COLUMNS = (ID, NAME, STAGE, *(h for _, _, h in SCHOOL_FIELDS), *(h for _, _, h in GRADE_FIELDS), NOTE)
# Facilities a two-stage school may type once for the whole school (学段 全校共用), split by stage_split.csv.
SHARED_FIELDS = ("teaching_area", "sports_area", "equipment_value", "multimedia_rooms", "music_rooms", "art_rooms")
# The smallest room of each kind (a 全校共用 row may give it; never split between stages) and its room count.
ROOM_AREA_FIELDS = {"music_room_area": "music_rooms", "art_room_area": "art_rooms"}
SHARED_ROW_FIELDS = (*SHARED_FIELDS, *ROOM_AREA_FIELDS)
JUNIOR_ONLY_FIELDS = ("graduates", "cohort_entrants")

# 幼儿园: one row per kindergarten, its register columns and its counts.
KG_FIELDS = (
    ("count", "children", "在园幼儿数"),
    ("count", "classes", "班数"),
    ("count", "oversize_classes", "超过规定班额的班数"),
    ("count", "teachers", "专任教师数"),
    ("count", "certified_teachers", "持证专任教师数"),
    ("count", "staff", "教职工数"),
    # issue 19: PH_04 asks for a 公办中心园 per 乡镇苏木; PH_11 counts 园长 too; 园舍条件 (PH_14, PH_15)
    ("flag", "is_centre", "是否乡镇中心园"),
    ("count", "heads", "园长数"),
    ("count", "certified_heads", "持证园长数"),
    ("year", "design_year", "园舍规划设计年份"),
    ("area", "outdoor_area", "室外游戏场地面积(平方米)"),
    ("area", "activity_area", "幼儿活动用房建筑面积(平方米)"),
    ("area", "building_area", "园舍建筑面积(平方米)"),
)
KG_COLUMNS = (KG_ID, KG_NAME, TOWNSHIP, AREA, KG_OWNER, CHANGE, *(h for _, _, h in KG_FIELDS), NOTE)
# Columns added in issue 19: a workbook made from an earlier template lacks them (read as blank).
ADDED_SCHOOL_COLUMNS = (*(h for _, c, h in SCHOOL_FIELDS if c in ROOM_AREA_FIELDS), *(h for _, _, h in GRADE_FIELDS))
ADDED_KG_COLUMNS = tuple(h for _, c, h in KG_FIELDS if c in ("is_centre", "heads", "certified_heads", "design_year",
                                                            "outdoor_area", "activity_area", "building_area"))
KG_PREMISES = ("outdoor_area", "activity_area", "building_area")  # divided by 在园幼儿数 for PH_P1–PH_P3

# 全旗指标: the county-wide items typed as values or 是/否, and the inputs of derived criteria.
COUNTY_COLUMNS = ("项目代码", "项目", "单位", "数值", NOTE)
# (code, name, unit): inputs of derived criteria that older workbooks carry. Read as before (POP_3_5 is the
# population of 毛入园率 where the unit's workbook has no KG_AGE_POP), no longer asked in new templates:
# the 3—5周岁 population is a plan indicator of the unit's workbook since issue 18 (asked once).
COUNTY_INPUTS = (
    ("POP_3_5", "3—5周岁常住人口数（学前三年适龄人口）", "人"),
)


def value_type(unit: str | None) -> str:
    """How a county-wide item's value is read (values.parse_value), from its unit."""
    return {"%": "percent", "是/否": "flag", "人": "count"}.get(unit or "", "amount")

# Code lists.
SCHOOL_TYPES = {  # 办学类型 -> the stages it teaches, in order (高中: only its students, for the split)
    "小学": ("小学",),
    "教学点": ("小学",),
    "初中": ("初中",),
    "九年一贯制": ("小学", "初中"),
    "完全中学": ("初中", "高中"),
    "十二年一贯制": ("小学", "初中", "高中"),
    # Listed for the counts of schools (register_counts: 高中学校数, 职业学校数, 中小学幼儿园总数 …), not judged by
    # 优质均衡 (教督〔2017〕6号 judges compulsory schools only): no rows on 学校.
    "普通高中": (),
    "中等职业学校": (),
    "特殊教育学校": (),
}
KINDERGARTEN_TYPE = "幼儿园"  # school_register.school_type of a kindergarten (for the counts of schools)
JUDGED_STAGES = ("小学", "初中")
SHARED_STAGE = "全校共用"
HIGH_STAGE = "高中"
AREA_TYPES = ("城区", "镇区", "乡村")
SCHOOL_OWNERS = ("公办", "民办")
KG_OWNERS = ("公办", "普惠性民办", "非普惠民办")
CHANGES = ("新设", "合并", "更名", "改制")
ID_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]{1,19}$"  # the 10-digit 学校标识码, or a stable id of one's own

# Plausibility: beyond these a value is refused as a typing slip (a county's school, not a city's).
MAX_STUDENTS = 10_000
MAX_AREA = 500_000.0  # m²
MAX_EQUIPMENT = 100_000.0  # 万元
MAX_ROOM_AREA = 1_000.0  # m², one classroom
FIRST_DESIGN_YEAR = 1949  # a kindergarten's 规划设计年份 before this is a typing slip

# Parameters of the derived judgments (copied into the warehouse's school_parameters table).
PARAMETERS = {
    # A school-derived rate and the unit's reported county value further apart than this (percentage
    # points) are a data-quality finding (the same tolerance as a rate against its parts on ingest).
    "cross_check_tolerance": 0.5,
    # 每12个班级配备音乐、美术专用教室1间以上 (教督〔2017〕6号, 政府保障程度).
    "classes_per_music_art_room": 12,
    # 园舍条件 (教督〔2020〕1号, 普及普惠 item 6): kindergartens planned and designed in this year or later (when
    # 《幼儿园建设标准》建标175-2016 took effect) must all meet the per-child areas (PH_14), earlier ones half (PH_15).
    "kg_new_design_year": 2017,
}
# Readiness at a glance: the status codes of config.STATUS_LABELS in four groups.
READINESS_GROUPS = {
    "met": config.MET_STATUSES,
    "on_track": ("on_track",),
    "behind": ("moderate", "insufficient", "moving_away", "unreachable", "missed", "year_missed", "round_missed"),
    "unknown": ("no_data", "not_assessable", "not_due", "year_no_data"),
}


def readiness_group(status: str) -> str:
    """met, on_track, behind or unknown (a status not listed counts as behind: never shown as fine)."""
    return next((group for group, statuses in READINESS_GROUPS.items() if status in statuses), "behind")
READINESS_GROUP_LABELS = {"met": "已达标", "on_track": "按期可达", "behind": "滞后", "unknown": "暂无数据或无法评估"}
LEVEL_LABELS = {"met": "达标", "near": "未达标，不低于{floor}", "below": "低于{floor}", "no_data": "暂无数据",
                "out_of_scope": "不参评"}  # {floor}: YZ_FLOOR of criteria.csv
# In the one palette's classes (pipelines/palette.py): 达标 ✓, 未达标但不低于下限 ▲, 低于下限 ×, 暂无数据 —; 不参评 blank.
LEVEL_COLOURS = {level: palette.CLASS_COLOURS[k] if k else "#FFFFFF" for level, k in palette.LEVEL_CLASSES.items()}
LEVEL_MARKS = {level: palette.CLASS_MARKS[k] if k else "" for level, k in palette.LEVEL_CLASSES.items()}

SOURCE_LINE = "数据来源：旗教育局学校与幼儿园年度填报"

# Short names of the 7 resource indicators, for chart legends and the school matrix.
SHORT_NAMES = {
    "qualified_per100": "高学历教师",
    "backbone_per100": "骨干教师",
    "pe_art_per100": "体艺教师",
    "teaching_area_per_student": "教学用房",
    "sports_area_per_student": "体育场馆",
    "equipment_per_student": "仪器设备",
    "multimedia_per100": "多媒体教室",
}
