"""The planning half of 验收准备 (issue 23): projected enrolments, planned changes, the cheapest plan, what-if."""
