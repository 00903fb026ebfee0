"""What an import has prepared: the files received, their layouts grouped by fingerprint, and the mapping each
group is read through (run.py prepares it, choose.py finds each group's mapping)."""

from dataclasses import dataclass, field

from ..core.problems import Problem
from .candidates import Layout
from .fields import Field
from .mappings import Mapping
from .propose import Rule
from .source import Received, Workbook

KIND_LABELS = {"summary": "统计汇总表", "records": "逐校表", "forms": "基层报表（每校一个工作簿）"}


@dataclass
class Group:
    """The workbooks of one layout and the mapping they are read through."""

    fingerprint: str
    books: list[tuple[Workbook, Layout]]
    fields: list[Field]
    rules: dict[str, Rule] = field(default_factory=dict)
    state: str = "proposed"  # 'given' (a person's file), 'saved' (saved for the unit and layout), 'proposed'
    saved: Mapping | None = None
    seeded: bool = False
    said: list[str] = field(default_factory=list)  # what the person must know of this layout's mapping

    @property
    def layout(self) -> Layout:
        return self.books[0][1]

    @property
    def confirmed(self) -> bool:
        return self.state in ("given", "saved")

    def describe(self) -> str:
        """The layout found, in words: kind, sheets and header rows, rows read, rows left out."""
        layout = self.layout
        if layout.kind == "forms":
            return f"{KIND_LABELS['forms']}：{len(self.books)} 所学校，工作表 {'、'.join(layout.sheets)}"
        parts = []
        for table in layout.tables:
            data = sum(r.kind == "data" for r in table.rows)
            skipped = [r.text for r in table.rows if r.kind in ("total", "statistic")]
            parts.append(f"工作表“{table.sheet.name}”表头第{table.header_rows[0] + 1}—{table.header_rows[-1] + 1}行，"
                         f"{len(table.value_columns)} 列数据，{data} 行" + (f"（另有合计、统计行 {len(skipped)} 行不作为数据："
                                                                          f"{'、'.join(dict.fromkeys(skipped))}）" if skipped else ""))
        return f"{KIND_LABELS[layout.kind]}：" + "；".join(parts)


@dataclass
class Prepared:
    unit: str
    year: int
    received: Received
    groups: list[Group]
    fields: dict[str, Field]
    townships: set[str]
    schools: bool  # the target is the 学校与幼儿园 workbook
    mapping_name: str = "对应关系"  # the mapping file a person gave (its problems are said at it)
    problems: list[Problem] = field(default_factory=list)  # the given mapping's rows in error (the import refused)

    @property
    def ready(self) -> bool:
        return all(g.confirmed for g in self.groups)

    @property
    def files(self) -> str:
        names = [f"“{s.name}”" for s in self.received.sent]
        return "、".join(names) if len(names) <= 3 else f"{names[0]}等 {len(names)} 个文件"
