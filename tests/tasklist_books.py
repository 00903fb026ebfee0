"""Tiny task-list workbooks made in code, in the layouts offices use."""

from pathlib import Path

import openpyxl

MERGED_HEADER = [("重点\n任务", "任务\n目标", "量化指标"), ("牵头\n单位", "责任单位", "完成时限")]

TASKS = [
    # section, key task, task text, lead, responsible, deadline
    ("一、构建高质量发展体系", "（一）推动普通高中优质特色多样发展。", "1.创新学校协同发展机制。", "旗教育局",
     "旗委宣传部、统战部、编办，旗发改委、财政局，团旗委，人武部。", "长期坚持"),
    ("一、构建高质量发展体系", "（一）推动普通高中优质特色多样发展。", "2.到2025年，高中阶段毛入学率达到95%以上。", "旗教育局",
     "旗委宣传部、统战部、编办，旗发改委、财政局，团旗委，人武部。", "2025年12月"),
    ("二、优化管理体制机制", "(七)完善学校领导班子选用机制。", "3.理顺校长管理体制。", "旗委组织部\n旗教育局",
     "旗委编办，旗人社局。", "2023年8月\n长期坚持"),
    ("二、优化管理体制机制", "(七)完善学校领导班子选用机制。", "4.建立校长后备人才储备库。", "旗委组织部\n旗教育局",
     "旗委编办，旗人社局。", "2023年9月完成新惠十小教学楼工程，年底全部完成；2025年完成新惠四中工程建设。"),
]


def _two_row_header(ws, r: int) -> int:
    """The list's two-row header at row r (工作任务 over its three columns); the row after it."""
    ws.cell(r, 1, "工作任务")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
    for c, word in zip((4, 5, 6), MERGED_HEADER[1]):
        ws.cell(r, c, word)
        ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
    for c, word in zip((1, 2, 3), MERGED_HEADER[0]):
        ws.cell(r + 1, c, word)
    return r + 2


def merged_layout(path: Path, tasks=TASKS, title=True, instructions=False, blank_rows=False, repeat_header=False) -> Path:
    """The office's layout: a title row, a two-row header, merged blocks for repeated cells."""
    wb = openpyxl.Workbook()
    if instructions:
        guide = wb.active
        guide.title = "填表说明"
        guide["A1"] = "请按下表填写各项任务，勿改动表头。"
        ws = wb.create_sheet("任务清单")
    else:
        ws = wb.active
        ws.title = "任务清单"
    r = 1
    if title:
        ws.cell(r, 1, "敖汉旗推动教育高质量发展工作任务清单")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        r += 1

    r = _two_row_header(ws, r)
    i = 0
    while i < len(tasks):
        # A block: consecutive tasks with the same key task share merged A, B, D, E cells.
        j = i
        while j + 1 < len(tasks) and tasks[j + 1][1] == tasks[i][1]:
            j += 1
        start = r
        for k in range(i, j + 1):
            ws.cell(r, 3, tasks[k][2])
            ws.cell(r, 6, tasks[k][5])
            r += 1
        for c, value in ((1, tasks[i][0]), (2, tasks[i][1]), (4, tasks[i][3]), (5, tasks[i][4])):
            ws.cell(start, c, value)
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=c, end_row=r - 1, end_column=c)
        if blank_rows:
            r += 1
        if repeat_header and j + 1 < len(tasks):
            r = _two_row_header(ws, r)
        i = j + 1
    wb.save(path)
    return path


def flat_layout(path: Path, rows: list[dict], words=("序号", "重点任务", "任务目标", "具体任务", "牵头部门", "配合单位", "完成时间"),
                instructions=True, blank_every=0, repeat_header_every=0, numbered_text=False) -> Path:
    """Another office's layout: one header row of other words, every cell written out, no merges."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if instructions:
        ws.title = "说明"
        ws["A1"] = "填报说明：本表每行一项任务。"
        ws["A2"] = "牵头部门写在“牵头部门”列。"
        ws = wb.create_sheet("清单")
    ws.append(["附件"])
    ws.append(["敖汉旗推动教育高质量发展工作任务清单"])
    ws.append(list(words))
    for n, row in enumerate(rows, start=1):
        text = f"{row['task_no']}.{row['text']}" if numbered_text else row["text"]
        ws.append([row["task_no"], row["section"], row["key_task"], text, row["lead"], row["responsible"], row["deadline"]])
        if blank_every and n % blank_every == 0:
            ws.append([])
        if repeat_header_every and n % repeat_header_every == 0:
            ws.append(list(words))
    wb.save(path)
    return path
