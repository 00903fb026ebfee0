-- Every target's status as of the latest year with data (the assessments hold every as-of year,
-- with and without demo workbooks; this view is the one with them).
create or replace view target_status as
with

latest_year as (
    select coalesce(max(o.year), (select baseline_year from plan_calendar)) as as_of_year
    from observations as o
    join submissions as s using (submission_id)
    where not s.withdrawn
),

final as (
    select a.*
    from target_assessments as a
    join latest_year using (as_of_year)
    where a.include_demo
)

select * from final
