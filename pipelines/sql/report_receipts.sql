-- Unit × year a yearly workbook is owed for, with what has come of it (the school workbook aside): how many
-- workbooks are approved, pending review or returned (withdrawn ones are not counted), the latest received,
-- the reason of the latest return, and the state: 'approved' (one counts), else 'pending', else 'returned'
-- (the unit must send it again), else 'missing'. Created with the school schema (it reads special_workbooks:
-- the school and the planning workbooks are not a unit's yearly report).
create or replace macro report_receipts(include_demo) as table
with

books as (
    select s.unit, s.year, s.submission_id, s.received_at, s.review_status, s.review_note
    from submissions as s
    where not s.withdrawn and (include_demo or not s.is_demo)
      and s.submission_id not in (select submission_id from special_workbooks)
),

per_unit_year as (
    select
        unit,
        year,
        count(*) filter (where review_status = 'approved') as n_approved,
        count(*) filter (where review_status = 'pending') as n_pending,
        count(*) filter (where review_status = 'returned') as n_returned,
        max(received_at) as last_received,
        arg_max(review_note, submission_id) filter (where review_status = 'returned') as returned_note
    from books
    group by unit, year
),

final as (
    select
        e.unit,
        e.year,
        coalesce(p.n_approved, 0) as n_approved,
        coalesce(p.n_pending, 0) as n_pending,
        coalesce(p.n_returned, 0) as n_returned,
        p.last_received,
        p.returned_note,
        case
            when p.n_approved > 0 then 'approved'
            when p.n_pending > 0 then 'pending'
            when p.n_returned > 0 then 'returned'
            else 'missing'
        end as state
    from expected_reports() as e
    left join per_unit_year as p using (unit, year)
)

select * from final;
