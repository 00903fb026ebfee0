"""责任单位's units × key tasks as a table for a phone (issue 21, item 7): scrolls inside its box both ways, the key
tasks' row and the units' column staying in view, each cell 牵 (lead) or 责 (responsible) in words and colour.
The page shows it where the main column is narrower than a laptop's; wider, the heatmap (views.matrix_figure)."""

from html import escape

import pandas as pd

from .queries import query

LEAD, SHARE = "牵", "责"

CSS = """
<style>
.units-matrix { overflow: auto; max-height: 70vh; border: 1px solid #DDD; border-radius: 6px;
  -webkit-overflow-scrolling: touch; }
.units-matrix table { border-collapse: separate; border-spacing: 0; font-size: 13px; }
.units-matrix th, .units-matrix td { padding: 3px 5px; text-align: center; border-bottom: 1px solid #EEE;
  border-right: 1px solid #EEE; background: #FFF; white-space: nowrap; }
.units-matrix thead th { position: sticky; top: 0; z-index: 2; background: #F4F6F8; font-weight: 600; }
.units-matrix tbody th { position: sticky; left: 0; z-index: 1; text-align: left; font-weight: 600; background: #F9FAFB; }
.units-matrix thead th:first-child { left: 0; z-index: 3; text-align: left; }
.units-matrix td.lead { background: #1F4E79; color: #FFF; font-weight: 700; }
.units-matrix td.share { background: #DEEBF7; color: #1F1F1F; }
.units-matrix-key { font-size: 13px; color: #444; margin: 4px 0 2px; }
</style>
"""


def roles(unit: str | None) -> pd.DataFrame:
    """Unit × key task: 牵 where the unit leads a task of it, 责 where it only shares one, '' where neither."""
    frame = query(
        """
        select u.unit, t.key_task_no, max(case when u.role = 'lead' then 2 else 1 end) as role
        from task_units u join tasks t using (task_no)
        group by all
        """
    )
    units = query("select unit from units order by unit = '旗教育局' desc, category, unit")["unit"].tolist()
    matrix = (frame.assign(mark=frame["role"].map({2: LEAD, 1: SHARE}))
              .pivot(index="unit", columns="key_task_no", values="mark").reindex(index=units, columns=range(1, 31))
              .fillna(""))
    return matrix.loc[[unit]] if unit else matrix


def key_task_titles() -> dict[int, str]:
    return dict(query("select key_task_no, title from key_tasks order by key_task_no").itertuples(index=False))


def table(matrix: pd.DataFrame, titles: dict[int, str]) -> str:
    """The matrix as HTML (names escaped: they are data)."""
    head = "".join(f"<th title='{escape(titles.get(int(k), ''))}'>（{int(k)}）</th>" for k in matrix.columns)
    rows = []
    for unit, marks in matrix.iterrows():
        cells = "".join(f"<td class='{'lead' if m == LEAD else 'share' if m == SHARE else ''}'>{escape(m)}</td>"
                        for m in marks)
        rows.append(f"<tr><th>{escape(str(unit))}</th>{cells}</tr>")
    return (f"<p class='units-matrix-key'>“{LEAD}”：牵头；“{SHARE}”：负责。左右、上下滑动查看，单位与重点任务编号始终可见。</p>"
            f"<div class='units-matrix' role='region' aria-label='单位与重点任务' tabindex='0'><table>"
            f"<thead><tr><th>单位＼重点任务</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
