"""`import`: a unit's own statistics export (a county summary, a per-school table, a folder or zip of per-school
forms) read through a mapping to the template's fields, into the standard workbook, and loaded as `ingest` loads
it (issue 18). run.py is the entry; the modules are named for the step they do."""
