"""Header words, thresholds and folder names of `import`: the one place for them.

The statistics system's words for the platform's (初级中学 → 初中 …) are in pipelines/workbooks/statistics_words.py;
the words that name each template field (its synonyms) are in fields.py.
"""

import re

# Where mappings are kept (under the raw folder: only ever added to) and where an import's original files are
# archived (beside the standard workbook made from them, under submissions/<year>/<unit>/).
MAPPINGS_DIR = "mappings"
ORIGIN_DIR = "原始报表"
MAPPING_SUFFIX = ".csv"

# Files an import accepts: workbooks, or a .zip of them (a folder on the command line).
WORKBOOK_SUFFIXES = (".xlsx", ".xls", ".ods")
ZIP_SUFFIX = ".zip"
# Documents a person sends with the forms (a note, a scan): passed over with a word, never read.
DOCUMENT_SUFFIXES = (".txt", ".doc", ".docx", ".wps", ".pdf", ".rtf", ".md", ".jpg", ".jpeg", ".png")
MAX_FILES = 500  # per-school forms of a county: about 260 schools and kindergartens
MAX_ZIP_MEMBER_BYTES = 5 * 1024 * 1024
# Members of a zip that are not workbooks and not worth a word (what Windows and macOS add to a folder).
JUNK_NAMES = re.compile(r"(^|/)(__MACOSX/|\.|~\$|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)

# Reading a sheet's header block.
HEADER_SEARCH_ROWS = 40  # the first data row is found within these rows
MAX_HEADER_ROWS = 6
COLUMN_NUMBER_LETTERS = "甲乙丙丁戊己庚辛壬癸"  # a 栏号 row: 甲 乙 丙 for the label columns, 1 2 3 … for figures
CODE_HEADERS = ("行次", "代码", "编号", "序号", "栏次", "行号", "栏号", "编码")
UNIT_HEADERS = ("计量单位", "单位")
REMARK_HEADERS = ("备注", "说明", "附注")
# A cell that only gives a unit: "单位：人", "（人）", "万元", "平方米"… (under a heading, or a units row).
UNIT_WORDS = ("万人", "千人", "人次", "万元", "千元", "元", "平方米", "㎡", "m2", "m²", "人", "所", "个", "班", "间", "台", "册", "亩", "套",
              "件", "%", "元/生", "平方米/生", "㎡/生", "生")
UNIT_CELL = re.compile(r"^[（(]?(?:计量)?(?:单位[:：])?\s*(?:" + "|".join(re.escape(w) for w in UNIT_WORDS)
                       + r")(?:[、,，/](?:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r"))*[)）]?$")
UNIT_IN_HEADING = re.compile(r"[（(]\s*(?:单位[:：])?\s*(" + "|".join(re.escape(w) for w in UNIT_WORDS) + r")\s*[)）]")
# A count given in 万人 or 千人 (单位：万人, 在校生数（万人）): read as persons, × the prefix's factor, and said.
SCALED_PREFIXES = {"万": 10000, "千": 1000}
COUNT_UNITS = ("人", "人次", "所", "个", "班", "间")
# Lines that are not part of the table: titles' companions, notes, signatures.
META_PREFIXES = ("填报单位", "填表单位", "单位", "统计时点", "报告期", "统计范围", "表号", "制表机关", "批准机关", "批准文号",
                 "有效期")
NOTE_PREFIXES = ("注", "说明", "备注", "数据来源", "资料来源", "填表人", "制表人", "制表", "单位负责人", "统计负责人",
                 "审核人", "报出日期", "填报日期", "联系电话")
# Words in a column heading that mark a column of the whole or of what is actually there: neutral in a path.
TOTAL_PARTS = ("合计", "总计", "计", "小计", "总数", "数量", "实际值", "实有", "现有", "本年", "面积", "金额", "值", "数")
# Columns that are references, not values (优质均衡 tables: 基本值 / 达标值 / 是否达标 beside 实际值).
REFERENCE_PARTS = ("基本值", "达标值", "标准值", "是否达标", "达标情况", "差值", "差距", "排名", "位次", "上年", "上年数")
# The column that names each record of a per-school table.
RECORD_KEY_WORDS = ("学校名称", "学校", "校名", "单位名称", "学校（机构）名称", "学校(机构)名称", "机构名称", "幼儿园名称",
                    "幼儿园", "园名", "学校全称")
KINDERGARTEN_KEY_WORDS = ("幼儿园名称", "幼儿园", "园名")
# A sheet of a per-school base form: its name or title carries the form's code (教基1001, 小基2, 幼基…).
FORM_CODE = re.compile(r"(?:教基|[小中高幼特职]基)\s*\d[\d-]*")
# Years in titles and sheet names: not part of a layout (next year's file has the same layout).
YEAR_WORDS = re.compile(r"(?:19|20)\d{2}\s*(?:[-—–至~]\s*(?:19|20)?\d{2,4})?\s*(?:学年度|学年|年度|年)?(?:初|末|秋季|春季)?")

# A new school's 办学类型 as its name says it (the first word found), where the export has no 办学类型 column:
# said once, to be checked. A name ending in 中学 says too little (初中 or 完全中学): its rows' 学段 decide.
TYPE_IN_NAME = (("十二年一贯制", "十二年一贯制"), ("九年一贯制", "九年一贯制"), ("九年制", "九年一贯制"), ("教学点", "教学点"),
                ("完全中学", "完全中学"), ("初级中学", "初中"), ("小学", "小学"))

# Proposals.
PROPOSE_AT = 0.75  # a source scoring below this is not proposed (the field is left for the person)
WHOLE_NAME_AT = 0.85  # … nor a source only like the field's own name (no recipe of fields.py)
CONFIRM_BELOW = 0.9  # a proposal scoring below this is marked 请核对
NEAR_SYNONYM_AT = 0.8  # a source whose words only look like the field's (fields.NEAR_SYNONYMS): at most this
FUZZY_WEIGHT = 0.9  # a heading only like a field's words never scores as high as one equal to them
EXTRA_PART_PENALTY = 0.55  # a path part beyond the words matched (在校生数/其中：女 for 在校生数)
SUB_PART_PENALTY = 0.5  # … when it is a 其中 part

# Conversions of a per-student figure (优质均衡 实际值) to the count the school workbook wants, and of 元 to 万元:
# code -> (words shown in the mapping file, factor applied to the figure, multiplied by the row's 在校生数).
CONVERSIONS = {
    "": ("", 1.0, False),
    "per100": ("每百名学生数×在校生数÷100", 0.01, True),
    "per_student": ("生均数×在校生数", 1.0, True),
    "per_student_yuan": ("生均元×在校生数÷10000（万元）", 0.0001, True),
    "yuan": ("元÷10000（万元）", 0.0001, False),
}
NO_CONVERSION = "不换算"  # the blank conversion, as the page's list shows it
CONVERSION_BY_WORDS = {words: code for code, (words, _, _) in CONVERSIONS.items()} | {NO_CONVERSION: ""}
# How a converted count is rounded, as a person would (by the field's value type): whole teachers and rooms,
# whole square metres, 万元 to two decimals.
ROUNDING = {"count": 0, "area": 0, "amount": 2}

# A statistics code written before its word (211 小学, 311-初级中学, 220：乡村), or alone.
LEADING_CODE = re.compile(r"^(?P<code>\d{3})\s*[-—、.．:：]?\s*(?P<rest>\D.*)?$")

# Values an export writes for "nothing": read as blank, never refused.
BLANK_WORDS = ("-", "—", "－", "--", "——", "/", "／", "…", "\\", "x", "X", "×", "空", "无")

# The mapping file a person reads and corrects (UTF-8 with BOM, which Excel opens).
MAPPING_COLUMNS = ("版式", "字段代码", "字段名称", "来源", "换算", "可信度", "读出的值", "说明")
SOURCE_SEPARATOR = " > "
SUM_SEPARATOR = " + "
CONSTANT_PREFIX = "值："
NOT_IN_FILE = "（不从本文件读取）"  # the page's choice for a field this file does not give (a blank 来源 in the file)
