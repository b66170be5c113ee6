"""Dashboard widgets: the interviews waiting for the user's scorecard (one query), the hiring plans waiting for
their approval."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.contracts import DashboardWidget
from core.extensions import db
from core.identity.models import Department
from core.security import can
from plugins.recruitment.models import Requisition
from plugins.recruitment.services.interviews import my_interviews
from plugins.recruitment.services.requisitions import STEP_PERMISSIONS, may_decide

LIMIT = 6


def my_pending_interviews(user: Any) -> dict[str, Any]:
    rows = [row for row in my_interviews(db.session, user, limit=LIMIT) if row[1].submitted_at is None]
    return {"rows": rows}


def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    """The interviews for interviewers; the hiring plans waiting for a decision for those who approve them (R3.1.1:
    the department head, the sales manager, HR, as the approval chain says) — near the top, with the other approvals
    (issue 12: a department head's dashboard shows what waits for them)."""
    widgets = [DashboardWidget("recruitment.interviews", _l("Interviews waiting for my scorecard"),
                               "recruitment/widgets/interviews.html", permission="recruitment.interview", order=40,
                               context=my_pending_interviews)]
    heads = db.session.scalar(select(Department.id).where(Department.head_id == user.id).limit(1)) is not None
    if heads or any(can(user, permission) for permission in STEP_PERMISSIONS.values()):
        widgets.append(DashboardWidget("recruitment.approvals", _l("Hiring plans waiting for my approval"),
                                       "recruitment/widgets/approvals.html", order=7, context=plans_to_approve))
    return widgets


def plans_to_approve(user: Any) -> dict[str, Any]:
    """Pending hiring plans whose waiting step is the user's (one statement: pending plans are few, each with its
    department joined; who decides a step is the approval service's rule)."""
    pending = db.session.scalars(
        select(Requisition).where(Requisition.state == "pending")
        .options(lazyload("*"), joinedload(Requisition.department).lazyload("*"))  # not the plans' people nor lines
        .order_by(Requisition.submitted_at, Requisition.id)).unique().all()
    mine = [r for r in pending if may_decide(db.session, r, user)]
    return {"rows": mine[:LIMIT], "count": len(mine)}
