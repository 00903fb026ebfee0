-- The warehouse's stored tables. Names and the columns docs/design.md lists are a contract; others are ours.

create table plan_calendar (
    baseline_year integer not null,
    start_year integer not null,
    end_year integer not null,
    default_year_coverage double not null  -- share of the reporting units that makes a year the default
);

create table units (
    unit varchar primary key,
    full_name varchar,
    category varchar,
    aliases varchar
);

create table sections (
    section_no integer primary key,
    title varchar not null
);

create table key_tasks (
    key_task_no integer primary key,
    section_no integer not null,
    title varchar not null
);

create table tasks (
    task_no integer primary key,
    section_no integer not null,
    key_task_no integer not null,
    text varchar not null,
    deadline_text varchar,
    ongoing boolean not null,
    lead_text varchar,
    responsible_text varchar,
    source_row integer
);

-- A short name per task, as a leader reads it on a chart row (任务22 理顺校长管理体制); reference/task_names.csv, else
-- the task's key task title.
create table task_names (
    task_no integer primary key,
    short_name varchar not null
);

create table task_units (
    task_no integer not null,
    unit varchar not null,
    role varchar not null check (role in ('lead', 'responsible')),
    written_as varchar
);

create table task_deadlines (
    task_no integer not null,
    due_date date not null,
    milestone varchar,
    precision varchar,
    -- 'attachment' (its 完成时限), or 'body': the body's 完成时限 for a task the attachment leaves undated (issue 19)
    source varchar not null default 'attachment'
);

-- The notice's body: the 30 key tasks as the body states them.
create table body_key_tasks (
    key_task_no integer primary key,
    section_no integer,
    title varchar,
    text varchar,
    lead_text varchar,
    responsible_text varchar,
    deadline_text varchar,
    ongoing boolean,
    source_line integer
);

create table body_key_task_units (
    key_task_no integer not null,
    unit varchar not null,
    role varchar not null,
    written_as varchar
);

create table body_key_task_deadlines (
    key_task_no integer not null,
    due_date date not null,
    milestone varchar,
    precision varchar
);

create table indicators (
    indicator_code varchar primary key,
    name varchar not null,
    unit varchar,
    value_type varchar not null,
    bounds varchar,
    reporter varchar,
    method varchar not null,
    numerator varchar,
    denominator varchar,
    parts varchar[],
    definition varchar,
    is_component boolean not null,
    external_source varchar,  -- the office an input comes from (公安, 残联, 财政 …): typed with 数据来源 and 来源日期
    register_types varchar[]  -- method 'register': the 办学类型 of the school register it counts
);

create table targets (
    target_id varchar primary key,
    indicator_code varchar not null,
    task_no integer not null,
    key_task_no integer,
    section_no integer,
    kind varchar not null,
    comparator varchar not null,
    target_value double,
    ratio_parts double[],
    unit varchar,
    target_year integer,
    recurring boolean not null,
    basis varchar,
    source varchar not null check (source in ('body', 'attachment')),
    source_text varchar not null,
    lead_unit varchar,
    goal varchar,  -- the target in the notice's words where the kind's words do not fit (建成, 缺口补齐)
    interpretation varchar  -- how the platform reads a phrase that could be read otherwise (shown under it)
);

create table not_targets (
    scope varchar,
    number integer,
    phrase varchar,
    is_regex boolean,
    reason varchar
);

create table discrepancies (
    task_no integer,
    key_task_no integer,
    field varchar not null,
    body_value varchar,
    attachment_value varchar,
    kind varchar,
    target_id varchar,
    body_text varchar,
    attachment_text varchar,
    note varchar,
    severity varchar  -- 'substantive' (the documents ask different things) or 'formal' (same, said differently)
);

-- Issue 19: a target the body and the attachment give different values, once per text (its value and words).
create table target_texts (
    target_id varchar not null,
    text varchar not null check (text in ('body', 'attachment')),
    target_value double not null,
    source_text varchar,
    words varchar  -- the value as the text writes it (50%以上)
);

-- Every ruling of which text counts for such a target, in the order of the log (the last one stands).
create table target_rulings (
    ruling_no integer not null,
    target_id varchar not null,
    text varchar not null check (text in ('body', 'attachment')),
    ruled_at timestamp not null,
    ruled_by varchar,
    reason varchar
);

create table submissions (
    submission_id integer primary key,
    file_name varchar not null,
    archive_path varchar not null,
    sha256 varchar not null,
    unit varchar not null,
    year integer not null,
    received_at timestamp not null,
    is_demo boolean not null,
    account varchar,
    withdrawn boolean not null default false,
    withdrawn_at timestamp,
    withdrawn_by varchar,
    n_values integer,
    n_progress integer,
    n_warnings integer,
    -- Review (审核): a loaded workbook counts only once approved; the last decision of the log.
    review_status varchar not null default 'pending' check (review_status in ('pending', 'approved', 'returned')),
    reviewed_by varchar,
    reviewed_at timestamp,
    review_note varchar
);

-- The fingerprints of the demo workbooks of the archive (loaded or not, ended or not): a byte copy of one sent
-- as a unit's workbook is refused (demo data is never a unit's report, docs/design.md "Demo data").
create table demo_fingerprints (
    sha256 varchar primary key,
    file_name varchar not null
);

-- Every review decision, in the order of the log (submissions holds the last one).
create table review_decisions (
    submission_id integer not null,
    decision varchar not null check (decision in ('approved', 'returned')),
    decided_at timestamp not null,
    decided_by varchar,
    note varchar
);

-- 佐证材料: a file attached to a task-progress report of a workbook, archived beside it.
create table evidence (
    submission_id integer not null,
    task_no integer not null,
    file_name varchar not null,
    archive_path varchar not null,
    sha256 varchar not null,
    kind varchar not null,
    size_bytes bigint not null,
    attached_at timestamp not null,
    attached_by varchar
);

-- 整改说明: a unit's explanation of a lagging target it leads, from its workbook's third sheet.
create table rectifications (
    submission_id integer not null,
    target_id varchar not null,
    reason varchar not null,
    measures varchar not null,
    planned_by date not null,
    planned_text varchar not null,
    sheet_row integer
);

create table observations (
    submission_id integer not null,
    indicator_code varchar not null,
    year integer not null,
    value double not null,
    note varchar,
    sheet_row integer,
    value_cell varchar,  -- the cell of 指标数据 the value was typed in (E12)
    source varchar,  -- 数据来源 of an input the statistics do not hold (公安, 残联, 财政 …), as typed
    source_date varchar  -- 来源日期: 2025-12-31, 2025-12 or 2025 (as typed where it could not be read)
);

create table task_progress (
    submission_id integer not null,
    task_no integer not null,
    status varchar not null,
    status_code varchar not null,
    note varchar,
    sheet_row integer
);

create table ingest_warnings (
    submission_id integer not null,
    sheet varchar,
    row integer,
    "column" varchar,
    reason varchar not null,
    kind varchar  -- null: a warning; 'note': a word read as the platform's; 'completeness': left blank, cannot be judged
);

create table target_assessments (
    as_of_year integer not null,
    include_demo boolean not null,
    target_id varchar not null,
    status varchar not null,
    status_label varchar not null,
    baseline_value double,
    baseline_year integer,
    latest_value double,
    latest_year integer,
    latest_text varchar,
    target_value double,
    target_year integer,
    gap double,
    required_per_year double,
    actual_per_year double,
    progress_ratio double,
    projected_value double,
    is_demo boolean,
    detail varchar,
    method varchar,
    -- Issue 19: a target the two texts state differently is judged under each; the columns above follow the text
    -- that counts (text_basis: the ruling's, else the attachment), the alt_ ones the other text.
    text_basis varchar,
    ruled boolean,
    alt_text varchar,
    alt_target_value double,
    alt_status varchar,
    alt_status_label varchar,
    alt_gap double,
    alt_detail varchar
);

create table status_labels (
    status varchar primary key,
    label varchar not null,
    colour varchar not null,
    sort_order integer not null
);

-- Every sign-in, upload, load, refusal and withdrawal (rebuilt from data/raw/audit/audit.jsonl).
create table audit (
    occurred_at timestamp not null,
    event varchar not null,
    account varchar,
    result varchar,
    file_name varchar,
    sha256 varchar,
    submission_id integer,
    source varchar,
    detail varchar
);

-- `import` (issue 18): the files a workbook made from a unit's own statistics export was read from, archived
-- beside it ('original': the export as sent; 'mapping': the mapping applied; 'sources': each value's cells).
create table import_origins (
    submission_id integer not null,
    role varchar not null check (role in ('original', 'mapping', 'sources')),
    file_name varchar not null,
    archive_path varchar not null,
    sha256 varchar not null,
    fingerprints varchar[],
    saved_mapping varchar  -- for 'mapping': where it was saved for the unit and layout (under the raw folder)
);

-- Each value of an imported workbook and the export's cell(s) it was read from (a sum: a row per cell).
create table import_sources (
    submission_id integer not null,
    target varchar not null check (target in ('indicator', 'school', 'kindergarten')),
    indicator_code varchar,
    school_id varchar,
    stage varchar,
    field varchar,
    workbook_sheet varchar not null,
    workbook_cell varchar not null,
    source_file varchar not null,
    sheet varchar,
    cell varchar,
    raw_value varchar,
    note varchar
);

-- Planning (issue 23): what it takes to pass 2028 普及普惠 and 2030 优质均衡. ------------------------------------

-- A planning workbook (规划项目与适龄人口) accepted: its planned changes and the age population it gives.
create table plan_workbooks (
    submission_id integer primary key,
    unit varchar not null,
    year integer not null,
    n_changes integer not null,
    n_population integer not null
);

-- A planned change as the workbook gives it: a school (or kindergarten), what it adds (resource: the key of
-- pipelines/planning/settings.RESOURCES; null for what the 7 indicators do not count), how much, the year it is ready.
create table planned_changes (
    submission_id integer not null,
    sheet_row integer,
    project varchar not null,
    school_id varchar,
    school_name varchar,
    stage varchar,
    kind varchar not null,
    resource varchar,
    amount double,
    unit varchar,
    year_ready integer,
    investment double,  -- 万元, as the workbook gives it
    source varchar,
    note varchar
);

-- Births and the 3 and 6 周岁 populations by year, each with the office it comes from (卫健, 统计, 公安).
create table population_inputs (
    submission_id integer not null,
    sheet_row integer,
    year integer not null,
    births double,
    age3 double,
    age6 double,
    source varchar not null,
    source_date varchar,
    note varchar
);

-- Unit costs: the reference values (data/raw/reference/unit_costs.csv) with an office's override
-- (data/raw/unit_costs_office.csv), each with its source. cost of one unit added = unit_cost × cost_years.
create table plan_unit_costs (
    resource varchar primary key,
    label varchar not null,
    unit_cost double not null,  -- 万元 per unit (per year for teachers)
    price_unit varchar,
    cost_years double not null,
    cap double,  -- the most one school may add (null: no limit)
    source varchar not null,
    note varchar,
    overridden boolean not null
);

-- Projected enrolments per school and stage (小学, 初中, 幼儿园) and year after the latest school data, to 2030.
create table enrolment_projection (
    school_id varchar not null,
    stage varchar not null,
    year integer not null,
    low double not null,
    mid double not null,
    high double not null
);

-- The cheapest plan: per scheme, what to add where (teachers moved between schools are two rows, 调入 and
-- 调出, at no cost), by the year it must be ready; cost in 万元.
create table readiness_plan (
    scheme varchar not null,
    school_id varchar not null,
    stage varchar not null,
    year integer not null,
    resource varchar not null,
    amount double not null,
    unit varchar not null,
    cost double not null
);

-- One row per scheme: the plan's outcome and what it was computed from.
create table plan_runs (
    scheme varchar primary key,
    acceptance_year integer not null,
    base_year integer,
    status varchar not null check (status in ('planned', 'met', 'infeasible', 'no_data')),
    message varchar not null,  -- headline, then unaddressed: what the page and the reports say
    headline varchar,  -- 要在2030年通过…验收，还需：…（合计约…万元）
    unaddressed varchar[],  -- the criteria still unmet in the acceptance year that additions do not reach
    total_cost double,
    n_moves integer,
    recheck varchar,  -- the rules re-run on the acceptance year with the plan applied: '通过' or what failed
    is_demo boolean not null,
    method varchar,  -- the projection's method, in words
    inputs_key varchar  -- what it was computed from (a fingerprint): the plan is computed again when it changes
);

-- Teachers moved between schools (交流轮岗) in a plan.
create table plan_moves (
    scheme varchar not null,
    stage varchar not null,
    resource varchar not null,
    from_school varchar not null,
    to_school varchar not null,
    teachers integer not null
);

-- Each criterion's value per projected year: without the planned changes ('base'), with them ('changes'), and
-- with the cheapest plan too ('plan', the acceptance year); `held`: a county item not projected (its latest value).
create table plan_criteria (
    scheme varchar not null,
    criterion_id varchar not null,
    scenario varchar not null check (scenario in ('base', 'changes', 'plan')),
    year integer not null,
    value double,
    met boolean,
    held boolean not null
);

-- Each school (or kindergarten) per projected year and scenario: passes its rule or not.
create table plan_schools (
    scheme varchar not null,
    school_id varchar not null,
    stage varchar not null,
    scenario varchar not null,
    year integer not null,
    students double,
    n_met integer,
    status varchar  -- pass, fail, no_data
);
