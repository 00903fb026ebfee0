"""Data collection as county offices run it (issue 13): 填报 → 审核 → 汇总, with 催报.

review      a loaded workbook counts once a reviewer approves it; decisions logged and replayed
preview     what approving a pending workbook would change (values, target statuses)
evidence    佐证材料 attached to a task-progress report, checked by content, archived beside the workbook
rectify     整改说明: the workbook's third sheet for the targets a unit leads that are lagging
entry       online entry: rows typed on the page become the same workbook bytes as the template's
reminders   due dates, units × years received / pending / returned / missing / overdue, the 催报 list
webhook     the optional 钉钉 / 企业微信 group-robot message for overdue units
"""
