-- Plan indicator × year: a rate of the plan that the school and kindergarten rows also give (在园幼儿入公办园率,
-- 普惠性幼儿园覆盖率, 初中三年巩固率, 学前三年毛入园率: criteria.indicator_code), derived from the rows beside the county value
-- the unit reported in its yearly workbook. A difference beyond the tolerance (school_parameters) is a
-- data-quality finding: neither value overrides the other.
create or replace macro plan_cross_check_values(include_demo) as table
with

pairs as (
    -- a criterion derived from the rows and linked to the plan indicator measuring the same (criteria.csv)
    select indicator_code, measure
    from criteria
    where indicator_code is not null and measure not in ('reported', 'indicator')
),

derived as (
    select p.indicator_code, m.year, m.value, m.is_demo
    from pairs as p
    join county_measure_values(include_demo) as m using (measure)
),

reported as (
    select indicator_code, year, value, derivation, is_demo
    from latest_values(include_demo)
),

tolerance as (
    select value from school_parameters where name = 'cross_check_tolerance'
),

final as (
    select
        d.indicator_code,
        i.name,
        d.year,
        d.value as derived_value,
        r.value as reported_value,
        d.value - r.value as difference,
        case when r.value is null then null else abs(d.value - r.value) <= (select value from tolerance) + 1e-9 end
            as agrees,
        (select value from tolerance) as tolerance,
        r.derivation as reported_derivation,
        d.is_demo or coalesce(r.is_demo, false) as is_demo
    from derived as d
    join indicators as i using (indicator_code)
    left join reported as r using (indicator_code, year)
)

select * from final;

create or replace view plan_cross_checks as
select * from plan_cross_check_values(true);
