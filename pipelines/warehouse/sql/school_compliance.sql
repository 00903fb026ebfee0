-- School × stage × year: the rule of 教督〔2017〕6号 for every school — at least min_met of the 7 indicators
-- met (YZ_PS_RULE / YZ_JH_RULE: 6) and every other one at least the floor (YZ_FLOOR: 85%) of its threshold.
-- rule_status: pass; fail; no_data (missing values could still decide it). must_add: the least a school
-- that fails must add at today's enrolment: every unmet indicator brought to its threshold, except the
-- ones closest to it that the rule lets stay unmet, which are brought to the floor where below it.
create or replace macro school_compliance_values(include_demo) as table
with

indicators as (
    select * from stored_school_indicators(include_demo) where in_scope
),

rules as (
    select stage, threshold as min_met from criteria where scope = 'rule' and measure = 'min_met'
),

counted as (
    select
        school_id,
        year,
        stage,
        any_value(name) as name,
        any_value(township) as township,
        any_value(area_type) as area_type,
        any_value(school_type) as school_type,
        any_value(students) as students,
        bool_or(is_demo) as is_demo,
        count(*) as n_indicators,
        count(*) filter (where level = 'met') as n_met,
        count(*) filter (where level = 'near') as n_near,
        count(*) filter (where level = 'below') as n_below,
        count(*) filter (where level = 'no_data') as n_no_data
    from indicators
    group by school_id, year, stage
),

judged as (
    select
        c.*,
        r.min_met,
        case
            when c.n_met >= r.min_met and c.n_below = 0 and c.n_no_data = 0 then 'pass'
            when c.n_below > 0 or c.n_met + c.n_no_data < r.min_met then 'fail'
            else 'no_data'
        end as rule_status
    from counted as c
    join rules as r using (stage)
),

unmet as (
    select
        i.*,
        j.n_indicators - j.min_met as allowed_unmet,
        row_number() over (partition by i.school_id, i.year, i.stage
                           order by i.ratio_to_threshold desc, i.criterion_id) as closeness
    from indicators as i
    join judged as j using (school_id, year, stage)
    where i.level in ('near', 'below')
),

fixes as (
    select
        school_id,
        year,
        stage,
        criterion_id,
        resource,
        shortfall_unit,
        case when closeness <= allowed_unmet then shortfall_to_floor else shortfall end as must_add
    from unmet
),

texts as (
    select
        school_id,
        year,
        stage,
        list({'criterion_id': criterion_id, 'resource': resource, 'amount': must_add, 'unit': shortfall_unit}
             order by criterion_id) as must_add,
        string_agg(
            '需增加' || resource
            || case when shortfall_unit = '万元' then format('{:,.1f}', must_add)
                    else format('{:,.0f}', ceil(must_add)) end
            || shortfall_unit,
            '；' order by criterion_id) as must_add_text
    from fixes
    where must_add > 0
    group by school_id, year, stage
),

final as (
    select
        j.school_id,
        j.stage,
        j.year,
        j.name,
        j.township,
        j.area_type,
        j.school_type,
        j.students,
        j.n_indicators,
        j.n_met,
        j.n_near,
        j.n_below,
        j.n_no_data,
        j.min_met,
        j.rule_status,
        j.rule_status = 'pass' as passes,
        case when j.rule_status = 'fail' then t.must_add end as must_add,
        case when j.rule_status = 'fail' then t.must_add_text end as must_add_text,
        j.is_demo
    from judged as j
    left join texts as t using (school_id, year, stage)
)

select * from final;

create or replace view school_compliance as
select * from school_compliance_values(true);
