-- criterion × year: the value each criterion that decides an acceptance is judged on — an indicator's
-- 校际差异系数, the share of schools meeting the ≥6-of-7 rule (schools whose missing values could still
-- decide it left out), a county-wide item's value; `basis` says what it was computed from (逐校数据, 逐园数据,
-- 全旗指标, or 指标数据：… — a plan indicator's county figure where the rows give none). Stored with and without demo workbooks
-- (readiness_values) and refreshed with the readiness table, which assesses these series.
create or replace macro readiness_value_rows(include_demo) as table
with

dispersion as (
    select cv_criterion_id as criterion_id, year, cv as value, '逐校数据' as basis, is_demo
    from criterion_dispersion_values(include_demo)
    where cv is not null
),

rule as (
    select
        c.criterion_id,
        k.year,
        100.0 * count(*) filter (where k.rule_status = 'pass') / count(*) as value,
        '逐校数据' as basis,
        bool_or(k.is_demo) as is_demo
    from school_compliance_values(include_demo) as k
    join criteria as c on c.scope = 'rule' and c.measure = 'min_met' and c.stage = k.stage
    where k.rule_status <> 'no_data'
    group by c.criterion_id, k.year
),

county as (
    select criterion_id, year, value, basis, is_demo
    from county_criterion_values(include_demo)
),

final as (
    select * from dispersion
    union all
    select * from rule
    union all
    select * from county
)

select * from final;

create table readiness_values as
select true as with_demo, * from readiness_value_rows(true) limit 0;
