"""The briefing files the dashboard offers, made on click with a connection of their own (as the CLI)."""

from reports.queries import Filters

from .data import db_path


def briefing_pptx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect
    from reports.deck import build_deck

    with connect(db_path(), read_only=True) as con:
        return build_deck(con, f.as_of, f.show_demo)


def briefing_xlsx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect
    from reports.excel_report import build_workbook

    with connect(db_path(), read_only=True) as con:
        return build_workbook(con, f.as_of, f.show_demo)


def briefing_docx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect
    from reports.word_report import build_document

    with connect(db_path(), read_only=True) as con:
        return build_document(con, f.as_of, f.show_demo)
