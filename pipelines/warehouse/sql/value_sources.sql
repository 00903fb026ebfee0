-- Where each reported value came from: the file, sheet and cell a person typed it in. For a workbook made by
-- `import` from a unit's own export, the export's cell(s) (a sum: a row per cell); for any other workbook its
-- own 指标数据 cell.
create or replace view value_sources as
with

observed as (
    select o.submission_id, o.indicator_code, o.year, o.value, s.file_name,
        coalesce(o.value_cell, 'E' || o.sheet_row) as own_cell
    from observations as o
    join submissions as s using (submission_id)
),

imported as (
    select submission_id, indicator_code, source_file, sheet, cell, note
    from import_sources
    where target = 'indicator'
),

final as (
    select
        o.submission_id,
        o.indicator_code,
        o.year,
        o.value,
        coalesce(i.source_file, o.file_name) as source_file,
        coalesce(i.sheet, '指标数据') as sheet,
        coalesce(i.cell, o.own_cell) as cell,
        i.note,
        i.submission_id is not null as imported,
        o.file_name as workbook_file,
        o.own_cell as workbook_cell
    from observed as o
    left join imported as i using (submission_id, indicator_code)
)

select * from final;
