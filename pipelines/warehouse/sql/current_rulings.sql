-- The ruling that stands for each ruled target: the last of the log (target_rulings.ruling_no), with who made
-- it, when and why (issue 19; pipelines/rulings.py).
create or replace view current_rulings as
with

numbered as (
    select
        *,
        row_number() over (partition by target_id order by ruling_no desc) as latest_first
    from target_rulings
),

final as (
    select target_id, text, ruled_at, ruled_by, reason, ruling_no
    from numbered
    where latest_first = 1
)

select * from final
