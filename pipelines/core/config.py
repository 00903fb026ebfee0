"""Paths, sheet names, header words and thresholds: the one place for them."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The installation's own raw folder and warehouse, and its accounts (outside git and outside data/raw:
# data/accounts.json, from the example on first use).
RAW_DIR = ROOT / "data" / "raw"
DB_PATH = ROOT / "data" / "warehouse.duckdb"
ACCOUNTS_FILE = ROOT / "data" / "accounts.json"
ACCOUNTS_EXAMPLE = ROOT / "data" / "accounts.example.json"
# The key that signs backups (HMAC-SHA256 over the manifest): outside data/raw and outside every backup, made
# by scripts/deploy.sh; MONITOR_BACKUP_KEY names another file. No file: backups are not signed.
BACKUP_KEY_FILE = Path("/etc/aohan-monitor/backup.key")


# MONITOR_RAW, MONITOR_DB and MONITOR_ACCOUNTS point the app and the command line's defaults elsewhere, as the
# tests and a second installation do. The environment is read here only, at each use: the app, the command
# line and a test that points the app in its own process at a warehouse of its own all see the same place.
def raw_dir() -> Path:
    return Path(os.environ.get("MONITOR_RAW", RAW_DIR))


def db_path() -> Path:
    return Path(os.environ.get("MONITOR_DB", DB_PATH))


def accounts_path() -> Path:
    return Path(os.environ.get("MONITOR_ACCOUNTS", ACCOUNTS_FILE))


def backup_key_path() -> Path:
    return Path(os.environ.get("MONITOR_BACKUP_KEY", BACKUP_KEY_FILE))


def chosen_browser() -> str | None:
    """The browser the PNG renderer is told to use (BROWSER_PATH, which kaleido reads too), if any."""
    return os.environ.get("BROWSER_PATH") or None


# Failed sign-ins (records/signin_state.py): a reservation older than this belongs to a check that died with its
# process and no longer counts; how long a try waits for the state file's lock.
SIGNIN_STALE_RESERVATION_SECONDS = 120
SIGNIN_LOCK_WAIT_SECONDS = 10
# A backup's partial file younger than this may be someone's copy in progress (as deploy/nightly-backup.sh).
BACKUP_STALE_PARTIAL_SECONDS = 3600


# Files inside a raw folder.
PLAN_FILE = "plan.txt"
TASKLIST_FILE = "tasklist.xlsx"
REFERENCE_DIR = "reference"
UNITS_FILE = "units.csv"
INDICATORS_FILE = "indicators.csv"
TARGETS_FILE = "targets.csv"
NOT_TARGETS_FILE = "not_targets.csv"
TASK_NAMES_FILE = "task_names.csv"  # a short name per task for charts and lists (optional: else its key task's title)
TASK_NAME_MAX = 12  # characters of a short name
SUBMISSIONS_DIR = "submissions"
SUBMISSIONS_LOG = "log.jsonl"
AUDIT_DIR = "audit"
AUDIT_LOG = "audit.jsonl"
DEMO_DIR = "demo"
QUARANTINE_DIR = "quarantine"  # files the archive cannot account for, kept (pipelines/records/quarantine.py)

# The plan's years: 2022 is the baseline (the last year before the plan), the plan runs to 2030.
BASELINE_YEAR = 2022
PLAN_START_YEAR = 2023
PLAN_END_YEAR = 2030
MILESTONE_YEARS = (2025, 2028, 2030)
YEARS = tuple(range(BASELINE_YEAR, PLAN_END_YEAR + 1))

# Header words of the task list, as offices write them (docs/design.md, "Reading the task list").
TASKLIST_COLUMNS = {
    "section": ("重点任务",),
    "key_task": ("任务目标",),
    "task": ("量化指标", "具体任务", "工作任务"),
    "lead": ("牵头单位", "牵头部门"),
    "responsible": ("责任单位", "责任部门", "配合单位"),
    "deadline": ("完成时限", "完成时间"),
    "number": ("序号",),
}
TASKLIST_REQUIRED = ("section", "key_task", "task", "lead", "responsible", "deadline")
TASKLIST_COLUMN_LABELS = {
    "section": "重点任务",
    "key_task": "任务目标",
    "task": "量化指标",
    "lead": "牵头单位",
    "responsible": "责任单位",
    "deadline": "完成时限",
    "number": "序号",
}
HEADER_SEARCH_ROWS = 30

# The departments' workbook (docs/design.md, "The departments' workbook").
SHEET_GUIDE = "填报说明"
SHEET_VALUES = "指标数据"
SHEET_PROGRESS = "任务进展"
VALUE_COLUMNS = ("指标代码", "指标名称", "单位", "年份", "数值", "备注")
# After 备注 (issue 18): where an input the statistics do not hold came from (公安, 残联, 财政 …) and its date.
# Optional on reading: a workbook of an older template has the six columns only.
VALUE_SOURCE_COLUMNS = ("数据来源", "来源日期")
PROGRESS_COLUMNS = ("任务编号", "任务内容", "进展状态", "进展说明")
GUIDE_UNIT_LABEL = "填报单位"
GUIDE_YEAR_LABEL = "填报年度"
PROGRESS_STATUSES = {
    "未启动": "not_started",
    "推进中": "in_progress",
    "已完成": "done",
    "常态化推进": "ongoing",
}

# 整改说明 (issue 13): the workbook's third sheet, for the targets the unit leads that were lagging as of
# the year before the workbook's (config.LAGGING_STATUSES); the three answers are typed by the unit.
SHEET_RECTIFICATION = "整改说明"
RECTIFICATION_COLUMNS = ("目标编号", "目标", "状态", "原因分析", "整改措施", "计划完成时间")
RECTIFICATION_ANSWERS = ("原因分析", "整改措施", "计划完成时间")
RECTIFICATION_LATEST_YEAR = 2035  # a planned date after this is not a plan
# The longest a unit's own words may be, in characters as typed (issue 20): a 2,800-character 措施 runs off a slide
# and buries the page. Longer text is refused with its cell named; details belong in 佐证材料.
TEXT_LIMITS = {"进展说明": 500, "原因分析": 500, "整改措施": 500, "备注": 500, "数据来源": 200}

# Review (审核): a loaded workbook counts once a reviewer approves it (docs/design.md, "Review").
REVIEW_LABELS = {"pending": "待审核", "approved": "已通过", "returned": "已退回"}
WITHDRAWN_LABEL = "已撤回"

# 佐证材料 (evidence) attached to a task-progress report: these kinds, checked by content, at most the upload
# limit (MAX_UPLOAD_BYTES, below).
EVIDENCE_KINDS = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",), "docx": (".docx",)}
EVIDENCE_KIND_LABELS = {"pdf": "PDF 文件", "jpg": "JPG 图片", "png": "PNG 图片", "docx": "Word 文档（.docx）"}
MAX_EVIDENCE_BYTES = 5 * 1000 * 1000  # = MAX_UPLOAD_BYTES
EVIDENCE_DIR = "佐证材料"  # beside the workbook: submissions/<year>/<unit>/佐证材料/

# 催报: a year's workbook is due on this day of the next year (settings may change it, and set single years).
REPORT_DUE_MONTH_DAY = "03-31"

# Ingest checks.
JUMP_WARNING_SHARE = 0.5  # a change of more than half from last year is worth a second look
# A file uploaded is at most 5 MB, and 5 MB is 5,000,000 bytes wherever it is said: Streamlit's uploader
# (server.maxUploadSize = 5 in .streamlit/config.toml) refuses a file in the browser above 5 × 1,000,000 bytes
# (5 × 1,048,576 in a browser on Windows) and its server above 5 × 1,048,576; the app's own check below it,
# in Chinese, holds for every browser; the proxy's request limit (6 MB) holds either with its framing.
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1000 * 1000
MAX_UNPACKED_RATIO = 100  # unpacked size / file size above this is a zip bomb
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# A unit's workbook has about a hundred rows; a sheet filled far beyond these is not one (and a reader
# would build a grid of that size in memory), so it is refused before the values are read.
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 200
MAX_SHEETS = 50
# An archived file's name, cut to this many bytes of UTF-8 (the file system allows 255 for the whole
# name, which also carries the time, a fingerprint and, while it is written, `.partial`).
MAX_NAME_BYTES = 150

# What a reported value may be (a value beyond is refused with its cell named). The ceilings fit a
# banner of about 600,000 people, 8,300 km² and a budget of a few billion yuan, with room to spare; a
# value above one is a typing slip (an extra digit run, 1e308), never a real count.
SHARE_CEILING = 100.0  # a share of a whole (入园率, 覆盖率, 占比): at most 100%
GROSS_RATE_CEILING = 150.0  # a gross rate (毛入学率) may pass 100% (over-age pupils), not this
GROSS_RATE_WARNING = 100.0  # above this a gross rate loads with a warning
PERCENT_CEILING = 1000.0  # any other percent (a ratio of two series such as 教师与公务员工资之比)
RANK_CEILING = 100  # a rank among the 赤峰 banners and counties (12) or any wider list
# Counts by their unit word: people (and person-times) in the banner; schools, bases, posts, events.
COUNT_CEILINGS = {"人": 1_000_000, "名": 1_000_000, "人次": 5_000_000}
COUNT_CEILING = 100_000  # 所, 个, 次, 项 …: there are about 260 schools and 10,000 teachers' posts
AMOUNT_CEILINGS = {"元": 10_000_000, "万元": 10_000_000}  # a yearly wage in 元; a debt or budget in 万元
AREA_CEILINGS = {"亩": 1_000_000, "平方米": 1_000_000}  # land for a school in 亩 (the banner has about 12 million); a building in 平方米

# Sign-in and sessions (pipelines/records/accounts.py, pipelines/records/signin_state.py, dashboard/auth.py, dashboard/gate.py;
# issue 20). The operator's settings (lock-out, idle time, anonymous reading) are in data/accounts.json and
# take their defaults from accounts.DEFAULT_SETTINGS; these are the fixed limits.
# An account name: 1 to 32 letters (Chinese too), digits, "_", "." or "-" — checked wherever a name comes in
# (the sign-in form, `user add`), so that no longer one reaches the audit trail, the sign-in state or a backup.
MAX_ACCOUNT_NAME_CHARS = 32
ACCOUNT_NAME_PATTERN = r"[\w.\-]+"
MAX_PASSWORD_CHARS = 256
# The sign-in state keeps at most this many (name, address) and address entries (about 100 bytes each).
MAX_SIGNIN_ENTRIES = 5000
# argon2id needs 64 MiB per check: at most this many checks at once in the app; a further sign-in waits
# this long for a turn and is then asked to try again later (请稍后再试).
CONCURRENT_PASSWORD_CHECKS = 2
PASSWORD_CHECK_WAIT_SECONDS = 10.0
# The browser's own secret (dashboard/gate.py): an HttpOnly cookie that binds a signed-in session to the
# browser that signed in.
BROWSER_COOKIE = "aohan_browser"
# The addresses whose X-Real-IP / X-Forwarded-For is believed (nginx on this machine); any other peer's
# address is its own.
TRUSTED_PROXIES = ("127.0.0.1", "::1")

# Waits and time-outs, in seconds.
# The writers' lock (pipelines/warehouse/lock.py): how long a writer waits for another before giving up.
WRITER_WAIT_SECONDS = 300.0
# Opening the warehouse while another process holds it (DuckDB lets one process write a file at a time): the
# command line and the writers retry this long (warehouse/connection.py) …
WAREHOUSE_WAIT_SECONDS = 30.0
# … a page's read this long before it says the data are being updated (dashboard/data.py) …
PAGE_READ_WAIT_SECONDS = 10.0
# … `health` this long before it says it could not look (operations/health.py) …
HEALTH_WAIT_SECONDS = 10.0
# … and an audit line's row this long (the log line is written first and is the record; operations/audit_trail.py).
AUDIT_WAIT_SECONDS = 5.0
# The group robot's answer to a 催报 message (operations/webhook.py).
WEBHOOK_TIMEOUT_SECONDS = 5.0
# The headless browser that draws the report's charts as PNGs, to start (reports/images.py).
IMAGE_RENDERER_START_SECONDS = 60

# Status of a target (docs/design.md, "Status of a target": every rule written out).
# Cut-offs of the progress ratio r, as in the SDG progress assessments (Eurostat; Open SDG).
ON_TRACK_RATIO = 0.95
MODERATE_RATIO = 0.6
# A structure (高:中:初) is met when every share is within this many points of a total of 10.
RATIO_TOLERANCE = 0.2
# The default as-of year: the latest year that at least this share of the reporting units has covered.
DEFAULT_YEAR_COVERAGE = 0.5

STATUS_LABELS = {
    "met": "已达成",
    "met_late": "逾期达成",
    "on_track": "按期可达",
    "moderate": "进展偏慢",
    "insufficient": "进展不足",
    "moving_away": "偏离目标",
    "fell_back": "达成后回落",
    "unreachable": "未达成，已无法达成",
    "missed": "逾期未达成",
    "year_met": "当年达标",
    "year_missed": "当年未达标",
    "year_no_data": "当年暂无数据",
    "round_met": "最近一次评选达标",
    "round_missed": "最近一次评选未达标",
    "not_due": "未到期",
    "no_data": "暂无数据",
    "not_assessable": "无法评估",
}
# The colour, word and mark of each status: pipelines/core/palette.py (one palette everywhere).
# Statuses a leader must act on (the deck's sentences, the lagging lists), and the ones that are met.
LAGGING_STATUSES = ("missed", "unreachable", "fell_back", "moving_away", "insufficient", "moderate", "year_missed",
                    "round_missed")
MET_STATUSES = ("met", "met_late", "year_met", "round_met")

KIND_LABELS = {
    "level": "水平值",
    "count_cumulative": "累计数量",
    "count_annual": "年度数量",
    "ratio": "结构比例",
    "rank": "位次",
    "trend": "趋势",
    "relative": "对比",
    "milestone": "验收节点",
    "compliance": "逐校达标",
    "project": "建设项目",
}
# A kind judged by a reported event (是/否 of an acceptance, the stage of a building project), not a number.
EVENT_KINDS = ("milestone", "project")

# The words of a trend as its rule judges it (describe.describe_target): 只增不减 is "not below the year
# before" (T82-1/2), 大幅提升 "above the baseline by its year", a standing direction (task 48) "beyond the
# baseline in the as-of year".
TREND_WORDS = {
    "increasing": "逐年增加",
    "decreasing": "逐年减少（为0即达标）",
    "overall": "大幅提升",
    "not_decreasing": "不低于上年（只增不减）",
    "above_baseline": "高于基线（进一步增加）",
    "below_baseline": "低于基线（进一步缩减）",
}

# A building project (tasks 88–89) is reported each year by its stage at the year's end, typed from a
# drop-down: 未开工, 在建 (开工 but not finished) or 已竣工; stored as 0, 1, 2. Its target asks a stage by a
# year: 竣工 (新建) or 开工 (规划新建).
PROJECT_STAGES = {"未开工": 0, "在建": 1, "已竣工": 2}
PROJECT_STAGE_WORDS = {0: "未开工", 1: "在建", 2: "已竣工"}
PROJECT_GOALS = {1: "开工", 2: "竣工"}
PROJECT_UNIT = "进度"  # the unit of a project's indicator in indicators.csv

# 职普比 (task 19, T19-1: 高中阶段职普比例达到3.5:6.5以上) is counted on 在校生 (the enrolment of 中等职业学校 and
# 普通高中, the statistics' usual basis); some offices count it on 招生 (the year's new entrants). Set "招生" here
# and rebuild (python -m pipelines build): VE_GEN_RATIO's parts, its definition, the workbook's rows and the
# line under T19-1 on 指标 follow.
VOCATIONAL_RATIO_BASIS = "在校生"
VOCATIONAL_RATIO_INDICATOR = "VE_GEN_RATIO"
VOCATIONAL_RATIO_BASES = {
    "在校生": ("VE_ENROLLED", "GH_ENROLLED"),
    "招生": ("VE_ADMITTED", "GH_ADMITTED"),
}

# Rulings (issue 19): where the body and the attachment give a target different values, the target is judged
# under each text; the attachment's counts until a 管理 account rules otherwise (pipelines/records/ruling_state.py).
RULING_TEXTS = {"attachment": "附件", "body": "正文"}
DEFAULT_RULING_TEXT = "attachment"

SECTION_NUMERALS = "一二三四五"
DEMO_LABEL = "示例数据"
PLATFORM_NAME = "敖汉旗教育高质量发展监测平台"  # a made file's author, a notice's and a message's signature
# The key indicators, one slide each in the deck and one paragraph each in the Word report: 高中阶段毛入学率,
# 在园幼儿入公办园率, 普惠性幼儿园覆盖率, 高:中:初 岗位结构, 职普比.
KEY_TARGETS = ("T03-5", "T10-5", "T10-6", "T36-1", "T19-1")
# The headline tiles a leader asks for first on 总览 (issue 11): the key indicators and the 2028 / 2030 acceptances.
# The two acceptances' targets (任务10, 任务6) and the scheme each is judged by on 验收准备.
ACCEPTANCE_TARGETS = {"T10-7": "普及普惠", "T06-9": "优质均衡"}
HEADLINE_TARGETS = (*KEY_TARGETS, *ACCEPTANCE_TARGETS)
# A headline tile's name where the indicator's own is too long for it.
HEADLINE_NAMES = {"T36-1": "高、中、初级岗位结构", "T19-1": "高中阶段职普比", "T10-7": "学前教育普及普惠验收",
                  "T06-9": "义务教育优质均衡验收"}
# A demo workbook is approved this long after it arrives (its reviewer, two days later; the units' and the school
# workbooks alike: operations/demo.py, operations/school_demo.py).
DEMO_APPROVAL_DELAY = timedelta(days=2, hours=-1)
SOURCE_LINE = "数据来源：各单位年度填报"
