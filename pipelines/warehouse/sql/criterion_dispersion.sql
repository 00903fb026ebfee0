-- Stage × indicator × year: the 校际差异系数 (coefficient of variation across schools), student-weighted
-- as the published worked examples compute it: with P_i the students of school i, P the county's, X_i
-- the school's value and X̄ the county value (total resource ÷ total students, the weighted mean):
-- S = √(Σ P_i/P · (X_i − X̄)²), CV = S / X̄. Over the schools in scope that have a value.
create or replace macro criterion_dispersion_values(include_demo) as table
with

indicators as (
    select * from stored_school_indicators(include_demo)
    where in_scope and value is not null and students > 0
),

county as (
    select
        stage,
        criterion_id,
        year,
        sum(students) as students,
        count(*) as n_schools,
        -- ordered sums: the same bits at every rebuild (a parallel sum of doubles is not)
        sum(value * students order by school_id) / sum(students) as county_value,
        bool_or(is_demo) as is_demo
    from indicators
    group by stage, criterion_id, year
),

spread as (
    select
        i.stage,
        i.criterion_id,
        i.year,
        sqrt(sum(i.students / c.students * (i.value - c.county_value) ^ 2 order by i.school_id)) as std_dev
    from indicators as i
    join county as c using (stage, criterion_id, year)
    group by i.stage, i.criterion_id, i.year
),

missing as (
    select stage, criterion_id, year, count(*) as n_missing
    from stored_school_indicators(include_demo)
    where in_scope and value is null
    group by stage, criterion_id, year
),

final as (
    select
        c.stage,
        c.criterion_id,
        c.year,
        s.std_dev / nullif(c.county_value, 0) as cv,
        l.threshold as cv_limit,
        s.std_dev / nullif(c.county_value, 0) <= l.threshold + 1e-9 as met,
        l.criterion_id as cv_criterion_id,
        k.name as indicator,
        k.unit,
        c.county_value,
        s.std_dev,
        c.students,
        c.n_schools,
        coalesce(m.n_missing, 0) as n_missing,
        c.is_demo
    from county as c
    join spread as s using (stage, criterion_id, year)
    join criteria as k on k.criterion_id = c.criterion_id
    join criteria as l on l.scope = 'dispersion' and l.applies_to = c.criterion_id
    left join missing as m using (stage, criterion_id, year)
)

select * from final;

create or replace view criterion_dispersion as
select * from criterion_dispersion_values(true);
