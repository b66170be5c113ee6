"""Who is told what about a claim: the next reviewer and the claimant after each step (R9.2.2, R9.2.3), and the
daily reminder of reviewers whose claims wait too long."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.identity.models import Grant, User, user_roles
from core.timeutil import utcnow
from core.web.locale import money
from plugins.expenses import platform
from plugins.expenses.models import DEPT_APPROVED, FINANCE_APPROVED, SUBMITTED, Claim
from plugins.expenses.services.common import FINANCE_REVIEW, PAY
from plugins.expenses.services.queries import overdue_claims


def users_with_permission(session: Any, permission: str) -> set[int]:
    """Active users whose roles grant ``permission`` (administrators are not paged for every claim)."""
    rows = session.scalars(
        select(User.id).join(user_roles, user_roles.c.user_id == User.id)
        .join(Grant, Grant.role_id == user_roles.c.role_id)
        .where(Grant.permission_code == permission, User.active)
    )
    return set(rows)


#: What the claimant is told after each reviewer's step (msgids: translated for the reader).
CLAIMANT_MESSAGES = {
    "approve": _l("%(who)s approved your expense claim %(number)s; it goes to finance."),
    "return": _l("%(who)s returned your expense claim %(number)s for changes: %(reason)s"),
    "reject": _l("%(who)s rejected your expense claim %(number)s: %(reason)s"),
    "finance_approve": _l("Finance approved your expense claim %(number)s for payment."),
    "finance_return": _l("%(who)s returned your expense claim %(number)s for changes: %(reason)s"),
    "finance_reject": _l("%(who)s rejected your expense claim %(number)s: %(reason)s"),
    "pay": _l("Your expense claim %(number)s was paid: %(amount)s."),
}
NEXT_MESSAGES = {
    SUBMITTED: _l("Expense claim %(number)s of %(claimant)s waits for your review: %(title)s (%(amount)s)."),
    DEPT_APPROVED: _l("Expense claim %(number)s of %(claimant)s waits for finance review: %(title)s (%(amount)s)."),
    FINANCE_APPROVED: _l("Expense claim %(number)s of %(claimant)s is approved and waits for payment (%(amount)s)."),
}


def claim_subject(claim: Claim) -> str:
    """What the claim's "waits for you" notifications are about: resolved when the claim moves on."""
    return f"expenses.claim:{claim.id}"


def claim_path(claim: Claim) -> str:
    return f"/expenses/claims/{claim.id}"


def announce(session: Any, claim: Claim, actor: Any, action: str, reason: str) -> None:
    """Every step tells the next person and the claimant (R9.2.2, R9.2.3)."""
    params = {"number": claim.number, "title": claim.title, "amount": money(claim.total), "who": actor.name,
              "reason": reason, "claimant": claim.claimant.name}
    next_people: set[int] = set()
    if claim.state == SUBMITTED and claim.approver_id:
        next_people.add(claim.approver_id)
    elif claim.state == DEPT_APPROVED:
        next_people |= users_with_permission(session, FINANCE_REVIEW)
    elif claim.state == FINANCE_APPROVED:
        next_people |= users_with_permission(session, PAY)
    next_people.discard(claim.claimant_id)
    # The claim moved on: whatever "waits for your review" was sent about its earlier step is done (issue 12).
    platform.resolve(claim_subject(claim))
    if claim.state in NEXT_MESSAGES and next_people:
        platform.notify(next_people, NEXT_MESSAGES[claim.state], claim_path(claim), about=claim_subject(claim),
                        **params)
    if action in CLAIMANT_MESSAGES and actor.id != claim.claimant_id:
        platform.notify({claim.claimant_id}, CLAIMANT_MESSAGES[action], claim_path(claim), **params)


REMINDER = _l("Reminder: expense claim %(number)s (%(title)s) has waited for you more than %(days)s days.")


def remind_overdue_reviewers(session: Any, now: datetime | None = None) -> int:
    """The reminder job: tell each waiting reviewer once a day about claims older than the setting. Returns how
    many claims were reminded about."""

    now = now or utcnow()
    days = int(platform.setting("expenses.reminder_days"))
    count = 0
    for claim in overdue_claims(session, days, now):
        if claim.reminded_at is not None and claim.reminded_at > now - timedelta(hours=23):
            continue
        # A conditional UPDATE, not the versioned ORM write: the job must not fail on (or bump the version under)
        # a reviewer's step taken meanwhile, and a claim that has moved on is not reminded about.
        taken = session.execute(
            update(Claim).where(Claim.id == claim.id, Claim.state == claim.state,
                                or_(Claim.reminded_at.is_(None), Claim.reminded_at <= now - timedelta(hours=23)))
            .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount
        if taken != 1:
            continue
        if claim.state == SUBMITTED:
            people = {claim.approver_id} if claim.approver_id else set()
        else:
            people = users_with_permission(session, FINANCE_REVIEW if claim.state == DEPT_APPROVED else PAY)
        people.discard(claim.claimant_id)
        if people:
            platform.notify(people, REMINDER, claim_path(claim), about=claim_subject(claim), number=claim.number,
                            title=claim.title, days=days)
        set_committed_value(claim, "reminded_at", now)  # as written above
        count += 1
    session.flush()
    return count
