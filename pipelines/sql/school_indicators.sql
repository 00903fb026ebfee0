-- School × stage × indicator × year: the 7 resource indicators of 义务教育优质均衡 (教督〔2017〕6号),
-- derived from the typed counts (never typed themselves), against each criterion's threshold.
-- level: met; near (not met, but at least the floor, 85%, of the threshold); below; no_data;
-- out_of_scope (a 教学点 under the minimum students, YZ_SCOPE). shortfall: what is missing at today's
-- enrolment, in physical units (teachers and rooms rounded up to whole ones), to meet the threshold;
-- shortfall_to_floor: to reach the floor.
create or replace macro school_indicator_values(include_demo) as table
with

stages as (
    select * from school_stage_counts(include_demo) where stage in ('小学', '初中')
),

register as (
    select school_id, year, name, township, area_type, stage as school_type, ownership
    from school_register_current(include_demo)
    where kind = 'school'
),

resources(measure, resource, resource_unit, unit_factor, whole, per) as (
    values
        ('qualified_per100', '高于规定学历教师', '人', 1.0, true, 100.0),
        ('backbone_per100', '县级以上骨干教师', '人', 1.0, true, 100.0),
        ('pe_art_per100', '体育、艺术专任教师', '人', 1.0, true, 100.0),
        ('teaching_area_per_student', '教学及辅助用房', '㎡', 1.0, false, 1.0),
        ('sports_area_per_student', '体育运动场馆', '㎡', 1.0, false, 1.0),
        ('equipment_per_student', '教学仪器设备值', '万元', 10000.0, false, 1.0),
        ('multimedia_per100', '网络多媒体教室', '间', 1.0, true, 100.0)
),

measures as (
    -- one row per stage and indicator: the amount it is computed from (equipment typed in 万元, judged in 元)
    select
        s.school_id, s.year, s.stage, s.students, s.is_demo, x.*,
        case x.measure
            when 'qualified_per100' then s.qualified_teachers
            when 'backbone_per100' then s.backbone_teachers
            when 'pe_art_per100' then s.pe_art_teachers
            when 'teaching_area_per_student' then s.teaching_area
            when 'sports_area_per_student' then s.sports_area
            when 'equipment_per_student' then s.equipment_value * 10000
            when 'multimedia_per100' then s.multimedia_rooms
        end::double as amount
    from stages as s
    cross join resources as x
),

parameters as (
    select
        max(threshold) filter (where measure = 'floor') / 100.0 as floor,
        max(threshold) filter (where measure = 'min_students') as min_students
    from criteria
    where scope = 'rule'
),

valued as (
    select
        m.school_id,
        m.year,
        m.stage,
        r.name,
        r.township,
        r.area_type,
        r.school_type,
        r.ownership,
        m.is_demo,
        c.criterion_id,
        c.name as indicator,
        c.unit,
        c.comparator,
        c.threshold,
        m.students,
        m.amount,
        m.per,
        m.resource,
        m.resource_unit,
        m.unit_factor,
        m.whole,
        p.floor,
        case when m.students > 0 and m.amount is not null then m.amount * m.per / m.students end as value,
        not (r.school_type = '教学点' and coalesce(m.students, 0) < p.min_students) as in_scope
    from measures as m
    join criteria as c on c.scope = 'school' and c.measure = m.measure and c.stage = m.stage
    join register as r using (school_id, year)
    cross join parameters as p
),

judged as (
    select
        *,
        case
            when value is null then null
            when comparator = '>=' then value >= threshold - 1e-9
            when comparator = '<=' then value <= threshold + 1e-9
            else abs(value - threshold) < 1e-9
        end as met,
        case
            when value is null or threshold = 0 then null
            when comparator = '<=' then threshold / nullif(value, 0)
            else value / threshold
        end as ratio_to_threshold,
        -- the amount the threshold (and the floor) asks for at today's enrolment
        threshold * students / per as required_amount,
        floor * threshold * students / per as floor_amount
    from valued
),

final as (
    select
        school_id,
        stage,
        criterion_id,
        year,
        students,
        value,
        threshold,
        met,
        ratio_to_threshold,
        case
            when value is null then null
            when whole then greatest(0, ceil(required_amount - amount - 1e-9))
            else greatest(0, required_amount - amount) / unit_factor
        end as shortfall,
        case
            when value is null then null
            when whole then greatest(0, ceil(floor_amount - amount - 1e-9))
            else greatest(0, floor_amount - amount) / unit_factor
        end as shortfall_to_floor,
        resource,
        resource_unit as shortfall_unit,
        case
            when not in_scope then 'out_of_scope'
            when value is null then 'no_data'
            when met then 'met'
            when ratio_to_threshold >= floor - 1e-9 then 'near'
            else 'below'
        end as level,
        in_scope,
        indicator,
        unit,
        comparator,
        amount / unit_factor as amount,
        -- the amounts the threshold and the floor ask for at this enrolment, in the resource's unit (the plan's)
        required_amount / unit_factor as required_amount,
        floor_amount / unit_factor as floor_amount,
        name,
        township,
        area_type,
        school_type,
        ownership,
        is_demo
    from judged
)

select * from final;

-- Stored: computed by pipelines.schools.readiness.refresh_readiness after every load, withdrawal and
-- build, with and without demo workbooks (one query plan per refresh instead of one per reader).
create table school_indicator_rows as
select true as with_demo, * from school_indicator_values(true) limit 0;

create or replace macro stored_school_indicators(demo_flag) as table
select * exclude (with_demo) from school_indicator_rows where with_demo = demo_flag;

create or replace view school_indicators as
select * from stored_school_indicators(true);
