-- Indicator × year: a count of schools the register gives (indicators.method = 'register'; register_types: the
-- 办学类型 it counts, 幼儿园 for kindergartens), from the year's school workbook that counts (school_books).
-- A year without a school workbook has no count: the indicator is 暂无数据 there (issue 18: the number of
-- schools is not typed by four units; the platform holds the register).
create or replace macro register_counts(include_demo) as table
with

books as (
    select * from school_books(include_demo)
),

counted as (
    select indicator_code, register_types from indicators where method = 'register'
),

final as (
    select
        i.indicator_code,
        b.year,
        count(r.school_id)::double as value,
        b.submission_id,
        '由学校名录计数（' || array_to_string(i.register_types, '、') || '）' as note,
        b.is_demo
    from counted as i
    cross join books as b
    left join school_register as r
        on r.submission_id = b.submission_id and list_contains(i.register_types, r.school_type)
    group by i.indicator_code, i.register_types, b.year, b.submission_id, b.is_demo
)

select * from final;
