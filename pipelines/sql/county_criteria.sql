-- County criterion × year: every county-wide criterion's value (derived from the school and
-- kindergarten rows, or as 旗教育局 typed it in 全旗指标) and whether it meets its threshold.
create or replace macro county_criterion_values(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

county_criteria as (
    select * from criteria where scope = 'county'
),

derived as (
    select c.criterion_id, m.year, m.value, 'derived' as source, m.is_demo
    from county_criteria as c
    join county_measure_values(include_demo) as m on m.measure = c.measure
),

reported as (
    select c.criterion_id, i.year, i.value, 'reported' as source, b.is_demo
    from county_criteria as c
    join county_items as i on i.item_code = c.criterion_id
    join books as b using (submission_id)
    where c.measure = 'reported'
),

final as (
    select
        c.scheme,
        c.criterion_id,
        v.year,
        v.value,
        c.threshold,
        c.comparator,
        case
            when c.comparator = '>=' then v.value >= c.threshold - 1e-9
            when c.comparator = '<=' then v.value <= c.threshold + 1e-9
            else abs(v.value - c.threshold) < 1e-9
        end as met,
        v.source,
        c.part,
        c.name,
        c.stage,
        c.unit,
        v.is_demo
    from county_criteria as c
    join (select * from derived union all select * from reported) as v using (criterion_id)
)

select * from final;

create or replace view county_criteria as
select * from county_criterion_values(true);
