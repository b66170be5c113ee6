"""Live compliance measures of the team plugin, shown on the regulation page next to their clauses."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.contracts import ComplianceCheck, ComplianceResult
from core.extensions import db
from core.timeutil import utcnow
from plugins.team.models import Issue, Meeting


def _result(good: int, total: int, text: str) -> ComplianceResult:
    ratio = (Decimal(good) / total).quantize(Decimal("0.0001")) if total else None
    return ComplianceResult(ratio=ratio, text=text % {"good": good, "total": total}, ok=ratio is None or ratio >= 1)


def issues_within_sla() -> ComplianceResult:
    """R8.2.3: cross-department issues resolved within their SLA (open ones past it count as missed)."""
    now = utcnow()
    resolved = select(func.count(Issue.id)).where(Issue.resolved_at.is_not(None))
    late_open = select(func.count(Issue.id)).where(Issue.resolved_at.is_(None), Issue.sla_due_at < now)
    total = (db.session.scalar(resolved) or 0) + (db.session.scalar(late_open) or 0)
    good = db.session.scalar(resolved.where(Issue.resolved_at <= Issue.sla_due_at)) or 0
    return _result(good, total, _("%(good)s of %(total)s cross-department issues resolved within their deadline"))


def meetings_with_minutes() -> ComplianceResult:
    """R8.2.2: meetings held (started over a day ago) whose minutes were closed."""
    from datetime import timedelta

    held = select(func.count(Meeting.id)).where(Meeting.starts_at < utcnow() - timedelta(days=1))
    total = db.session.scalar(held) or 0
    good = db.session.scalar(held.where(Meeting.state == "closed")) or 0
    return _result(good, total, _("%(good)s of %(total)s sales meetings have closed minutes"))


def compliance_definitions() -> list[ComplianceCheck]:
    return [
        ComplianceCheck("team.issues_sla", "R8.2.3", _l("Cross-department issues resolved in time"),
                        issues_within_sla),
        ComplianceCheck("team.meeting_minutes", "R8.2.2", _l("Sales meetings with minutes"), meetings_with_minutes),
    ]
