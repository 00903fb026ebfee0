-- School × stage × year: the counts typed for the stage, and its facilities: those typed on the stage's
-- own row plus its share of those typed once for the whole school (学段 全校共用). The share is the
-- stage's students times its weight (stage_split, from data/raw/reference/stage_split.csv: 小学 1 :
-- 初中 1.1 in a 九年一贯制 school) over the school's weighted students.
create or replace macro school_stage_counts(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

register as (
    select r.school_id, r.year, r.school_type, b.is_demo
    from school_register as r
    join books as b using (submission_id)
    where r.kind = 'school'
),

typed as (
    select c.*
    from school_counts as c
    join books as b using (submission_id)
),

stage_rows as (
    select t.*, r.school_type, r.is_demo
    from typed as t
    join register as r using (school_id, year)
    where t.stage <> '全校共用'
),

weighted as (
    select
        s.school_id,
        s.year,
        s.stage,
        coalesce(s.students, 0) * coalesce(w.weight, 1.0) as weighted_students
    from stage_rows as s
    left join stage_split as w on w.school_type = s.school_type and w.stage = s.stage
),

shares as (
    select
        school_id,
        year,
        stage,
        weighted_students / nullif(sum(weighted_students) over (
            partition by school_id, year order by stage rows between unbounded preceding and unbounded following), 0)
            as shared_share
    from weighted
),

shared as (
    select * from typed where stage = '全校共用'
),

final as (
    select
        s.school_id,
        s.year,
        s.stage,
        s.school_type,
        s.is_demo,
        s.submission_id,
        s.students,
        s.classes,
        s.max_class,
        s.qualified_teachers,
        s.backbone_teachers,
        s.pe_art_teachers,
        s.graduates,
        s.cohort_entrants,
        case when s.teaching_area is null and x.teaching_area is null then null
            else coalesce(s.teaching_area, 0) + coalesce(p.shared_share * x.teaching_area, 0) end as teaching_area,
        case when s.sports_area is null and x.sports_area is null then null
            else coalesce(s.sports_area, 0) + coalesce(p.shared_share * x.sports_area, 0) end as sports_area,
        case when s.equipment_value is null and x.equipment_value is null then null
            else coalesce(s.equipment_value, 0) + coalesce(p.shared_share * x.equipment_value, 0) end as equipment_value,
        case when s.multimedia_rooms is null and x.multimedia_rooms is null then null
            else coalesce(s.multimedia_rooms, 0) + coalesce(p.shared_share * x.multimedia_rooms, 0) end as multimedia_rooms,
        x.school_id is not null as has_shared_row,
        p.shared_share
    from stage_rows as s
    join shares as p using (school_id, year, stage)
    left join shared as x using (school_id, year)
)

select * from final;
