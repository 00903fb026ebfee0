-- Every target's status as of the default year (the latest year the reporting units have covered,
-- see reporting_coverage.sql); the assessments hold every as-of year, with and without demo workbooks;
-- this view is the one with them.
create or replace view target_status as
select a.*
from target_assessments as a
where a.as_of_year = default_as_of_year(true) and a.include_demo
