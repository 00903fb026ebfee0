"""The 催报通知: a one-page notice to a late unit, in the 公文 style of the Word report (its fonts and page).

Title; the unit addressed; what is owed (each year: not sent, or returned with the reason), since when, and
by when to send it; how (数据填报, the template or online entry); the issuer and the date. 示例数据 in the
header when the state it reports comes from demo data.
"""

from datetime import date, timedelta

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from pipelines.core import config
from pipelines.records.reminders import STATE_LABELS, chinese_date, days_to_send

from .word_report import FANGSONG, SANHAO, Report


def notice_docx(unit: str, late: pd.DataFrame, today: date, settings: dict) -> bytes:
    """The notice to one unit, for its overdue rows of records.reminders.receipts."""
    rows = late[late["unit"] == unit].sort_values("year")
    by = today + timedelta(days=days_to_send(settings))
    report = Report(False, renderer=None)  # real receipts only (records.reminders.receipts)
    report.title(["关于报送监测填报工作簿的催报通知"])
    addressed = report.para(f"{unit}：")
    addressed.paragraph_format.first_line_indent = Pt(0)
    years = "、".join(f"{r.year}年度" for r in rows.itertuples())
    report.para(f"按照《敖汉旗推动教育高质量发展实施方案》台账管理和定期调度的要求，各单位应在次年规定日期前报送上一年度的"
                f"监测填报工作簿。截至{chinese_date(today)}，贵单位{years}的工作簿尚未报送或被退回后尚未重新报送，情况如下：")
    table = pd.DataFrame({
        "年度": [f"{r.year}年度" for r in rows.itertuples()],
        "状态": [STATE_LABELS[r.state] for r in rows.itertuples()],
        "应报日期": [chinese_date(r.due_date) for r in rows.itertuples()],
        "逾期天数": [f"{r.overdue_days}天" for r in rows.itertuples()],
        "退回原因": [r.returned_note if isinstance(r.returned_note, str) else "" for r in rows.itertuples()],
    })
    report.table(table, [1.3, 1.2, 2.0, 1.2, 3.6], f"{unit}逾期未报的工作簿")
    report.para(f"请于{chinese_date(by)}前登录{config.PLATFORM_NAME}，在“数据填报”页下载本单位工作簿，填写后上传，或在页面上在线填报；"
                "被退回的，请按退回原因修改后重新上传。工作簿经审核通过后计入监测结果。")
    report.para("填报中有疑问，请联系旗教育局（监测平台管理员）。")
    report.para("")
    for line in (settings.get("notice_issuer") or "旗委教育工作领导小组办公室", chinese_date(today)):
        paragraph = report.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(4 * SANHAO)
        report._run(paragraph, line, FANGSONG, SANHAO)
    return report.bytes()
