-- The workbooks that count: approved by a reviewer (审核通过), not withdrawn, demo ones only when asked.
-- Every reader of reported data goes through this macro (live_observations, task_progress_latest,
-- year_coverage, school_books, rectification_latest), so that a pending or returned workbook is
-- never counted anywhere. Of the workbooks that count, the one received last gives each value.
create or replace macro counted_submissions(include_demo) as table
    select *
    from submissions
    where review_status = 'approved' and not withdrawn and (include_demo or not is_demo);
