-- Planning workbooks (issue 23): per unit, the latest one that counts (approved, not withdrawn; demo ones only
-- when asked) restates that unit's planned changes and population rows; the units' books together are the plan's.
create or replace macro plan_books(include_demo) as table
with

books as (
    select w.submission_id, w.unit, w.year, s.is_demo, s.file_name, s.received_at
    from plan_workbooks as w
    join counted_submissions(include_demo) as s using (submission_id)
),

final as (
    select *
    from books
    qualify row_number() over (partition by unit order by submission_id desc) = 1
)

select * from final;

-- The planned changes that count: every unit's latest planning workbook.
create or replace macro current_planned_changes(include_demo) as table
select c.*, b.unit as sent_by, b.year as book_year, b.is_demo
from planned_changes as c
join plan_books(include_demo) as b using (submission_id);

-- Births and the 3 and 6 周岁 populations by year: each series' value of the latest workbook giving it, with
-- the office it comes from.
create or replace macro current_population(include_demo) as table
with

rows as (
    select p.*, b.is_demo
    from population_inputs as p
    join plan_books(include_demo) as b using (submission_id)
),

final as (
    select
        year,
        arg_max(births, submission_id) filter (where births is not null) as births,
        arg_max(source, submission_id) filter (where births is not null) as births_source,
        arg_max(age3, submission_id) filter (where age3 is not null) as age3,
        arg_max(source, submission_id) filter (where age3 is not null) as age3_source,
        arg_max(age6, submission_id) filter (where age6 is not null) as age6,
        arg_max(source, submission_id) filter (where age6 is not null) as age6_source,
        bool_or(is_demo) as is_demo
    from rows
    group by year
)

select * from final;

-- Each criterion of a plan: the first projected year it is met, per scenario (none: not by the last year
-- projected), and whether it is met in that last year.
create or replace view plan_first_met as
select
    scheme,
    criterion_id,
    scenario,
    min(year) filter (where met) as first_met_year,
    max(year) as last_year,
    arg_max(met, year) as met_last,
    arg_max(value, year) as value_last,
    bool_or(held) as held
from plan_criteria
group by scheme, criterion_id, scenario;

-- Each school's latest name and township in the register that counts (the plan's tables name schools by them).
create or replace macro school_names() as table
select school_id, arg_max(name, year) as name, arg_max(township, year) as township
from school_register_current(true)
group by school_id;
