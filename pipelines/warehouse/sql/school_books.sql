-- The school-level workbook that counts for each year: the latest one received of those that count
-- (approved, not withdrawn; demo ones only when asked: counted_submissions). A later workbook for a year
-- restates the whole year: register and counts.
create or replace macro school_books(include_demo) as table
with

books as (
    select w.submission_id, w.year, s.is_demo, s.file_name, s.received_at
    from school_workbooks as w
    join counted_submissions(include_demo) as s using (submission_id)
),

final as (
    select *
    from books
    qualify row_number() over (partition by year order by submission_id desc) = 1
)

select * from final;
