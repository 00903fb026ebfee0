-- Each task's latest reported status: the report for the latest year (up to max_year), and of that
-- year the latest workbook (any of the task's lead units) of those that count (approved, not withdrawn).
create or replace macro task_progress_latest(include_demo, max_year := 9999) as table
with

live as (
    select p.*, s.unit, s.year, s.received_at, s.is_demo
    from task_progress as p
    join counted_submissions(include_demo) as s using (submission_id)
    where s.year <= max_year
),

final as (
    select task_no, status, status_code, note, submission_id, unit as reported_by, year as reported_year,
        received_at as reported_at, is_demo
    from live
    qualify row_number() over (partition by task_no order by year desc, submission_id desc) = 1
)

select * from final;

create or replace view latest_task_progress as
select * from task_progress_latest(true);
