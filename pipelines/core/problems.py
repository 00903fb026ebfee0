"""Problems found in an input, named by file, sheet, row and column, in Chinese."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in an input file."""

    file: str
    reason: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # 'error' refuses the file; 'warning' is loaded and kept
    letter: str | None = None  # the column's letter in the sheet, where known
    subject: str | None = None  # what the row is about, in words: an indicator's name, a task, a school
    # None: a problem of its own. 'knock_on': rows another error kept from being checked (said after the root
    # errors); 'note': a word read as the platform's (初级中学 as 初中); 'completeness': what was left blank and
    # which criteria therefore cannot be judged (issue 18).
    kind: str | None = None

    @property
    def label(self) -> str:
        return LABELS.get((self.severity, self.kind), "警告" if self.severity == "warning" else "错误")

    @property
    def where_column(self) -> str:
        if self.letter and self.column:
            return f"{self.letter}列（{self.column}）"
        if self.letter:
            return f"{self.letter}列"
        return f"“{self.column}”列" if self.column else ""

    def __str__(self) -> str:
        where = [f"文件“{self.file}”"] if self.file else []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column or self.letter:
            where.append(self.where_column)
        if self.subject:
            where.append(f"“{self.subject}”")
        label = self.label
        return f"{label}：{'，'.join(where)}：{self.reason}" if where else f"{label}：{self.reason}"

    def as_dict(self) -> dict:
        return {
            "级别": self.label,
            "文件": self.file,
            "工作表": self.sheet or "",
            "行": self.row,
            "列": self.where_column.strip("“”"),
            "指标或任务": self.subject or "",
            "原因": self.reason,
        }


LABELS = {("error", None): "错误", ("error", "knock_on"): "连带错误", ("warning", None): "警告",
          ("warning", "note"): "说明", ("warning", "completeness"): "完整性"}
ORDER = list(LABELS)  # root errors first, then what they hid, then warnings, notes and what is missing


def ordered(problems: list[Problem]) -> list[Problem]:
    """Root errors, knock-on errors, warnings, notes, completeness: each group in the order found."""
    rank = {key: i for i, key in enumerate(ORDER)}
    return sorted(problems, key=lambda p: rank.get((p.severity, p.kind), len(rank)))


class InputError(Exception):
    """An input cannot be loaded as it is; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"] or problems
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def raise_if_errors(problems: list[Problem]) -> None:
    if errors(problems):
        raise InputError(problems)


class HasProblems:
    """For a result that carries `problems`: its errors (which refuse) and warnings (which stay)."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def knock_ons(self) -> list[Problem]:
        """Errors that only say what another error kept from being checked."""
        return [p for p in self.errors if p.kind == "knock_on"]


def count_text(problems: list[Problem]) -> str:
    """N 个错误（另有 M 处连带错误）, K 条警告: a refused file's problems counted as a reader should count them."""
    errors = [p for p in problems if p.severity == "error"]
    knock = sum(p.kind == "knock_on" for p in errors)
    warnings = sum(p.severity == "warning" for p in problems)
    return (f"{len(errors) - knock} 个错误" + (f"（另有 {knock} 处连带错误：因上述错误未能核对）" if knock else "")
            + (f"，{warnings} 条警告" if warnings else ""))
