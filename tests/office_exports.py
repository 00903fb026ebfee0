"""The statistics office's own exports, made in code as the statistics system and the office lay them out.

docs/analysts.md (“What a statistics office's exports look like”) describes them: a county summary (title line, two- or three-row merged headers, a units row,
a 栏号 row 甲/乙/1/2/3…, 学段 rows with indented 其中 rows, a 总计 row, a 备注 column, a note line), the
学前教育 table by 办别 and 城乡, the 优质均衡 per-school table (each of the 7 indicators merged over 基本值 / 达标值 /
实际值 / 是否达标, 全县平均值 and 差异系数 rows, school types as the statistics system writes them), and per-school
基层报表 (one workbook per school, one sheet per form). Numbers are stored as text in some cells, as exports do;
a column is hidden. What was put in is returned beside the file, so that a test can check value by value.
"""

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

# -- 1. County summary ------------------------------------------------------------------------------------------

# 学段 (with their 其中 rows) and their figures: 学校数, 班数, 招生数 (合计, 女), 在校生数 (合计, 女), 毕业生数,
# 教职工数 (合计, 专任教师).
SUMMARY_ROWS = [
    ("学前教育", (52, 410, 3850, 1820, 10100, 4890, 3600, 1210, 860), False),
    ("民办", (18, 120, 1010, 480, 2650, 1300, 940, 290, 200), True),
    ("小学", (61, 880, 3920, 1870, 23800, 11300, 4010, 2160, 1980), False),
    ("教学点", (8, 24, 60, 28, 410, 190, 70, 30, 30), True),
    ("初中", (19, 410, 4100, 1960, 12400, 5950, 4900, 1320, 1180), False),
    ("九年一贯制学校", (5, 60, 620, 300, 1850, 880, 600, 210, 190), True),
    ("普通高中", (4, 190, 3300, 1640, 9850, 4980, 3200, 980, 860), False),
    ("中等职业教育", (2, 98, 1650, 620, 4620, 1710, 1480, 410, 320), False),
    ("特殊教育", (1, 12, 35, 14, 180, 70, 25, 40, 32), False),
]
SUMMARY_COLUMNS = ["学校数", "班数", "招生数/合计", "招生数/其中：女", "在校生数/合计", "在校生数/其中：女", "毕业生数",
                   "教职工数/合计", "教职工数/#专任教师"]


@dataclass
class Export:
    path: Path
    expected: dict = field(default_factory=dict)  # what a correct import reads, by field


def _merge(ws, r0, c0, r1, c1, value):
    ws.cell(r0, c0, value).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if (r0, c0) != (r1, c1):
        ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def county_summary(path: Path, year: int = 2025, scale: float = 1.0, columns: list[int] | None = None,
                   extra_column: bool = False) -> Export:
    """基本情况表: rows per 学段 with 其中 rows, merged headers over three rows, units and 栏号 rows, a 总计 row.

    columns: the order of the figure columns (indexes into SUMMARY_COLUMNS pairs), to make a reordered layout;
    extra_column: a column 上年在校生数 added (hidden), as another year's export might have.
    """
    rows = [(label, tuple(round(v * scale) for v in figures), sub) for label, figures, sub in SUMMARY_ROWS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{year}基本情况"
    groups = [("学校数", ["（所）"], [0]), ("班数", ["（个）"], [1]), ("招生数", ["合计", "其中：女"], [2, 3]),
              ("在校生数", ["合计", "其中：女"], [4, 5]), ("毕业生数", ["（人）"], [6]),
              ("教职工数", ["合计", "#专任教师"], [7, 8])]
    if columns:
        groups = [groups[i] for i in columns]
    width = 2 + sum(len(g[2]) for g in groups) + (1 if extra_column else 0) + 1
    _merge(ws, 1, 1, 1, width, f"敖汉旗{year}年各级各类学校基本情况")
    ws.cell(2, 1, "填报单位：敖汉旗教育局（盖章）")
    ws.cell(2, width - 1, "单位：所、个、人")
    _merge(ws, 3, 1, 5, 1, "项目")
    _merge(ws, 3, 2, 5, 2, "行次")
    c = 3
    order = []
    for name, subs, index in groups:
        if len(subs) == 1:  # one column: the heading over two rows, its unit under it
            _merge(ws, 3, c, 4, c, name)
            ws.cell(5, c, subs[0])
        else:
            _merge(ws, 3, c, 3, c + len(subs) - 1, name)
            for i, sub in enumerate(subs):
                ws.cell(4, c + i, sub)
                ws.cell(5, c + i, "（人）")
        order += index
        c += len(subs)
    if extra_column:
        _merge(ws, 3, c, 4, c, "上年在校生数")
        ws.cell(5, c, "（人）")
        ws.column_dimensions[get_column_letter(c)].hidden = True
        c += 1
    _merge(ws, 3, c, 5, c, "备注")
    ws.cell(6, 1, "甲")
    ws.cell(6, 2, "乙")
    for i in range(3, c):
        ws.cell(6, i, i - 2)
    totals = [sum(f[i] for _, f, sub in rows if not sub) for i in range(9)]
    r = 7
    for n, (label, figures, sub) in enumerate([("总计", tuple(totals), False), *rows], start=1):
        ws.cell(r, 1, ("　　其中：" if sub else "") + label)
        ws.cell(r, 2, f"{n:02d}")
        for i, index in enumerate(order):
            value = figures[index]
            # numbers stored as text, as many exports do: a thousands separator, a space
            ws.cell(r, 3 + i, f"{value:,}" if (r + i) % 3 == 0 else (f" {value} " if (r + i) % 5 == 0 else value))
        if extra_column:
            ws.cell(r, 3 + len(order), round(figures[4] * 0.97))
        if label == "普通高中":
            ws.cell(r, c, "含完全中学高中部")
        r += 1
    ws.cell(r + 1, 1, "注：数据来源于教育事业综合统计调查，统计时点为当年9月。")
    path.write_bytes(_saved(wb))
    figures = {label: f for label, f, _ in rows}
    expected = {
        "GH_ENROLLED": figures["普通高中"][4], "VE_ENROLLED": figures["中等职业教育"][4],
        "HS_ENROLLED": figures["普通高中"][4] + figures["中等职业教育"][4], "JH_GRADUATES": figures["初中"][6],
        "KG_ENROLLED": figures["学前教育"][4],  # the 学校数 are counted from the register, not asked
    }
    return Export(path, expected)


# -- 2. 学前教育 by 办别 and 城乡 --------------------------------------------------------------------------------

KG_ROWS = [  # label, 园数, 少数民族园, 班数, 入园, 在园 (合计, 3岁以下, 3岁, 4岁, 5岁及以上), 离园
    ("教育部门办", 30, 2, 250, 2300, (6200, 90, 1900, 2050, 2160), 2100),
    ("集体办", 2, 0, 10, 80, (240, 0, 70, 80, 90), 75),
    ("其他部门办", 2, 0, 12, 95, (280, 5, 80, 95, 100), 90),
    ("民办", 18, 1, 138, 1375, (3380, 60, 1010, 1120, 1190), 1335),
]
KG_INCLUSIVE_PRIVATE = (11, 0, 90, 900, (2270, 30, 700, 750, 790), 880)
KG_AREAS = [("城区", 0.55), ("镇区", 0.3), ("乡村", 0.15)]


def kindergarten_table(path: Path, year: int = 2025) -> Export:
    """学前教育基本情况: 总计, rows by 办别 (民办 with its 其中：普惠性民办), then by 城乡; 在园 by age."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学前教育"
    _merge(ws, 1, 1, 1, 11, f"{year}年学前教育基本情况（按办别、城乡分）")
    _merge(ws, 2, 1, 3, 1, "项目")
    _merge(ws, 2, 2, 2, 3, "园数（所）")
    ws.cell(3, 2, "合计")
    ws.cell(3, 3, "其中：少数民族园")
    _merge(ws, 2, 4, 3, 4, "班数（个）")
    _merge(ws, 2, 5, 3, 5, "入园人数")
    _merge(ws, 2, 6, 2, 10, "在园人数")
    for i, text in enumerate(["合计", "3岁以下", "3岁", "4岁", "5岁及以上"]):
        ws.cell(3, 6 + i, text)
    _merge(ws, 2, 11, 3, 11, "离园人数")
    total = [sum(row[i] for row in KG_ROWS) for i in (1, 2, 3, 4)]
    enrolled = [sum(row[5][i] for row in KG_ROWS) for i in range(5)]
    out = sum(row[6] for row in KG_ROWS)
    lines = [("总计", *total, tuple(enrolled), out), ("按办别分",), *KG_ROWS, ("　其中：普惠性民办", *KG_INCLUSIVE_PRIVATE),
             ("按城乡分",)]
    for label, share in KG_AREAS:
        lines.append((label, *(round(v * share) for v in total), tuple(round(v * share) for v in enrolled), round(out * share)))
    for r, line in enumerate(lines, start=4):
        ws.cell(r, 1, line[0])
        if len(line) == 1:
            continue
        values = [*line[1:5], *line[5], line[6]]
        for i, value in enumerate(values):
            ws.cell(r, 2 + i, str(value) if i % 4 == 1 else value)
    path.write_bytes(_saved(wb))
    public = sum(row[5][0] for row in KG_ROWS[:3])
    return Export(path, {"KG_ENROLLED": enrolled[0], "KG_PUBLIC_ENROLLED": public,
                         "KG_INCLUSIVE_ENROLLED": public + KG_INCLUSIVE_PRIVATE[4][0]})


def kindergarten_by_group(path: Path, year: int = 2025) -> Export:
    """学前教育 with two label columns: the group (按举办者分, 按城乡分) merged down its rows beside each row's own label,
    the heading 项目 merged over both and two heading rows, and the 全县合计 row merged across them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学前教育"
    _merge(ws, 1, 1, 1, 8, f"{year}年敖汉旗学前教育基本情况（按举办者、城乡分）")
    _merge(ws, 2, 1, 3, 2, "项      目")
    _merge(ws, 2, 3, 2, 4, "园数（所）")
    ws.cell(3, 3, "合计")
    ws.cell(3, 4, "其中：少数民族园")
    _merge(ws, 2, 5, 3, 5, "班数（个）")
    _merge(ws, 2, 6, 2, 7, "在园人数")
    ws.cell(3, 6, "合计")
    ws.cell(3, 7, "3岁以下")
    _merge(ws, 2, 8, 3, 8, "离园人数")
    sponsors = [*KG_ROWS, ("　其中：普惠性民办", *KG_INCLUSIVE_PRIVATE)]
    total = [sum(row[i] for row in KG_ROWS) for i in (1, 2, 3)]
    enrolled = [sum(row[5][i] for row in KG_ROWS) for i in range(2)]
    _merge(ws, 4, 1, 4, 2, "全县合计")
    for c, value in enumerate([*total, *enrolled, sum(row[6] for row in KG_ROWS)], start=3):
        ws.cell(4, c, value)
    r = 5
    for group, lines in (("按举办者分", sponsors), ("按城乡分", [(a, *(round(v * s) for v in total), None,
                                                                    tuple(round(v * s) for v in enrolled), None)
                                                                   for a, s in KG_AREAS])):
        _merge(ws, r, 1, r + len(lines) - 1, 1, group)
        for line in lines:
            ws.cell(r, 2, line[0])
            for c, value in enumerate([*line[1:4], *line[5][:2], line[6]], start=3):
                ws.cell(r, c, value)
            r += 1
    path.write_bytes(_saved(wb))
    public = sum(row[5][0] for row in KG_ROWS[:3])
    return Export(path, {"KG_ENROLLED": enrolled[0], "KG_PUBLIC_ENROLLED": public,
                         "KG_INCLUSIVE_ENROLLED": public + KG_INCLUSIVE_PRIVATE[4][0]})


# -- 3. 优质均衡 per-school table --------------------------------------------------------------------------------

INDICATORS = [  # heading, the count it is made of, per (100 students, 1 student), unit
    ("每百名学生拥有高于规定学历教师数（人）", "qualified_teachers", 100),
    ("每百名学生拥有县级以上骨干教师数（人）", "backbone_teachers", 100),
    ("每百名学生拥有体育、艺术（美术、音乐）专任教师数（人）", "pe_art_teachers", 100),
    ("生均教学及辅助用房面积（平方米）", "teaching_area", 1),
    ("生均体育运动场馆面积（平方米）", "sports_area", 1),
    ("生均教学仪器设备值（元）", "equipment_value", 1),
    ("每百名学生拥有网络多媒体教室数（间）", "multimedia_rooms", 100),
]
STANDARDS = {"小学": (4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3), "初中": (5.3, 1.0, 0.9, 5.8, 10.2, 2500, 2.4)}


@dataclass
class BalanceSchool:
    name: str
    school_type: str  # as the statistics system writes it: 小学, 初级中学, 九年一贯制学校
    stages: dict  # stage -> {students, qualified_teachers, …, equipment_value (万元), multimedia_rooms}


def balance_schools(n: int = 37, seed: int = 7) -> list[BalanceSchool]:
    """n schools of a county: 小学, 初级中学 and 九年一贯制学校 (both stages), with plausible counts."""
    import random

    rng = random.Random(seed)
    towns = ["四家子", "贝子府", "长胜", "下洼", "金厂沟梁", "四道湾子", "丰收", "兴隆洼", "牛古吐", "木头营子", "玛尼罕",
             "萨力巴", "古鲁板蒿", "敖润苏莫"]
    schools = []
    for i in range(n):
        kind = "九年一贯制学校" if i % 9 == 4 else ("初级中学" if i % 3 == 2 else "小学")
        town = towns[i % len(towns)]
        name = f"新惠第{i + 1}小学" if i < 6 and kind == "小学" else f"{town}{'第' + str(i) if i >= len(towns) else ''}" + (
            {"小学": "中心小学", "初级中学": "初级中学", "九年一贯制学校": "学校"}[kind])
        stages = {}
        for stage in ({"小学": ["小学"], "初级中学": ["初中"], "九年一贯制学校": ["小学", "初中"]}[kind]):
            students = rng.randint(180, 2400)
            standard = STANDARDS[stage]
            factors = [rng.uniform(0.8, 1.6) for _ in standard]
            counts = {"students": students}
            for (_, column, per), threshold, factor in zip(INDICATORS, standard, factors):
                amount = threshold * factor * students / per
                counts[column] = round(amount / 10000, 2) if column == "equipment_value" else round(amount)
            stages[stage] = counts
        schools.append(BalanceSchool(name, kind, stages))
    return schools


def per_student(counts: dict, column: str, per: int) -> float:
    """The 实际值 the office's table shows: per 100 students or per student, 元 for equipment, 2 decimals."""
    amount = counts[column] * 10000 if column == "equipment_value" else counts[column]
    return round(amount / counts["students"] * per, 2)


def balance_table(path: Path, schools: list[BalanceSchool], year: int = 2025, merged: bool = True) -> Export:
    """义务教育优质均衡 school table: 序号 | 学校名称 | 学校类型 | 在校生数 | 7 × (基本值, 达标值, 实际值, 是否达标), 小学 then
    初中 sections, each closed by 全县平均值 and 差异系数 rows. merged=False: the headings written once, with no
    merged ranges (as an .ods read by calamine, or an export that never merges)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "优质均衡"
    width = 4 + 4 * len(INDICATORS)
    _merge(ws, 1, 1, 1, width, f"敖汉旗{year}年义务教育优质均衡发展资源配置情况统计表")
    for c, heading in enumerate(["序号", "学校名称", "学校类型", "在校生数（人）"], start=1):
        _merge(ws, 2, c, 3, c, heading)
    for i, (heading, _, _) in enumerate(INDICATORS):
        c = 5 + 4 * i
        _merge(ws, 2, c, 2, c + 3, heading)
        for j, sub in enumerate(["基本值", "达标值", "实际值", "是否达标"]):
            ws.cell(3, c + j, sub)
    r = 4
    expected = {}
    for number, stage in enumerate(["小学", "初中"], start=1):
        _merge(ws, r, 1, r, width, f"{'一二'[number - 1]}、{stage}")
        r += 1
        standard = STANDARDS[stage]
        for n, school in enumerate([s for s in schools if stage in s.stages], start=1):
            counts = school.stages[stage]
            ws.cell(r, 1, n)
            ws.cell(r, 2, school.name)
            ws.cell(r, 3, school.school_type)
            ws.cell(r, 4, str(counts["students"]) if n % 4 == 0 else counts["students"])
            for i, ((_, column, per), threshold) in enumerate(zip(INDICATORS, standard)):
                c = 5 + 4 * i
                actual = per_student(counts, column, per)
                ws.cell(r, c, round(threshold * 0.85, 2))
                ws.cell(r, c + 1, threshold)
                ws.cell(r, c + 2, f"{actual:.2f}" if n % 5 == 0 else actual)
                ws.cell(r, c + 3, "是" if actual >= threshold else "否")
            expected[(school.name, stage)] = counts
            r += 1
        ws.cell(r, 2, "全县平均值")
        ws.cell(r + 1, 2, "差异系数")
        for i in range(len(INDICATORS)):
            ws.cell(r, 7 + 4 * i, 1.0)
            ws.cell(r + 1, 7 + 4 * i, 0.3)
        r += 2
    ws.cell(r + 1, 1, "说明：九年一贯制学校按学段分别统计，共用设施按小学1：初中1.1分摊。")
    if not merged:
        for cells in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(cells))
    path.write_bytes(_saved(wb))
    return Export(path, expected)


# -- 4. Per-school 基层报表 --------------------------------------------------------------------------------------

@dataclass
class FormSchool:
    school_id: str
    name: str
    school_type: str  # 小学, 初级中学
    township: str
    area_code: str  # 统计用城乡分类代码
    owner: str  # 地方教育部门办 …
    students: int
    classes: int
    teachers: dict  # 合计, 研究生, 本科, 专科, 高中及以下, 体育, 音乐, 美术
    teaching_area: int
    sports_area: int
    multimedia_rooms: int
    equipment_value: float  # 万元


def form_schools(n: int = 37, seed: int = 11) -> list[FormSchool]:
    import random

    rng = random.Random(seed)
    towns = ["四家子镇", "贝子府镇", "长胜镇", "下洼镇", "金厂沟梁镇", "丰收乡", "兴隆洼镇", "牛古吐镇", "玛尼罕乡", "新惠镇"]
    schools = []
    for i in range(n):
        students = rng.randint(60, 1800)
        teachers = max(6, students // 16)
        graduate, bachelor = rng.randint(0, 2), teachers // 2
        college = teachers - graduate - bachelor - 1
        schools.append(FormSchool(
            school_id=f"215043{i:04d}", name=f"{towns[i % len(towns)].rstrip('镇乡')}第{i + 1}小学", school_type="小学",
            township=towns[i % len(towns)], area_code=("111", "121", "220")[i % 3],
            owner=("地方教育部门办", "教育部门办")[i % 2], students=students, classes=max(1, students // 40),
            teachers={"合计": teachers, "研究生": graduate, "本科": bachelor, "专科": college, "高中及以下": 1,
                      "体育": max(1, teachers // 12), "音乐": max(1, teachers // 15), "美术": max(1, teachers // 18)},
            teaching_area=round(students * rng.uniform(4, 7)), sports_area=round(students * rng.uniform(6, 12)),
            multimedia_rooms=max(1, students // 40), equipment_value=round(students * rng.uniform(1800, 3200) / 10000, 2)))
    return schools


def form_book(path: Path, school: FormSchool, year: int = 2025) -> Path:
    """One school's 基层报表: 教基1001 (基本情况), 3112 (学生数), 4155 (专任教师), 5170 (校舍), 5176 (场馆、设备)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "教基1001"
    _merge(ws, 1, 1, 1, 4, f"学校（机构）基本情况（{year}学年初）  教基1001")
    pairs = [("学校（机构）标识码", school.school_id), ("学校（机构）名称", school.name), ("办学类型", school.school_type),
             ("所在地（乡镇）", school.township), ("城乡分类代码", school.area_code), ("举办者", school.owner),
             ("校长姓名", f"张{school.school_id[-2:]}"), ("联系电话", f"0476-43{school.school_id[-4:]}")]
    for r, (label, value) in enumerate(pairs, start=3):
        ws.cell(r, 1, label)
        _merge(ws, r, 2, r, 4, value)
    grades = _split(school.students, 6)
    ws = wb.create_sheet("教基3112")
    _merge(ws, 1, 1, 1, 10, "小学学生数  教基3112")
    for c, text in enumerate(["项目", "代码", "计量单位", "合计", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级"], 1):
        ws.cell(3, c, text)
    for c, text in enumerate(["甲", "乙", "丙", 1, 2, 3, 4, 5, 6, 7], 1):
        ws.cell(4, c, text)
    for r, (label, values) in enumerate([("招生数", [grades[0]] + [0] * 5), ("在校生数", grades),
                                          ("毕业生数", [0] * 5 + [grades[5]]), ("班数", _split(school.classes, 6))], start=5):
        ws.cell(r, 1, label)
        ws.cell(r, 2, f"{r - 4:02d}")
        ws.cell(r, 3, "个" if label == "班数" else "人")
        ws.cell(r, 4, str(sum(values)) if label == "在校生数" else sum(values))
        for i, v in enumerate(values):
            ws.cell(r, 5 + i, v)
    ws = wb.create_sheet("教基4155")
    _merge(ws, 1, 1, 1, 10, "专任教师学历、学科情况  教基4155")
    heads = ["合计", "研究生", "本科", "专科", "高中及以下", "体育", "音乐", "美术"]
    ws.cell(3, 1, "项目")
    ws.cell(3, 2, "代码")
    for c, text in enumerate(heads, 3):
        ws.cell(3, c, text)
    ws.cell(4, 1, "专任教师")
    ws.cell(4, 2, "01")
    for c, key in enumerate(heads, 3):
        ws.cell(4, c, school.teachers[key])
    ws = wb.create_sheet("教基5170")
    _merge(ws, 1, 1, 1, 4, "校舍情况  教基5170  （单位：平方米）")
    for c, text in enumerate(["项目", "代码", "计量单位", "面积"], 1):
        ws.cell(3, c, text)
    lines = [("校舍建筑面积", round(school.teaching_area * 1.6)), ("　其中：教学及辅助用房", school.teaching_area),
             ("　　　　行政办公用房", round(school.teaching_area * 0.2)), ("　　　　生活用房", round(school.teaching_area * 0.4))]
    for r, (label, value) in enumerate(lines, start=4):
        ws.cell(r, 1, label)
        ws.cell(r, 2, f"{r - 3:02d}")
        ws.cell(r, 3, "平方米")
        ws.cell(r, 4, value)
    ws = wb.create_sheet("教基5176")
    _merge(ws, 1, 1, 1, 4, "办学条件  教基5176")
    for c, text in enumerate(["项目", "代码", "计量单位", "数量"], 1):
        ws.cell(3, c, text)
    lines = [("占地面积", "平方米", round(school.sports_area * 2.5)), ("体育运动场（馆）面积", "平方米", school.sports_area),
             ("图书", "册", school.students * 30), ("计算机数", "台", school.students // 8),
             ("网络多媒体教室", "间", school.multimedia_rooms), ("教学仪器设备资产值", "万元", school.equipment_value)]
    for r, (label, unit, value) in enumerate(lines, start=4):
        ws.cell(r, 1, label)
        ws.cell(r, 2, f"{r - 3:02d}")
        ws.cell(r, 3, unit)
        ws.cell(r, 4, value)
    path.write_bytes(_saved(wb))
    return path


def form_folder(folder: Path, schools: list[FormSchool], year: int = 2025) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [form_book(folder / f"{s.school_id}_{s.name}.xlsx", s, year) for s in schools]


def zipped(paths: list[Path], out: Path) -> Path:
    """The forms in one .zip, in a folder, as a person zips a folder."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, f"基层报表/{path.name}")
    return out


def _split(total: int, parts: int) -> list[int]:
    base = [total // parts] * parts
    for i in range(total - sum(base)):
        base[i] += 1
    return base


def _saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def kindergarten_records(path: Path) -> Export:
    """A per-kindergarten table: 办别 as the statistics system writes it, 城乡分类代码, a 合计 row."""
    rows = [("新惠第一幼儿园", "新惠镇", "111", "教育部门办", 320, 10, 22, 35),
            ("长胜中心幼儿园", "长胜镇", "121", "地方教育部门办", 180, 6, 12, 18),
            ("新惠阳光幼儿园", "新惠镇", "111", "普惠性民办园", 150, 5, 9, 14)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "幼儿园"
    ws.append(["2025年幼儿园基本情况（按园）"])
    ws.append(["序号", "幼儿园名称", "所在乡镇", "城乡分类代码", "办别", "在园幼儿数", "班数", "专任教师数", "教职工数"])
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row[:5], str(row[5]), *row[6:]])
    ws.append(["", "合计", "", "", "", *(sum(r[k] for r in rows) for k in range(4, 8))])
    path.write_bytes(_saved(wb))
    owners = {"教育部门办": "公办", "地方教育部门办": "公办", "普惠性民办园": "普惠性民办"}
    areas = {"111": "城区", "121": "镇区"}
    return Export(path, {r[0]: (r[1], areas[r[2]], owners[r[3]], *map(float, r[4:])) for r in rows})


# -- 5. A plain per-school list with a 学段 column -----------------------------------------------------------------

SCHOOL_LIST_ROWS = [  # 学校名称, 学段, 所在乡镇, 城乡分类, 办别, 在校生数, 教学班数, 最大班额, 音乐专用教室, 美术专用教室
    ("长胜镇中心小学", "小学", "长胜镇", "乡村", "教育部门办", 293, 12, 31, 1, 1),
    ("玛尼罕乡中学", "初中", "玛尼罕乡", "乡村", "教育部门办", 411, 9, 48, 1, 0),
    ("金厂沟梁镇九年一贯制学校", "小学", "金厂沟梁镇", "乡村", "教育部门办", 355, 12, 35, 1, 1),
    ("金厂沟梁镇九年一贯制学校", "初中", "金厂沟梁镇", "乡村", "教育部门办", 140, 3, 50, None, None),
]


def school_list(path: Path, year: int = 2025, rows=None) -> Export:
    """学校明细: a title line, then one row per school and 学段 (a 九年一贯制 school on two rows), no 办学类型."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学校明细"
    ws.append([f"{year}年义务教育学校基本情况明细表"])
    ws.append(["学校名称", "学段", "所在乡镇", "城乡分类", "办别", "在校生数", "教学班数", "最大班额", "音乐专用教室", "美术专用教室"])
    for row in rows or SCHOOL_LIST_ROWS:
        ws.append(list(row))
    path.write_bytes(_saved(wb))
    return Export(path, {(r[0], r[1]): r[5:] for r in rows or SCHOOL_LIST_ROWS})


# -- 6. The same export saved by LibreOffice as .ods --------------------------------------------------------------

ODS_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def _ods_cell(value, spans: tuple[int, int] | None) -> str:
    from xml.sax.saxutils import escape

    attrs = f' table:number-rows-spanned="{spans[0]}" table:number-columns-spanned="{spans[1]}"' if spans else ""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def as_ods(source: Path, out: Path) -> Path:
    """An .xlsx export as LibreOffice saves it in .ods: its values, and merged cells as spans over covered cells."""
    from xml.sax.saxutils import quoteattr

    wb = openpyxl.load_workbook(source)
    tables = []
    for ws in wb.worksheets:
        spans, covered = {}, set()
        for merged in ws.merged_cells.ranges:
            spans[merged.min_row, merged.min_col] = (merged.max_row - merged.min_row + 1, merged.max_col - merged.min_col + 1)
            covered |= {(r, c) for r in range(merged.min_row, merged.max_row + 1)
                        for c in range(merged.min_col, merged.max_col + 1)} - {(merged.min_row, merged.min_col)}
        rows = []
        for r in range(1, ws.max_row + 1):
            cells = ["<table:covered-table-cell/>" if (r, c) in covered else _ods_cell(ws.cell(r, c).value, spans.get((r, c)))
                     for c in range(1, ws.max_column + 1)]
            rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(ws.title)}>" + "".join(rows) + "</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out
