-- A structure's parts per year (高:中:初, 职:普) as counts and as shares of a total of 10.
create or replace view structure_shares as
with

live_observations as (
    select o.*, s.is_demo
    from observations as o
    join submissions as s using (submission_id)
    where not s.withdrawn
),

reported as (
    select indicator_code, year, value, submission_id, is_demo
    from live_observations
    qualify row_number() over (partition by indicator_code, year order by submission_id desc) = 1
),

parts as (
    select i.indicator_code, p.part_code, p.part_no
    from indicators as i,
        unnest(i.parts) with ordinality as p(part_code, part_no)
    where i.method = 'structure'
),

counts as (
    select p.indicator_code, p.part_code, p.part_no, r.year, r.value as count, r.submission_id, r.is_demo
    from parts as p
    join reported as r on r.indicator_code = p.part_code
),

complete_years as (
    -- Shares only where every part was reported that year.
    select indicator_code, year, sum(count) as total, max(submission_id) as submission_id, bool_or(is_demo) as is_demo
    from counts
    group by indicator_code, year
    having count(*) = (select len(parts) from indicators as i where i.indicator_code = counts.indicator_code)
        and sum(count) > 0
),

final as (
    select
        c.indicator_code,
        c.year,
        c.part_code,
        c.part_no,
        c.count,
        10.0 * c.count / y.total as share_of_ten,
        y.submission_id,
        y.is_demo
    from counts as c
    join complete_years as y using (indicator_code, year)
)

select * from final
