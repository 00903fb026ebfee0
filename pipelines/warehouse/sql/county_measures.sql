-- measure × year: the county-wide figures derived from the school and kindergarten rows (never typed),
-- with the inputs they need (3—5周岁常住人口数 for 毛入园率: the plan indicator KG_AGE_POP). One row per
-- measure and year that has the rows it needs.
create or replace macro county_measure_values(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

register as (
    select * from school_register_current(include_demo)
),

typed as (
    select c.* from school_counts as c join books as b using (submission_id)
),

stage_rows as (
    select t.*, r.stage as school_type
    from typed as t
    join register as r on r.school_id = t.school_id and r.year = t.year and r.kind = 'school'
    where t.stage in ('小学', '初中')
),

school_totals as (
    -- per school: compulsory students, classes, and its music and art rooms (on any of its rows)
    select
        t.school_id,
        t.year,
        any_value(r.stage) as school_type,
        sum(t.students) filter (where t.stage in ('小学', '初中')) as students,
        sum(t.classes) filter (where t.stage in ('小学', '初中', '高中')) as classes,
        sum(t.music_rooms) as music_rooms,
        sum(t.art_rooms) as art_rooms,
        min(t.music_room_area) as music_room_area,  -- the school's smallest music room, on any of its rows
        min(t.art_room_area) as art_room_area
    from typed as t
    join register as r on r.school_id = t.school_id and r.year = t.year and r.kind = 'school'
    group by t.school_id, t.year
),

kindergartens as (
    select k.*, r.ownership, r.township
    from kindergarten_counts as k
    join books as b using (submission_id)
    join register as r on r.school_id = k.school_id and r.year = k.year and r.kind = 'kindergarten'
),

population as (
    -- 3—5周岁常住人口数: the denominator of 毛入园率's plan indicator (KG_AGE_POP, asked once in the unit's
    -- workbook since issue 18), else an older school workbook's 全旗指标 input POP_3_5 (kept loadable)
    select year, arg_min(value, priority) as value
    from (
        select year, value, 1 as priority
        from latest_values(include_demo)
        where indicator_code = (select i.denominator from criteria as c join indicators as i using (indicator_code)
                                where c.measure = 'kg_gross_enrolment')
        union all
        select i.year, i.value, 2 as priority
        from county_items as i join books as b using (submission_id)
        where i.item_code = 'POP_3_5'
    )
    group by year
),

per_room as (
    select value from school_parameters where name = 'classes_per_music_art_room'
),

measures as (
    select year, 'rooms_share' as measure,
        100.0 * count(*) filter (where least(music_rooms, art_rooms) * (select value from per_room) >= classes)
            / count(*) as value
    from school_totals
    where classes > 0 and music_rooms is not null and art_rooms is not null
    group by year

    union all
    -- 每间音乐专用教室不小于96㎡、美术专用教室不小于90㎡: every room is, when the county's smallest is
    select year, 'min_music_room_area', min(music_room_area)
    from school_totals
    group by year
    having count(music_room_area) > 0

    union all
    select year, 'min_art_room_area', min(art_room_area)
    from school_totals
    group by year
    having count(art_room_area) > 0

    union all
    select year, 'max_school_size_single', max(students)
    from school_totals
    where school_type in ('小学', '教学点', '初中', '完全中学')
    group by year

    union all
    select year, 'max_school_size_nine', max(students)
    from school_totals
    where school_type in ('九年一贯制', '十二年一贯制')
    group by year

    union all
    select year, 'max_class_ps', max(max_class) from stage_rows where stage = '小学' group by year having count(max_class) > 0

    union all
    select year, 'max_class_jh', max(max_class) from stage_rows where stage = '初中' group by year having count(max_class) > 0

    union all
    select year, 'jh_retention', 100.0 * sum(graduates) / sum(cohort_entrants)
    from stage_rows
    where stage = '初中' and graduates is not null and cohort_entrants is not null
    group by year
    having sum(cohort_entrants) > 0

    union all
    select k.year, 'kg_gross_enrolment', 100.0 * sum(k.children) / any_value(p.value)
    from kindergartens as k
    join population as p on p.year = k.year
    where p.value > 0
    group by k.year

    union all
    select year, 'kg_inclusive_share',
        100.0 * sum(children) filter (where ownership in ('公办', '普惠性民办')) / sum(children)
    from kindergartens
    group by year
    having sum(children) > 0

    union all
    select year, 'kg_public_share', 100.0 * coalesce(sum(children) filter (where ownership = '公办'), 0) / sum(children)
    from kindergartens
    group by year
    having sum(children) > 0

    union all
    -- the current 乡镇苏木 (镇, 乡, 苏木 of townships.csv; not the 街道 or the industrial park) with a 公办中心园; a
    -- year whose rows never say 是否乡镇中心园 (an earlier template) has no value
    select y.year, 'kg_township_centre',
        100.0 * count(distinct k.township) filter (where k.ownership = '公办' and k.is_centre)
            / (select count(*) from townships where centre_required)
    from (select year from kindergartens group by year having count(is_centre) > 0) as y
    left join kindergartens as k on k.year = y.year
        and k.township in (select township from townships where centre_required)
    where (select count(*) from townships where centre_required) > 0
    group by y.year

    union all
    select year, 'kg_class_compliance', 100.0 * (sum(classes) - sum(oversize_classes)) / sum(classes)
    from kindergartens
    where classes is not null and oversize_classes is not null
    group by year
    having sum(classes) > 0

    union all
    select year, 'kg_children_per_teacher', sum(children) / sum(teachers)
    from kindergartens
    where teachers is not null
    group by year
    having sum(teachers) > 0

    union all
    -- 园长、专任教师持证上岗率: the kindergartens that give all four counts
    select year, 'kg_certified_share',
        100.0 * (sum(certified_teachers) + sum(certified_heads)) / (sum(teachers) + sum(heads))
    from kindergartens
    where teachers is not null and certified_teachers is not null and heads is not null and certified_heads is not null
    group by year
    having sum(teachers) + sum(heads) > 0

    union all
    -- 园舍条件达标率: of the kindergartens designed from 2017 ('new') and before ('old'), those meeting all three
    -- per-child areas; a kindergarten whose missing figures could still decide it is left out
    select year, 'kg_premises_' || design_group,
        100.0 * count(*) filter (where premises_status = 'pass') / count(*)
    from kindergarten_premise_values(include_demo)
    where design_group is not null and premises_status <> 'no_data'
    group by year, design_group
),

final as (
    select m.measure, m.year, m.value, b.is_demo
    from measures as m
    join books as b using (year)
    where m.value is not null
)

select * from final;
