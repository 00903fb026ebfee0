-- indicator × year, the current value: the latest approved report (not withdrawn), else a count of the school
-- register (method 'register', derivation 'register'), else derived from its parts. `source` and
-- `source_date`: where an input of another office came from (公安, 残联, 财政 …); a rate derived from its parts
-- names its parts' sources.
-- latest_values(include_demo) leaves demo workbooks out when asked; the view includes them.
create or replace macro latest_values(include_demo) as table
with

typed as (
    select indicator_code, year, value, submission_id, note, is_demo, source, source_date
    from reported_values(include_demo)
),

registered as (
    -- an older workbook's typed count (loaded with a warning) stands for its year
    select c.indicator_code, c.year, c.value, c.submission_id, c.note, c.is_demo,
        null::varchar as source, null::varchar as source_date
    from register_counts(include_demo) as c
    anti join typed using (indicator_code, year)
),

reported as (
    select * from typed
    union all
    select * from registered
),

rates_from_parts as (
    select
        i.indicator_code,
        n.year,
        100.0 * n.value / d.value as value,
        greatest(n.submission_id, d.submission_id) as submission_id,
        '由分子、分母计算' as note,
        n.is_demo or d.is_demo as is_demo,
        nullif(concat_ws('；',
            case when n.source is not null or n.source_date is not null then
                ni.name || '：' || coalesce(n.source, '来源未注明') || coalesce('（' || n.source_date || '）', '') end,
            case when d.source is not null or d.source_date is not null then
                di.name || '：' || coalesce(d.source, '来源未注明') || coalesce('（' || d.source_date || '）', '') end
        ), '') as source,
        null::varchar as source_date
    from indicators as i
    join reported as n on n.indicator_code = i.numerator
    join reported as d on d.indicator_code = i.denominator and d.year = n.year
    join indicators as ni on ni.indicator_code = i.numerator
    join indicators as di on di.indicator_code = i.denominator
    where i.method = 'rate' and d.value > 0
),

structure_first_share as (
    select
        indicator_code,
        year,
        share_of_ten as value,
        submission_id,
        '由各部分数量计算（首项占比，按合计10折算）' as note,
        is_demo,
        null::varchar as source,
        null::varchar as source_date
    from structure_parts(include_demo)
    where part_no = 1
),

derived as (
    select * from rates_from_parts
    union all
    select * from structure_first_share
),

final as (
    select indicator_code, year, value, submission_id, note, is_demo, 'reported' as derivation, source, source_date
    from typed
    union all
    select indicator_code, year, value, submission_id, note, is_demo, 'register' as derivation, source, source_date
    from registered
    union all
    select d.indicator_code, d.year, d.value, d.submission_id, d.note, d.is_demo, 'derived' as derivation, d.source,
        d.source_date
    from derived as d
    anti join reported as r using (indicator_code, year)
)

select * from final;

create or replace view latest_observations as
select * from latest_values(true);
