-- indicator × year, the current value: the latest approved report (not withdrawn), else a count of the school
-- register (method 'register', derivation 'register'), else derived from its parts.
-- latest_values(include_demo) leaves demo workbooks out when asked; the view includes them.
create or replace macro latest_values(include_demo) as table
with

typed as (
    select * from reported_values(include_demo)
),

registered as (
    -- an older workbook's typed count (loaded with a warning) stands for its year
    select c.* from register_counts(include_demo) as c anti join typed using (indicator_code, year)
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
        n.is_demo or d.is_demo as is_demo
    from indicators as i
    join reported as n on n.indicator_code = i.numerator
    join reported as d on d.indicator_code = i.denominator and d.year = n.year
    where i.method = 'rate' and d.value > 0
),

structure_first_share as (
    select
        indicator_code,
        year,
        share_of_ten as value,
        submission_id,
        '由各部分数量计算（首项占比，按合计10折算）' as note,
        is_demo
    from structure_parts(include_demo)
    where part_no = 1
),

derived as (
    select * from rates_from_parts
    union all
    select * from structure_first_share
),

final as (
    select indicator_code, year, value, submission_id, note, is_demo, 'reported' as derivation
    from typed
    union all
    select indicator_code, year, value, submission_id, note, is_demo, 'register' as derivation
    from registered
    union all
    select d.indicator_code, d.year, d.value, d.submission_id, d.note, d.is_demo, 'derived' as derivation
    from derived as d
    anti join reported as r using (indicator_code, year)
)

select * from final;

create or replace view latest_observations as
select * from latest_values(true);
