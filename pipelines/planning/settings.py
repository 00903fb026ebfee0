"""The one place for the planning half of 验收准备 (issue 23): the projection's grades and ages, the kinds of
planned change, the resources the cheapest plan may add, the planning workbook's sheets and header words,
the unit-cost files, and the optimiser's tolerances."""

from ..core import config
from ..core import school_settings as school_settings

# --- Projected enrolments -------------------------------------------------------------------------------------
# Grades of a stage and the age its first grade enters (小学 at six, 幼儿园 at three; 初中 from 小学's sixth grade).
GRADES = {"小学": 6, "初中": 3, "幼儿园": 3}
ENTRY_AGE = {"小学": 6, "幼儿园": 3}
KINDERGARTEN_STAGE = "幼儿园"
PROJECTION_END = config.PLAN_END_YEAR  # enrolments are projected to 2030
# The school workbook's optional per-grade columns (学校 sheet, grade_1 … grade_9) by stage.
STAGE_GRADES = school_settings.STAGE_GRADES
PROJECTION_VARIANTS = ("low", "mid", "high")
# --- Scenarios: the projection judged without and with what is decided, and with the cheapest plan -------------
SCENARIO_LABELS = {"base": "不含规划项目", "changes": "含已定规划项目", "plan": "含最优方案"}

# --- Resources ------------------------------------------------------------------------------------------------
# key -> (label, unit, where, warehouse column(s) it adds to, whole units, teachers that may move between schools)
RESOURCES = {
    "qualified_teachers": ("高于规定学历教师", "人", "school", ("qualified_teachers",), True, True),
    "backbone_teachers": ("县级以上骨干教师", "人", "school", ("backbone_teachers",), True, True),
    "pe_art_teachers": ("体育艺术专任教师", "人", "school", ("pe_art_teachers",), True, True),
    "teaching_area": ("教学及辅助用房", "㎡", "school", ("teaching_area",), False, False),
    "sports_area": ("体育运动场馆", "㎡", "school", ("sports_area",), False, False),
    "equipment_value": ("教学仪器设备", "万元", "school", ("equipment_value",), False, False),
    "multimedia_rooms": ("网络多媒体教室", "间", "school", ("multimedia_rooms",), True, False),
    # kindergartens (普及普惠): a new 专任教师 is a certified one; 幼儿活动用房 is part of 园舍建筑面积
    "kg_teachers": ("幼儿园专任教师", "人", "kindergarten", ("teachers", "certified_teachers"), True, False),
    "outdoor_area": ("室外游戏场地", "㎡", "kindergarten", ("outdoor_area",), False, False),
    "activity_area": ("幼儿活动用房", "㎡", "kindergarten", ("activity_area", "building_area"), False, False),
    "building_area": ("其他园舍用房", "㎡", "kindergarten", ("building_area",), False, False),
}
LABEL = {key: r[0] for key, r in RESOURCES.items()}
UNIT = {key: r[1] for key, r in RESOURCES.items()}
WHOLE = {key for key, r in RESOURCES.items() if r[4]}
MOVABLE = tuple(key for key, r in RESOURCES.items() if r[5])
SCHOOL_RESOURCES = tuple(key for key, r in RESOURCES.items() if r[2] == "school")
KINDERGARTEN_RESOURCES = tuple(key for key, r in RESOURCES.items() if r[2] == "kindergarten")
# The 7 indicators (criteria.csv's measure) and the resource each is the amount of (school_indicators.sql).
MEASURE_RESOURCE = {
    "qualified_per100": "qualified_teachers",
    "backbone_per100": "backbone_teachers",
    "pe_art_per100": "pe_art_teachers",
    "teaching_area_per_student": "teaching_area",
    "sports_area_per_student": "sports_area",
    "equipment_per_student": "equipment_value",
    "multimedia_per100": "multimedia_rooms",
}
KG_MEASURE_RESOURCE = {  # kindergarten_premises.sql: the per-child areas and the amount each is of
    "outdoor_area_per_child": "outdoor_area",
    "activity_room_per_child": "activity_area",
    "building_area_per_child": "building_area",
}
MOVED_IN = "（交流轮岗调入）"
MOVED_OUT = "（交流轮岗调出）"

# --- The planning workbook (规划项目与适龄人口) ------------------------------------------------------------------
BOOK_KIND = "规划项目与适龄人口"
SHEET_CHANGES = "规划项目"
SHEET_POPULATION = "适龄人口"
HEADER_ROW = school_settings.HEADER_ROW
PROJECT = "项目名称"
ID = "学校或幼儿园标识码"
NAME = "学校或幼儿园名称"
STAGE = "学段"
KIND = "类别"
AMOUNT = "数量"
AMOUNT_UNIT = "单位"
READY = "到位年份"
INVESTMENT = "投资(万元)"
SOURCE = "来源"
NOTE = "备注"
CHANGE_COLUMNS = (PROJECT, ID, NAME, STAGE, KIND, AMOUNT, AMOUNT_UNIT, READY, INVESTMENT, SOURCE, NOTE)
# 类别 as a person picks it: the resource it adds to (None: recorded, not counted in the 7 indicators).
TEACHER_WORDS = {"体育教师": "pe_art_teachers", "音乐教师": "pe_art_teachers", "美术教师": "pe_art_teachers"}
LIVING = "生活用房（食堂、宿舍等，不计入指标）"
NEW_SCHOOL = "新建学校或幼儿园（开办后列入名录）"
OTHER = "其他（不计入指标）"
KINDS = {**{label: key for key, label in LABEL.items()}, **TEACHER_WORDS, LIVING: None, NEW_SCHOOL: None, OTHER: None}
# The notice's tasks 88–89 (targets of kind 'project' and the canteen of B28-1): what each building adds
# (targets.csv names the project, the register the school). A school's name found in the project's words.
PROJECT_KINDS = {
    "FAC_PS10": (NEW_SCHOOL, "新惠第十小学"),
    "FAC_MS4": (NEW_SCHOOL, "新惠第四中学"),
    "FAC_KG8": (NEW_SCHOOL, "新惠第八幼儿园"),
    "FAC_KG9": (NEW_SCHOOL, "新惠第九幼儿园"),
    "FAC_MS9": (NEW_SCHOOL, "新惠第九中学"),
    "FAC_PS3_COMPLEX": (LABEL["teaching_area"], "新惠第三小学"),
    "FAC_PS7_GYM": (LABEL["sports_area"], "新惠第七小学"),
    "FAC_HYW_CANTEEN": (LIVING, "黄羊洼学校"),
    "FAC_BZF_CANTEEN": (LIVING, "贝子府初级中学"),
    "FAC_CS_COMPLEX": (LABEL["teaching_area"], "长胜初级中学"),
    "FAC_MTYZ_KG": (NEW_SCHOOL, "木头营子乡中心幼儿园"),
    "FAC_XINHUI_CANTEEN_AREA": (LIVING, "新惠中学"),
}
POPULATION_YEAR = "年份"
BIRTHS = "出生人口数"
AGE3 = "3周岁人口数"
AGE6 = "6周岁人口数"
POP_SOURCE = "数据来源"
POP_DATE = "来源日期"
POPULATION_COLUMNS = (POPULATION_YEAR, BIRTHS, AGE3, AGE6, POP_SOURCE, POP_DATE, NOTE)
# The offices an age population comes from (NATIONAL_CRITERIA / STATS_EXPORTS: 卫健, 统计, 公安).
POPULATION_OFFICES = ("卫健", "统计", "公安")
FIRST_POPULATION_YEAR = 2000
MAX_POPULATION = 100_000  # births or a year's age group in a banner of about 600,000 people
MAX_AMOUNT = {"人": 2_000, "㎡": 500_000, "万元": 100_000, "间": 2_000}
SPARE_ROWS = {SHEET_CHANGES: 40, SHEET_POPULATION: 10}

# --- Unit costs -----------------------------------------------------------------------------------------------
UNIT_COSTS_FILE = "unit_costs.csv"  # data/raw/reference/: the platform's reference values, with their source
OFFICE_COSTS_FILE = "unit_costs_office.csv"  # data/raw/: the office's own figures, which override them
COST_COLUMNS = ("资源", "单价", "计价单位", "计入年数", "单校上限", "来源", "说明")
MOVE = "交流轮岗"  # the unit-cost row of a teacher moved between schools (no construction cost)

# --- The optimiser --------------------------------------------------------------------------------------------
CV_MARGIN = 1e-4  # the model keeps each 差异系数 this far under its limit (rounding and the recheck)
AREA_STEP = 1.0  # ㎡ of an addition rounded up to this
MONEY_STEP = 0.1  # 万元 of equipment rounded up to this
MOVE_PENALTY = 1e-3  # 万元 per teacher moved, in the objective only: no move that does not help
MAX_CUT_ROUNDS = 30
SETTLED = 1e-5  # two plans in a row whose costs differ by less than this (relative): the mean has settled
MIP_GAP = 1e-6
WARM_TANGENTS = 12  # tangents per 差异系数 kept from one solve to start the next (a what-if)
TIME_LIMIT = 60.0  # seconds for one solve
