"""Schools and kindergartens: the national acceptance criteria, the registers, 旗教育局's school-level
workbook, and the judgments toward 2028 学前教育普及普惠 and 2030 义务教育优质均衡 (issue 12)."""
