"""Which claims a user may see (R2 scopes plus the review queues), and the lists built on that."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, false, or_, select, true

from core.identity.models import Department
from core.security import can, scope_condition, scope_for, scope_parameters, team_condition
from core.timeutil import utcnow
from plugins.expenses.models import DEPT_APPROVED, DRAFT, FINANCE_APPROVED, PAID, SUBMITTED, Claim
from plugins.expenses.services.common import FINANCE_REVIEW, PAY, VIEW


def claim_visibility(user: Any) -> Any:
    """A WHERE condition: the claims ``user`` may see — their scope of expenses.claim.view (own / team / all),
    plus those waiting for their department-level review, plus finance's queue for finance reviewers."""
    scope = scope_for(user, VIEW)
    conditions = [and_(Claim.approver_id == user.id, Claim.state != DRAFT)]
    if scope == "all":
        return true()
    if scope == "own":
        conditions.append(Claim.claimant_id == user.id)
    elif scope == "team":
        conditions.append(team_condition(Claim.claimant_id, user))  # one array parameter on PostgreSQL
        headed = select(Department.id).where(Department.head_id == user.id)
        conditions.append(Claim.department_id.in_(headed))
    if sees_queues(user):
        conditions.append(Claim.state.in_((DEPT_APPROVED, FINANCE_APPROVED, PAID)))
    return or_(*conditions) if conditions else false()


def sees_queues(user: Any) -> bool:
    """Whether ``user`` reviews or pays for finance, and so sees finance's queues beside their scope."""
    return can(user, FINANCE_REVIEW) or can(user, PAY)


def bound_visibility(scope: str | None, finance: bool, postgresql: bool) -> Any:
    """claim_visibility for a user of ``scope`` (scope_for VIEW) who sees finance's queues or not (sees_queues),
    with the user's id and team as parameters (visibility_parameters): for a statement built once per shape and
    run at every request. None for "all" (no condition)."""
    if scope == "all":
        return None
    user_id = bindparam("visible_user_id")
    conditions = [and_(Claim.approver_id == user_id, Claim.state != DRAFT)]
    if scope in ("own", "team"):
        conditions.append(scope_condition(scope, Claim.claimant_id, postgresql))
    if scope == "team":
        conditions.append(Claim.department_id.in_(select(Department.id).where(Department.head_id == user_id)))
    if finance:
        conditions.append(Claim.state.in_((DEPT_APPROVED, FINANCE_APPROVED, PAID)))
    return or_(*conditions)


def visibility_parameters(user: Any, scope: str | None) -> dict[str, Any]:
    """The parameters of ``bound_visibility(scope, …)`` for ``user``."""
    return {"visible_user_id": user.id, **scope_parameters(user, scope)}


def can_view_claim(user: Any, claim: Claim) -> bool:
    if claim.approver_id == user.id and claim.state != DRAFT:
        return True
    if (can(user, FINANCE_REVIEW) or can(user, PAY)) and claim.state in (DEPT_APPROVED, FINANCE_APPROVED, PAID):
        return True
    if not can(user, VIEW, claim):
        # core's can() knows own / team; a head also sees the claims of the department they head.
        if scope_for(user, VIEW) == "team" and claim.department_id is not None:
            department = claim.department
            return department is not None and department.head_id == user.id
        return False
    return True


def claims_query(user: Any, *, state: str | None = None, mine: bool = False, q: str = "",
                 claimant_id: int | None = None, session: Any = None) -> Any:
    """The claims ``user`` may see, newest first, with filters (a select; the caller paginates). A search ``q``
    (claim_search) asks the database one question first, on ``session`` (default: the app's)."""
    query = select(Claim).where(claim_visibility(user)).order_by(Claim.created_at.desc(), Claim.id.desc())
    if state:
        query = query.where(Claim.state == state)
    if mine:
        query = query.where(Claim.claimant_id == user.id)
    if claimant_id:
        query = query.where(Claim.claimant_id == claimant_id)
    if (q or "").strip():
        if session is None:
            from core.extensions import db

            session = db.session
        from plugins.expenses.search import searched

        query = searched(query, session, q)
    return query


def department_queue(user: Any) -> Any:
    """Claims waiting for ``user``'s department-level review, oldest first (R9.2.2)."""
    return (select(Claim).where(Claim.state == SUBMITTED, Claim.approver_id == user.id)
            .order_by(Claim.submitted_at, Claim.id))


def finance_queue(user: Any, state: str = DEPT_APPROVED) -> Any:
    """Claims waiting for finance: review (dept_head_approved) or payment (finance_approved); never their own."""
    column = Claim.dept_approved_at if state == DEPT_APPROVED else Claim.finance_approved_at
    return (select(Claim).where(Claim.state == state, Claim.claimant_id != user.id)
            .order_by(column, Claim.id))


def overdue_claims(session: Any, days: int, now: datetime | None = None) -> list[Claim]:
    """Claims waiting for a review or payment longer than ``days``."""

    limit = (now or utcnow()) - timedelta(days=days)
    return list(session.scalars(
        select(Claim).where(or_(
            and_(Claim.state == SUBMITTED, Claim.submitted_at < limit),
            and_(Claim.state == DEPT_APPROVED, Claim.dept_approved_at < limit),
            and_(Claim.state == FINANCE_APPROVED, Claim.finance_approved_at < limit),
        )).order_by(Claim.submitted_at)
    ))
