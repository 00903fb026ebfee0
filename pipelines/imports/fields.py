"""The template fields an export can fill, and the words that name them: the field-synonym table, in one place.

Two targets: a unit's standard workbook (指标数据: the indicator codes of indicators.csv that the unit reports)
and 旗教育局's 学校与幼儿园 workbook (the register columns and the counts of core/school_settings.py). A field is read
by a recipe: the words each part of a source's path must say (a row's label, a column's headings), summed
where a recipe has several parts (HS_ENROLLED = 普通高中 + 中等职业教育 在校生数), converted where it says so (a
per-student 实际值 back to the count). The statistics system's own words (初级中学, 教育部门办 …) are synonyms
here and are mapped to the platform's words by statistics_words when the value is read.
"""

from dataclasses import dataclass

import duckdb

from ..core import school_settings as ss
from ..workbooks.reporting import workbook_rows

# A word and the other ways exports write it.
SYNONYMS = {
    "普通高中": ("高中", "普通高级中学", "普通高中学校", "高中阶段普通高中", "普通高中教育"),
    "中等职业教育": ("中职", "中等职业学校", "中等职业", "职业高中", "职业中学", "中职学校", "中等职业教育学校", "中等职业教育（不含技工学校）",
                   "中等职业学校（机构）", "中职教育"),
    "高中阶段": ("高中阶段教育", "高中阶段学校"),
    "初中": ("初级中学", "普通初中", "初中阶段", "初中学校", "初中教育"),
    "小学": ("普通小学", "小学阶段", "小学教育"),
    "学前教育": ("幼儿园", "学前", "学前教育机构", "学前班", "幼儿教育", "学前教育（在园）", "学前（在园）", "幼儿园（在园）"),
    "总计": ("合计", "总数", "全旗", "全县", "全旗合计", "全县合计"),
    "在校生数": ("在校生", "在校学生数", "在校生人数", "在校学生", "学生数", "在校生总数"),
    "在园人数": ("在园幼儿数", "在园", "在园幼儿", "在园儿童数", "在园幼儿人数", "在园生数"),
    "毕业生数": ("毕业生", "毕业人数", "毕业生人数", "毕业数"),
    "学校数": ("学校", "校数", "学校机构数", "机构数", "学校数量", "园数", "所数"),
    "教育部门办": ("地方教育部门办", "教育部门", "教育部门举办"),
    "集体办": ("集体", "集体举办"),
    "其他部门办": ("地方其他部门办", "其他部门", "其他部门举办"),
    "普惠性民办": ("普惠性民办园", "普惠民办", "民办普惠", "普惠性民办幼儿园"),
    "公办": ("公办园", "公办幼儿园"),
    "专任教师": ("专任教师数", "专任教师人数"),
}


# Words that look like a field's but count something else (口径): (a word of the field's name, a word of the
# source, what differs). A source of such a pair is proposed only as 请核对, with the difference said.
NEAR_SYNONYMS = (
    ("毕业班", "毕业生数", "“毕业生数”是上一学年已毕业的学生，“毕业班学生数”是本学年毕业年级（九年级）的在校生：口径不同，请核对口径"),
    ("在园", "入园人数", "“入园人数”是本学年新入园的幼儿，不是在园幼儿总数：请核对口径"),
    ("专任教师", "教职工", "“教职工数”含行政、教辅和工勤人员，不是专任教师数：请核对口径"),
    ("在校生", "招生数", "“招生数”是本学年新招的学生，不是在校生数：请核对口径"),
)


def words(*names: str) -> tuple[str, ...]:
    """Each name with its synonyms, as one group of words: any of them names the same thing."""
    found = []
    for name in names:
        found += [name, *SYNONYMS.get(name, ())]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Part:
    groups: tuple[tuple[str, ...], ...]  # every group must name a part of the source's path (a row, a heading)
    optional: bool = False  # summed when the export has it (集体办 …), not needed when it has not


@dataclass(frozen=True)
class Recipe:
    parts: tuple[Part, ...]
    convert: str = ""  # settings.CONVERSIONS
    stage: str | None = None  # only for forms whose titles name this 学段
    whole: bool = False  # the words name the whole path (a field's own name), not one part of it


def part(*groups, optional=False) -> Part:
    return Part(tuple(g if isinstance(g, tuple) else words(g) for g in groups), optional)


def recipe(*parts, convert="", stage=None) -> Recipe:
    return Recipe(tuple(p if isinstance(p, Part) else part(*p) for p in parts), convert, stage)


@dataclass(frozen=True)
class Field:
    code: str  # GH_ENROLLED, or school.students …
    name: str  # in Chinese
    target: str  # 'indicator', 'register', 'school', 'kg_register', 'kindergarten'
    kind: str  # value type: count, area, amount, percent, flag, text
    recipes: tuple[Recipe, ...]
    column: str | None = None  # the school workbook's column (warehouse name) or register header
    words_list: str | None = None  # for a text field: statistics_words' code list (or 'township')
    unit: str | None = None


PUBLIC = (part("教育部门办", "在园人数"), part("集体办", "在园人数", optional=True), part("其他部门办", "在园人数", optional=True))
INDICATOR_RECIPES = {
    "GH_ENROLLED": (recipe(("普通高中", "在校生数")),),
    "VE_ENROLLED": (recipe(("中等职业教育", "在校生数")),),
    "HS_ENROLLED": (recipe(("普通高中", "在校生数"), ("中等职业教育", "在校生数")), recipe(("高中阶段", "在校生数"))),
    "KG_ENROLLED": (recipe(("学前教育", "在校生数")), recipe(("学前教育", "在园人数")), recipe(("总计", "在园人数"))),
    "KG_PUBLIC_ENROLLED": (recipe(*PUBLIC), recipe(("公办", "在园人数"))),
    "KG_INCLUSIVE_ENROLLED": (recipe(*PUBLIC, part("普惠性民办", "在园人数")),),
    "JH_GRADUATES": (recipe(("初中", "毕业生数")),),
    # The numbers of schools are not asked: they are counted from the school register (indicators.csv, method
    # register), so the summary's 学校数 column is read by no recipe.
}


def indicator_fields(con: duckdb.DuckDBPyConnection, unit: str) -> list[Field]:
    """The indicators of a unit's workbook: a recipe where the statistics have it, else its own name."""
    fields = []
    for row in workbook_rows(con, unit).itertuples():
        own = Recipe((Part((words(row.name.replace("（当年新增）", "")),)),), whole=True)
        recipes = (*INDICATOR_RECIPES.get(row.indicator_code, ()), own)
        fields.append(Field(row.indicator_code, row.name, "indicator", row.value_type, recipes, unit=row.unit))
    return fields


def _one(*names, convert=""):
    return recipe((tuple(dict.fromkeys(n for name in names for n in words(name))),), convert=convert)


REGISTER = (
    Field("school.id", "学校标识码", "register", "text",
          (_one("学校标识码", "标识码", "学校（机构）标识码", "学校代码", "机构代码", "学校编码", "学校编号"),), ss.ID),
    Field("school.name", "学校名称", "register", "text",
          (_one("学校名称", "学校（机构）名称", "校名", "单位名称", "机构名称", "学校全称", "学校"),), ss.NAME),
    Field("school.township", "苏木乡镇", "register", "text",
          (_one("苏木乡镇", "所在乡镇", "乡镇", "所在地（乡镇）", "所在地乡镇", "乡镇苏木", "所属乡镇", "乡镇街道", "所在地",
               "所在地区", "所在苏木乡镇"), _one("学校（机构）地址", "学校地址", "地址", "通讯地址", "详细地址")), ss.TOWNSHIP,
          "township"),
    Field("school.area", "城乡类型", "register", "text",
          (_one("城乡类型", "城乡分类", "城乡分类代码", "城乡", "城乡属性", "所在地城乡分类", "城乡分类代码名称"),), ss.AREA, "area"),
    Field("school.type", "办学类型", "register", "text",
          (_one("办学类型", "学校类型", "学校类别", "办学类别", "学校办别"),), ss.SCHOOL_TYPE, "school_type"),
    Field("school.owner", "举办者（公办/民办）", "register", "text",
          (_one("举办者", "举办者类型", "办别", "举办者性质", "学校性质", "办学性质"),), ss.OWNER, "school_owner"),
    Field("school.stage", "学段", "school", "text", (_one("学段", "学段名称"),), ss.STAGE, "stage"),
)
BUILDING_AREA = ("学校产权校舍建筑面积", "校舍建筑面积", "建筑面积", "校舍面积")
TEACHERS_BY_DEGREE = {"小学": ("研究生", "本科", "专科"), "初中": ("研究生", "本科")}  # 高于规定学历 (教督〔2017〕6号)
SCHOOL_WORDS = {  # column: (words of the count, words of its per-student figure and the conversion)
    "students": (("在校生数",), None),
    "classes": (("教学班数", "班数", "班级数"), None),
    "max_class": (("最大班额",), None),
    "qualified_teachers": (("高于规定学历教师数", "高于规定学历专任教师数"), ("每百名学生拥有高于规定学历教师数", "per100")),
    "backbone_teachers": (("县级以上骨干教师数", "县级及以上骨干教师数"), ("每百名学生拥有县级以上骨干教师数", "per100")),
    "pe_art_teachers": (("体育艺术专任教师数", "体育、艺术专任教师数"),
                        ("每百名学生拥有体育、艺术（美术、音乐）专任教师数", "per100")),
    "teaching_area": (("教学及辅助用房面积", "教学及辅助用房"), ("生均教学及辅助用房面积", "per_student")),
    "sports_area": (("体育运动场馆面积", "体育运动场（馆）面积", "体育场馆面积", "运动场地面积"), ("生均体育运动场馆面积", "per_student")),
    "equipment_value": (("教学仪器设备值", "教学仪器设备资产值", "教学仪器设备总值"), ("生均教学仪器设备值", "per_student_yuan")),
    "multimedia_rooms": (("网络多媒体教室数", "网络多媒体教室"), ("每百名学生拥有网络多媒体教室数", "per100")),
    "music_rooms": (("音乐专用教室数", "音乐专用教室", "音乐教室"), None),
    "art_rooms": (("美术专用教室数", "美术专用教室", "美术教室"), None),
    "graduates": (("初中毕业班学生数", "毕业班学生数", "毕业班人数"), None),
    "cohort_entrants": (("该届初一入学人数", "初一入学人数", "该届学生初一入学时人数"), None),
    "music_room_area": (("最小一间音乐专用教室面积", "音乐专用教室最小面积", "最小音乐教室面积"), None),
    "art_room_area": (("最小一间美术专用教室面积", "美术专用教室最小面积", "最小美术教室面积"), None),
}


def _school_recipes(column: str) -> tuple[Recipe, ...]:
    count, per = SCHOOL_WORDS[column]
    recipes = [_one(*count)]
    if per:
        recipes.append(_one(per[0], convert=per[1]))
    if column == "qualified_teachers":
        recipes += [recipe(*((("专任教师",), (d, f"{d}毕业")) for d in degrees), stage=stage)
                    for stage, degrees in TEACHERS_BY_DEGREE.items()]
    if column == "teaching_area":  # 教基5170: the row 一、教学及辅助用房 × the column 学校产权校舍建筑面积
        recipes.append(recipe((count, BUILDING_AREA)))
    if column == "pe_art_teachers":
        recipes.append(recipe(*((("专任教师",), (d,)) for d in ("体育", "音乐", "美术"))))
    return tuple(recipes)


SCHOOL = tuple(Field(f"school.{column}", header, "school", kind, _school_recipes(column), column)
               for kind, column, header in ss.SCHOOL_FIELDS)
KG_REGISTER = (
    Field("kg.id", "幼儿园标识码", "kg_register", "text", (_one("幼儿园标识码", "标识码", "学校（机构）标识码", "机构代码"),), ss.KG_ID),
    Field("kg.name", "幼儿园名称", "kg_register", "text", (_one("幼儿园名称", "园名", "幼儿园", "学校（机构）名称", "单位名称"),),
          ss.KG_NAME),
    Field("kg.township", "苏木乡镇", "kg_register", "text", REGISTER[2].recipes, ss.TOWNSHIP, "township"),
    Field("kg.area", "城乡类型", "kg_register", "text", REGISTER[3].recipes, ss.AREA, "area"),
    Field("kg.owner", "性质（公办/普惠性民办/非普惠民办）", "kg_register", "text",
          (_one("性质", "办别", "举办者", "幼儿园性质", "办园性质"),), ss.KG_OWNER, "kg_owner"),
)
KG_WORDS = {"children": ("在园幼儿数", "在园人数"), "classes": ("班数",), "oversize_classes": ("超过规定班额的班数", "超班额班数"),
            "teachers": ("专任教师数",), "certified_teachers": ("持证专任教师数", "持有教师资格证的专任教师数"),
            "staff": ("教职工数", "教职工"), "is_centre": ("是否乡镇中心园", "乡镇中心园", "是否中心园"),
            "heads": ("园长数", "园长"), "certified_heads": ("持证园长数", "持证园长"),
            "design_year": ("园舍规划设计年份", "规划设计年份", "设计年份", "建成年份"),
            "outdoor_area": ("室外游戏场地面积", "户外活动场地面积", "室外活动场地面积"),
            "activity_area": ("幼儿活动用房建筑面积", "幼儿活动用房面积", "活动用房面积"),
            "building_area": ("园舍建筑面积", "建筑面积", "校舍建筑面积")}
KINDERGARTEN = tuple(Field(f"kg.{column}", header, "kindergarten", kind, (_one(*KG_WORDS[column]),), column)
                     for kind, column, header in ss.KG_FIELDS)
SCHOOL_FIELDS = (*REGISTER, *SCHOOL)
# The register columns a school (kindergarten) new to the register cannot do without, where its name says nothing
# (苏木乡镇 and 办学类型 are read from a school's name when the export has none).
NEEDED_FOR_NEW = ("school.area", "school.owner")
NEEDED_FOR_NEW_KG = ("kg.township", "kg.area", "kg.owner")
KINDERGARTEN_FIELDS = (*KG_REGISTER, *KINDERGARTEN)
# The counts each criterion of the 7 is made of: a count missing for a school leaves its criterion unjudged.
CRITERION_COUNTS = {column: per[0] for column, (_, per) in SCHOOL_WORDS.items() if per}


def by_code(fields) -> dict[str, Field]:
    return {f.code: f for f in fields}
