-- Schools and kindergartens (issue 12): reference data and every version of 旗教育局's school-level
-- workbook. Names and the columns docs/design.md lists ("Acceptance readiness") are a contract.

-- The national acceptance criteria, from data/raw/reference/criteria.csv (thresholds are data).
create table criteria (
    criterion_id varchar primary key,
    scheme varchar not null check (scheme in ('优质均衡', '普及普惠')),
    part varchar not null,
    code varchar,
    name varchar not null,
    stage varchar not null check (stage in ('小学', '初中', '幼儿园', '全旗')),
    scope varchar not null check (scope in ('school', 'dispersion', 'rule', 'county', 'kindergarten')),
    measure varchar not null,
    comparator varchar not null check (comparator in ('>=', '<=', '=', '<')),
    threshold double not null,
    unit varchar,
    applies_to varchar,
    rule varchar,
    source varchar not null,
    source_url varchar,
    caveat varchar not null,
    acceptance_year integer not null,
    sort_order integer not null,
    -- the plan indicator measuring the same quantity (asked once, in the unit's workbook): the criterion
    -- takes its value where the school and kindergarten rows do not give one (measure 'indicator': always)
    indicator_code varchar
);

-- 敖汉旗's township-level division (data/raw/reference/townships.csv), with its edition: the 现行 names
-- (统计用区划代码 2023) and the former ones (已更名: `now` is the current name; 已撤销).
create table townships (
    township varchar primary key,
    kind varchar not null check (kind in ('镇', '乡', '苏木', '街道', '园区')),
    note varchar,
    source varchar,
    source_url varchar,
    code varchar,
    edition integer,
    status varchar not null check (status in ('现行', '已更名', '已撤销')),
    now varchar,
    -- a current 镇, 乡 or 苏木: PH_04 asks each for a 公办中心园 (not the 街道 or the industrial park)
    centre_required boolean not null
);

-- How a two-stage school's shared facilities are split between its stages (weights per student).
create table stage_split (
    school_type varchar not null,
    stage varchar not null,
    weight double not null,
    source varchar
);

create table school_parameters (
    name varchar primary key,
    value double not null
);

-- One row per accepted school-level workbook (its submission is in `submissions`).
create table school_workbooks (
    submission_id integer primary key,
    year integer not null,
    n_schools integer not null,
    n_kindergartens integer not null,
    n_school_rows integer not null,
    n_county_items integer not null
);

-- The register as each workbook states it: schools (学校名录) and kindergartens (幼儿园).
create table school_register (
    submission_id integer not null,
    year integer not null,
    school_id varchar not null,
    kind varchar not null check (kind in ('school', 'kindergarten')),
    name varchar not null,
    township varchar not null,
    area_type varchar not null,
    school_type varchar not null,
    stages varchar[] not null,
    ownership varchar not null,
    change varchar,
    merged_from varchar[],
    note varchar,
    sheet_row integer
);

-- 学校: the counts typed per school and stage (学段 小学/初中/高中, or 全校共用 for shared facilities).
create table school_counts (
    submission_id integer not null,
    year integer not null,
    school_id varchar not null,
    stage varchar not null,
    students integer,
    classes integer,
    max_class integer,
    qualified_teachers integer,
    backbone_teachers integer,
    pe_art_teachers integer,
    teaching_area double,
    sports_area double,
    equipment_value double,  -- 万元
    multimedia_rooms integer,
    music_rooms integer,
    art_rooms integer,
    graduates integer,
    cohort_entrants integer,
    music_room_area double,  -- the school's smallest music room (issue 19)
    art_room_area double,  -- its smallest art room
    -- students per grade (issue 23, optional): a 小学 row's 一—六年级, a 初中 row's 七—九年级
    grade_1 integer,
    grade_2 integer,
    grade_3 integer,
    grade_4 integer,
    grade_5 integer,
    grade_6 integer,
    grade_7 integer,
    grade_8 integer,
    grade_9 integer,
    note varchar,
    sheet_row integer
);

-- 幼儿园: the counts typed per kindergarten.
create table kindergarten_counts (
    submission_id integer not null,
    year integer not null,
    school_id varchar not null,
    children integer,
    classes integer,
    oversize_classes integer,
    teachers integer,
    certified_teachers integer,
    staff integer,
    is_centre boolean,  -- 乡镇中心园 (PH_04)
    heads integer,  -- 园长 (PH_11)
    certified_heads integer,
    design_year integer,  -- the year its premises were planned and designed (PH_14, PH_15)
    outdoor_area double,  -- 室外游戏场地 ㎡
    activity_area double,  -- 幼儿活动用房 ㎡
    building_area double,  -- 园舍建筑面积 ㎡
    note varchar,
    sheet_row integer
);

-- 全旗指标: the county-wide items and inputs (a percent as 95, 是/否 as 1/0).
create table county_items (
    submission_id integer not null,
    year integer not null,
    item_code varchar not null,
    value double not null,
    note varchar,
    sheet_row integer
);

-- Readiness toward the acceptance year: scheme × criterion × as-of year (with and without demo data).
create table readiness (
    as_of_year integer not null,
    include_demo boolean not null,
    scheme varchar not null,
    criterion_id varchar not null,
    scope varchar,
    part varchar,
    name varchar,
    stage varchar,
    comparator varchar,
    threshold double,
    unit varchar,
    acceptance_year integer,
    value double,
    latest_year integer,
    baseline_value double,
    baseline_year integer,
    required_per_year double,
    actual_per_year double,
    progress_ratio double,
    projected_value double,
    status varchar not null,
    status_label varchar not null,
    status_group varchar not null,
    detail varchar,
    is_demo boolean,
    sort_order integer,
    basis varchar  -- what the latest value was computed from: 逐校数据, 逐园数据, 全旗指标, 指标数据：…
);

-- The workbooks that are not a unit's yearly indicator workbook: the school and kindergarten workbook and the
-- planning workbook (issue 23). Neither counts as a unit's yearly report (receipts, coverage, online entry).
create view special_workbooks as
select submission_id, year, 'school' as kind from school_workbooks
union all
select submission_id, year, 'plan' as kind from plan_workbooks;
