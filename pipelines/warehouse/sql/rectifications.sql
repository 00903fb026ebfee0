-- 整改说明: each target's latest explanation (原因分析, 整改措施, 计划完成时间) from the workbooks that count
-- (counted_submissions), of years up to max_year: the latest year's, and of that year the latest workbook.
create or replace macro rectification_latest(include_demo, max_year := 9999) as table
with

answers as (
    select r.target_id, r.reason, r.measures, r.planned_by, r.planned_text, s.unit, s.year, s.submission_id, s.is_demo
    from rectifications as r
    join counted_submissions(include_demo) as s using (submission_id)
    where s.year <= max_year
),

final as (
    select *
    from answers
    qualify row_number() over (partition by target_id order by year desc, submission_id desc) = 1
)

select * from final;
