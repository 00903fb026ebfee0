-- The register per year, as the year's current school-level workbook states it: schools (学校名录) and
-- kindergartens (幼儿园). `stage` is what the school is (小学, 教学点, 初中, 九年一贯制, 完全中学,
-- 十二年一贯制, 幼儿园); `stages` the stages it teaches.
create or replace macro school_register_current(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

final as (
    select
        r.school_id,
        r.year,
        r.name,
        r.township,
        r.area_type,
        r.school_type as stage,
        r.stages,
        r.ownership,
        r.kind,
        r.change,
        r.merged_from,
        r.note,
        b.is_demo,
        r.submission_id,
        r.sheet_row
    from school_register as r
    join books as b using (submission_id)
)

select * from final;

create or replace view schools as
select * from school_register_current(true);
