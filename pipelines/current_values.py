"""The current value of each indicator and year, as `latest_observations` has it, kept in memory.

The check of a workbook compares its values with the current ones (a jump from last year, a rate from
parts reported earlier). `build` replays hundreds of workbooks; asking the warehouse's view after each
one grew with the archive, so the replay keeps the values here, and `ingest` fills the same store from
the warehouse for the years it needs: one rule for both, the one of latest_observations.sql
(the latest report of a workbook that counts — approved and not withdrawn; else a rate derived from its
parts when the denominator is above 0). A workbook added here counts once it is approved (`decide`).

A workbook is compared with values of its own kind only: a real one with real values, a demo one with demo
values (`demo`), so that no check ever sets a real number beside a demo one (docs/design.md, "Demo data").
"""

from collections import defaultdict

import duckdb


class CurrentValues:
    def __init__(self, rates: dict[str, tuple[str, str]], con: duckdb.DuckDBPyConnection | None = None):
        """rates: rate code -> (numerator code, denominator code). With con, years load on first use."""
        self._rates = rates
        self._con = con
        self._loaded: set[int] = set()
        self._reports: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)  # in submission order
        self._counted: set[int] = set()
        self._withdrawn: set[int] = set()
        self._demo: set[int] = set()  # demo workbooks
        self.demo = False  # the kind of workbook being checked: its values are compared with its kind's
        # counts of the school register (register_counts), of real registers (False) and with the demo's (True)
        self._registered: dict[tuple[str, int, bool], float] = {}

    def _year(self, year: int) -> None:
        if self._con is None or year in self._loaded:
            return
        self._loaded.add(year)
        rows = self._con.execute(
            """
            select o.indicator_code, o.value, o.submission_id, s.review_status = 'approved' and not s.withdrawn,
                s.is_demo
            from observations as o join submissions as s using (submission_id)
            where o.year = ? order by o.submission_id
            """,
            [year],
        ).fetchall()
        for code, value, submission_id, counts, is_demo in rows:
            self._reports[(code, year)].append((submission_id, value))
            if counts:
                self._counted.add(submission_id)
            if is_demo:
                self._demo.add(submission_id)
        for with_demo in (False, True):
            for code, value in self._con.execute(
                    "select indicator_code, value from register_counts(?) where year = ?", [with_demo, year]).fetchall():
                self._registered[(code, year, with_demo)] = value

    def add(self, submission_id: int, observations, is_demo: bool = False) -> None:
        """A loaded workbook's values: (indicator_code, year, value) rows; they count once it is approved."""
        if is_demo:
            self._demo.add(submission_id)
        for code, year, value in observations:
            self._year(year)  # from the warehouse first, so that the new value comes after its values
            self._reports[(code, year)].append((submission_id, value))

    def decide(self, submission_id: int, approved: bool) -> None:
        """A review decision: an approved workbook's values count, a returned one's do not."""
        if approved:
            self._counted.add(submission_id)
        else:
            self._counted.discard(submission_id)

    def withdraw(self, submission_id: int) -> None:
        self._withdrawn.add(submission_id)

    def reported(self, code: str, year: int) -> float | None:
        self._year(year)
        for submission_id, value in reversed(self._reports.get((code, year), ())):
            if (submission_id in self._counted and submission_id not in self._withdrawn
                    and (submission_id in self._demo) == self.demo):
                return value
        return None

    def known(self, code: str, year: int) -> float | None:
        """The reported value, else the school register's count (known when read from the warehouse: not in a
        replay, where the checks of the workbooks received before are not repeated)."""
        value = self.reported(code, year)
        return self._registered.get((code, year, self.demo)) if value is None else value

    def value(self, code: str, year: int) -> float | None:
        """The reported value (or the register's count), else a rate from its parts."""
        value = self.known(code, year)
        if value is None and code in self._rates:
            numerator, denominator = (self.known(part, year) for part in self._rates[code])
            if numerator is not None and denominator is not None and denominator > 0:
                return 100.0 * numerator / denominator
        return value
