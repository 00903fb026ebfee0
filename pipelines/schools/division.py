"""敖汉旗's township-level division as the warehouse holds it (townships.csv): the names a school's 苏木乡镇 may
take, and what a former name is now — read as its new name (已更名, with a note) or refused (已撤销)."""

from dataclasses import dataclass, field

import duckdb

from ..core import school_settings as s


@dataclass(frozen=True)
class Division:
    current: tuple[str, ...]  # in the order of townships.csv
    renamed: dict[str, str] = field(default_factory=dict)  # former name -> current name
    abolished: frozenset[str] = frozenset()
    edition: int | None = None  # the year of the current division's edition

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> "Division":
        rows = con.execute("select township, status, now, edition from townships order by rowid").fetchall()
        editions = [e for _, status, _, e in rows if status == s.CURRENT and e]
        return cls(tuple(t for t, status, _, _ in rows if status == s.CURRENT),
                   {t: now for t, status, now, _ in rows if status == s.RENAMED},
                   frozenset(t for t, status, _, _ in rows if status == s.ABOLISHED),
                   max(editions) if editions else None)

    @property
    def names(self) -> set[str]:
        return set(self.current)

    def listed(self) -> str:
        return "、".join(self.current) if len(self.current) < 30 else "见参考数据 townships.csv"

    def refusal(self, name: str) -> str:
        """Why a name that is not a current one cannot be a school's 苏木乡镇 (a renamed one is read, not refused)."""
        edition = f"{self.edition}年" if self.edition else ""
        if not name:
            return "缺少苏木乡镇"
        if name in self.abolished:
            return (f"苏木乡镇“{name}”已撤销，不在现行区划（国家统计局{edition}统计用区划代码）中：请填写学校所在地现属的"
                    f"苏木乡镇（{self.listed()}）")
        return f"苏木乡镇“{name}”不是敖汉旗的苏木乡镇（现行区划：{self.listed()}）"
