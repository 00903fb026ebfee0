-- A structure's parts per year (高:中:初, 职:普) as counts and as shares of a total of 10.
create or replace macro structure_parts(include_demo) as table
with

reported as (
    select * from reported_values(include_demo)
),

parts as (
    select i.indicator_code, p.part_code, p.part_no, len(i.parts) as n_parts
    from indicators as i,
        unnest(i.parts) with ordinality as p(part_code, part_no)
    where i.method = 'structure'
),

counts as (
    select p.indicator_code, p.part_code, p.part_no, p.n_parts, r.year, r.value as count, r.submission_id, r.is_demo
    from parts as p
    join reported as r on r.indicator_code = p.part_code
),

complete_years as (
    -- Shares only where every part was reported that year.
    select indicator_code, year, sum(count) as total, max(submission_id) as submission_id, bool_or(is_demo) as is_demo
    from counts
    group by indicator_code, year, n_parts
    having count(*) = n_parts and sum(count) > 0
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

select * from final;

create or replace view structure_shares as
select * from structure_parts(true);
