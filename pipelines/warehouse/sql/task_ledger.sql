-- The task ledger as of a date: units, deadlines, latest status, overdue and discrepancy flags.
-- Done (the one rule every page counts by): reported 已完成, or 常态化推进 for a task that is also
-- 长期坚持 (its dated part is finished and it has become routine). Overdue: a dated milestone passed
-- and the task not done. Only reports for years up to report_year count (a ledger for 2024 shows
-- nothing sent for 2025). A milestone may be the body's (source 'body': its 完成时限 for a task the attachment
-- leaves 长期坚持, issue 19): it counts for overdue like the attachment's, and the ledger says so.
create or replace macro task_ledger(as_of, include_demo := true, report_year := 9999) as table
with

units as (
    select
        task_no,
        string_agg(unit, '、' order by unit) filter (where role = 'lead') as lead_units,
        string_agg(unit, '、' order by unit) filter (where role = 'responsible') as responsible_units
    from task_units
    group by task_no
),

milestones as (
    select
        task_no,
        min(due_date) as first_due,
        max(due_date) as last_due,
        min(due_date) filter (where due_date < as_of) as first_passed,
        count(*) filter (where due_date < as_of) as n_passed,
        string_agg(strftime(due_date, '%Y-%m-%d') || case when source = 'body' then '（正文）' else '' end, '；'
            order by due_date) as due_dates,
        string_agg(strftime(due_date, '%Y-%m-%d'), '；' order by due_date) filter (where source = 'body') as body_due_dates,
        count(*) filter (where due_date < as_of and source = 'attachment') as n_passed_attachment
    from task_deadlines
    group by task_no
),

flags as (
    select
        task_no,
        count(*) as n_discrepancies,
        count(*) filter (where severity = 'substantive') as n_substantive,
        string_agg(note, '；') as discrepancy_notes
    from discrepancies
    group by task_no
),

final as (
    select
        t.task_no,
        t.section_no,
        s.title as section_title,
        t.key_task_no,
        k.title as key_task_title,
        t.text,
        u.lead_units,
        u.responsible_units,
        t.deadline_text,
        t.ongoing,
        m.due_dates,
        m.first_due,
        m.last_due,
        p.status as latest_status,
        p.status_code as latest_status_code,
        p.note as latest_note,
        p.reported_year,
        p.reported_at,
        p.is_demo,
        d.done as milestone_done,
        d.done,
        coalesce(m.n_passed, 0) > 0 and not d.done as overdue,
        m.first_passed as overdue_since,
        m.body_due_dates,
        case when coalesce(m.n_passed, 0) > 0 and not d.done
            then (case when m.n_passed_attachment > 0 then 'attachment' else 'body' end) end as overdue_by,
        coalesce(f.n_discrepancies, 0) > 0 as has_discrepancy,
        coalesce(f.n_substantive, 0) > 0 as has_substantive_discrepancy,
        f.discrepancy_notes
    from tasks as t
    join sections as s using (section_no)
    join key_tasks as k using (key_task_no)
    left join units as u using (task_no)
    left join milestones as m using (task_no)
    left join task_progress_latest(include_demo, report_year) as p using (task_no)
    left join flags as f using (task_no)
    cross join lateral (
        select coalesce(p.status_code, '') = 'done' or (t.ongoing and coalesce(p.status_code, '') = 'ongoing') as done
    ) as d
)

select * from final order by task_no
