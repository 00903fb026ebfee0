-- County criterion × year: every county-wide criterion's value (derived from the school and
-- kindergarten rows, or as 旗教育局 typed it in 全旗指标) and whether it meets its threshold. A criterion
-- linked to a plan indicator (criteria.indicator_code: the same quantity, asked once in the unit's workbook)
-- takes the indicator's value that counts where the rows give none (always, for measure 'indicator').
-- `source` says which: 'derived', 'reported' or 'indicator'; `basis` says it in words for the pages.
create or replace macro county_criterion_values(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

county_criteria as (
    select * from criteria where scope = 'county'
),

derived as (
    select c.criterion_id, m.year, m.value, 'derived' as source,
        case when c.stage = '幼儿园' or c.measure like 'kg\_%' escape '\' then '逐园数据' else '逐校数据' end as basis,
        m.is_demo, 1 as priority
    from county_criteria as c
    join county_measure_values(include_demo) as m on m.measure = c.measure
),

reported as (
    select c.criterion_id, i.year, i.value, 'reported' as source, '全旗指标' as basis, b.is_demo, 1 as priority
    from county_criteria as c
    join county_items as i on i.item_code = c.criterion_id
    join books as b using (submission_id)
    where c.measure = 'reported'
),

plan_indicator as (
    select c.criterion_id, l.year, l.value, 'indicator' as source,
        '指标数据：' || replace(i.name, '（当年新增）', '') || '（' || c.indicator_code || '）' as basis, l.is_demo,
        2 as priority
    from county_criteria as c
    join latest_values(include_demo) as l using (indicator_code)
    join indicators as i using (indicator_code)
),

chosen as (
    -- the rows' value first, the county figure reported in the unit's workbook where they give none
    select * from (select * from derived union all select * from reported union all select * from plan_indicator)
    qualify row_number() over (partition by criterion_id, year order by priority) = 1
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
            when c.comparator = '<' then v.value < c.threshold - 1e-9  -- 低于: the threshold itself is not met
            else abs(v.value - c.threshold) < 1e-9
        end as met,
        v.source,
        v.basis,
        c.indicator_code,
        c.part,
        c.name,
        c.stage,
        c.unit,
        v.is_demo
    from county_criteria as c
    join chosen as v using (criterion_id)
)

select * from final;

create or replace view county_criteria as
select * from county_criterion_values(true);
