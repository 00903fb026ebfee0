"""The briefing files the dashboard offers, made on click with a connection of their own (as the CLI)."""

from .data import db_path
from .queries import Filters


def briefing_pptx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect

    from .briefing import build_deck

    with connect(db_path(), read_only=True) as con:
        return build_deck(con, f.as_of, f.show_demo)


def briefing_xlsx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect

    from .excel_report import build_workbook

    with connect(db_path(), read_only=True) as con:
        return build_workbook(con, f.as_of, f.show_demo)


def briefing_docx(f: Filters) -> bytes:
    from pipelines.warehouse.connection import connect

    from .word_report import build_document

    with connect(db_path(), read_only=True) as con:
        return build_document(con, f.as_of, f.show_demo)
