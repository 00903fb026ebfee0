-- Kindergarten × year: 园舍条件 (教督〔2020〕1号, 普及普惠 item 6) — 室外游戏场地, 幼儿活动用房 and 园舍建筑面积 per
-- child against the thresholds of criteria.csv's per-kindergarten rows (scope 'kindergarten'); a kindergarten
-- meets them when all three are met ('pass'), fails when one is not ('fail'), and is 'no_data' when what is
-- missing could still decide it. `design_group`: 'new' if its premises were planned and designed in the year of
-- school_parameters' kg_new_design_year (2017) or later, 'old' before, null when the year is not given.
create or replace macro kindergarten_premise_values(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

register as (
    select * from school_register_current(include_demo) where kind = 'kindergarten'
),

thresholds as (
    select
        max(threshold) filter (where measure = 'outdoor_area_per_child') as outdoor_min,
        max(threshold) filter (where measure = 'activity_room_per_child') as activity_min,
        max(threshold) filter (where measure = 'building_area_per_child') as building_min
    from criteria
    where scope = 'kindergarten'
),

split as (
    select value as first_new_year from school_parameters where name = 'kg_new_design_year'
),

per_child as (
    select
        k.school_id,
        k.year,
        r.name,
        r.township,
        r.ownership,
        k.children,
        k.design_year,
        k.outdoor_area / nullif(k.children, 0) as outdoor_per_child,
        k.activity_area / nullif(k.children, 0) as activity_per_child,
        k.building_area / nullif(k.children, 0) as building_per_child,
        b.is_demo
    from kindergarten_counts as k
    join books as b using (submission_id)
    join register as r on r.school_id = k.school_id and r.year = k.year
),

judged as (
    select
        p.*,
        h.outdoor_min,
        h.activity_min,
        h.building_min,
        p.outdoor_per_child >= h.outdoor_min - 1e-9 as outdoor_met,
        p.activity_per_child >= h.activity_min - 1e-9 as activity_met,
        p.building_per_child >= h.building_min - 1e-9 as building_met,
        case
            when p.design_year is null then null
            when p.design_year >= s.first_new_year then 'new'
            else 'old'
        end as design_group
    from per_child as p
    cross join thresholds as h
    cross join split as s
),

final as (
    select
        *,
        case
            when not outdoor_met or not activity_met or not building_met then 'fail'
            when outdoor_met and activity_met and building_met then 'pass'
            else 'no_data'
        end as premises_status
    from judged
)

select * from final;

create or replace view kindergarten_premises as
select * from kindergarten_premise_values(true);
