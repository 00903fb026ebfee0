-- Who owes a workbook for which year, who sent one, and the default as-of year.
-- A unit that reports indicators owes one from the baseline year (2022), a unit that only leads tasks
-- from the plan's first year (2023). A year is covered when more than plan_calendar.default_year_coverage
-- (a half) of the units that owe it and take part (have ever sent a workbook) have sent one for it, so
-- that one unit's early upload does not move every reader to a year the others have not reported.
-- Only workbooks that count do (approved, not withdrawn: counted_submissions).
create or replace macro expected_reports() as table
with

reporters as (
    select
        u.unit,
        exists(select 1 from indicators as i where i.reporter = u.unit) as reports_values
    from units as u
    where exists(select 1 from indicators as i where i.reporter = u.unit)
       or exists(select 1 from task_units as t where t.unit = u.unit and t.role = 'lead')
),

years as (
    select unnest(generate_series(baseline_year, end_year)) as year, baseline_year, start_year
    from plan_calendar
),

final as (
    select r.unit, y.year, r.reports_values
    from reporters as r
    join years as y on y.year >= case when r.reports_values then y.baseline_year else y.start_year end
)

select * from final;

create or replace macro year_coverage(include_demo) as table
with

received as (
    -- the units' yearly workbooks only: 旗教育局's school workbook is another return, not its yearly report
    select distinct unit, year
    from counted_submissions(include_demo) as s
    where not exists(select 1 from special_workbooks as w where w.submission_id = s.submission_id)
),

taking_part as (
    select distinct unit from received
),

counts as (
    select
        e.year,
        count(*) as units_expected,
        count(p.unit) as units_taking_part,
        count(r.unit) as units_reported
    from expected_reports() as e
    left join taking_part as p using (unit)
    left join received as r using (unit, year)
    group by e.year
),

final as (
    select
        *,
        units_reported > 0
            and units_reported > (select default_year_coverage from plan_calendar) * units_taking_part as covered
    from counts
)

select * from final order by year;

-- The latest covered year; else the latest year with any workbook; else the baseline year.
create or replace macro default_as_of_year(include_demo) as (
    select coalesce(
        max(year) filter (where covered),
        max(year) filter (where units_reported > 0),
        (select baseline_year from plan_calendar)
    )
    from year_coverage(include_demo)
);
