"""Who sees a unit's work before it counts (issue 20).

A workbook awaiting review (待审核) or returned (已退回) is the unit's draft: its values, 进展说明, 整改说明,
warnings, 佐证材料, file name and the reviewer's notes are seen by that unit (its 填报 accounts), by the 审核
accounts that review that unit, and by 管理 — by no other unit, no 浏览 account, and nobody not signed in.
Approved work (已通过) is everyone's who may read the pages, and stays so when it is withdrawn later.
"""

import pandas as pd

from ..accounts import Account

PUBLIC_STATUS = "approved"


def sees_unreviewed(account: Account | None, unit: str | None) -> bool:
    """Whether the account may see the unit's pending and returned work: its own unit, its reviewers, 管理."""
    if account is None:
        return False
    return account.is_admin or account.may_report_for(unit) or account.may_review(unit)


def visible(account: Account | None, unit: str | None, review_status: str) -> bool:
    """Whether a workbook of the unit, in this review state, may be shown to the account."""
    return review_status == PUBLIC_STATUS or sees_unreviewed(account, unit)


def visible_rows(frame: pd.DataFrame, account: Account | None, unit: str = "unit",
                 status: str = "review_status") -> pd.DataFrame:
    """The rows (workbooks, or what belongs to one) the account may see."""
    if frame.empty:
        return frame
    return frame[[visible(account, u, s) for u, s in zip(frame[unit], frame[status])]]


def counts_pending_of(account: Account | None, unit: str) -> bool:
    """Whether the pending workbooks of a unit count in what the account is told awaits review: the units it
    reports for or reviews (管理: all). An account without units (浏览, or nobody signed in) is told the
    county's number, a receipt as 报送与催报 shows it, never which workbooks they are."""
    if account is None or not (account.is_admin or account.role in ("填报", "审核")):
        return True
    return sees_unreviewed(account, unit)
