-- Each indicator's yearly values with the running total since the plan began (for counts to create).
create or replace macro series_values(include_demo) as table
with

calendar as (
    select start_year from plan_calendar
),

final as (
    select
        l.*,
        case when l.year >= c.start_year then
            sum(case when l.year >= c.start_year then l.value end)
                over (partition by l.indicator_code order by l.year rows between unbounded preceding and current row)
        end as cumulative_value
    from latest_values(include_demo) as l, calendar as c
)

select * from final;

create or replace view indicator_series as
select * from series_values(true);
