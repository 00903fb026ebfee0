"""Names put into SQL text: only identifiers of our own, each checked and quoted; values are always bound.

    con.execute(statement("delete from {table} where submission_id = ?", table=table), [number])

A name that is not a plain identifier (a quote, a space, a semicolon, a Chinese word) is refused before any
SQL runs. A table or view read whole is better named as a bound value: `from query_table(?)`.
"""

import re
from collections.abc import Iterable

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def quoted(name: str) -> str:
    """A table, view, macro or column name of ours, double-quoted for SQL."""
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
        raise ValueError(f"not an identifier of ours: {name!r}")
    return f'"{name}"'


def statement(template: str, **names: str | Iterable[str]) -> str:
    """The template with each {placeholder} replaced by a checked name, or by checked names joined with commas."""
    return template.format(**{key: quoted(value) if isinstance(value, str) else ", ".join(map(quoted, value))
                              for key, value in names.items()})
