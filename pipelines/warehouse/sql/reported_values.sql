-- The reports that count: workbooks approved and not withdrawn (counted_submissions; demo ones only
-- when asked), the latest per indicator and year.
create or replace macro live_observations(include_demo) as table
    select o.*, s.is_demo, s.unit as reporting_unit
    from observations as o
    join counted_submissions(include_demo) as s using (submission_id);

create or replace macro reported_values(include_demo) as table
    select indicator_code, year, value, submission_id, note, is_demo, source, source_date
    from live_observations(include_demo)
    qualify row_number() over (partition by indicator_code, year order by submission_id desc) = 1;
