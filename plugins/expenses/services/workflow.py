"""The claim's state machine (R9.2.1–R9.2.3): who may take which step from which state, the approver, and what
each step records and announces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import User
from core.security import can
from core.timeutil import utcnow
from core.web.locale import money
from plugins.expenses.labels import state_label
from plugins.expenses.models import (
    DEPT_APPROVED,
    DRAFT,
    FINANCE_APPROVED,
    PAID,
    POLICY_BLOCK,
    REJECTED,
    RETURNED,
    SUBMITTED,
    Claim,
    Payment,
)
from plugins.expenses.services.approvers import find_approver
from plugins.expenses.services.budgets import BudgetWarning, budget_room, budget_warnings
from plugins.expenses.services.claims import record_event
from plugins.expenses.services.common import (
    FINANCE_REVIEW,
    PAY,
    ConcurrentChange,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    flush_or_refuse,
)
from plugins.expenses.services.notices import announce
from plugins.expenses.services.payments import PaymentInput, check_payment


@dataclass
class TransitionResult:
    claim: Claim
    warnings: list[BudgetWarning] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One transition: from which states, to which, who may take it, and whether a reason is required."""

    action: str
    sources: tuple[str, ...]
    target: str
    who: str  # claimant / approver / finance / payer
    reason_required: bool = False
    checks_budget: bool = False


STEPS: dict[str, Step] = {s.action: s for s in (
    Step("submit", (DRAFT, RETURNED), SUBMITTED, "claimant", checks_budget=True),
    Step("approve", (SUBMITTED,), DEPT_APPROVED, "approver", checks_budget=True),  # R9.2.2
    Step("return", (SUBMITTED,), RETURNED, "approver", reason_required=True),
    Step("reject", (SUBMITTED,), REJECTED, "approver", reason_required=True),
    Step("finance_approve", (DEPT_APPROVED,), FINANCE_APPROVED, "finance", checks_budget=True),  # R9.2.3
    Step("finance_return", (DEPT_APPROVED,), RETURNED, "finance", reason_required=True),
    Step("finance_reject", (DEPT_APPROVED,), REJECTED, "finance", reason_required=True),
    Step("pay", (FINANCE_APPROVED,), PAID, "payer"),  # R9.2.3 completion: paid out after finance approval
)}


def _who_refusal(step: Step, claim: Claim, user: Any) -> str | None:
    """Why ``user`` may not take ``step`` on ``claim`` (None if they may)."""
    if step.who == "claimant":
        return None if claim.claimant_id == user.id else _("Only the claimant may submit this claim.")
    if claim.claimant_id == user.id:
        return _("Nobody may approve, return, reject or pay their own claim.")
    if step.who == "approver":
        if claim.approver_id != user.id:
            return _("This claim waits for the review of %(name)s.",
                     name=claim.approver.name if claim.approver else "—")
        return None
    permission = FINANCE_REVIEW if step.who == "finance" else PAY
    return None if can(user, permission) else _("Only finance may take this step.")


def allowed_actions(claim: Claim, user: Any) -> list[str]:
    """The steps ``user`` may take on ``claim`` now (what the page offers as buttons)."""
    return [s.action for s in STEPS.values() if claim.state in s.sources and _who_refusal(s, claim, user) is None]


def transition(session: Any, claim: Claim, user: Any, action: str, *, reason: str = "",
               payment: PaymentInput | None = None, expected_version: int | None = None,
               batch: str | None = None) -> TransitionResult:
    """Take ``action`` on ``claim`` as ``user``: checks state, person, reason and budget, records the event,
    notifies the next person and the claimant. Raises TransitionRefused / NotPermitted / ConcurrentChange."""
    try:
        return _transition(session, claim, user, action, reason=reason, payment=payment,
                           expected_version=expected_version, batch=batch)
    except StaleDataError as exc:
        # Someone else took a step on the claim since it was read, and a query flushed this step's change before
        # _flush did (loading the lines of a rejected claim, for one): the same refusal as there.
        session.rollback()
        raise ConcurrentChange() from exc


def _transition(session: Any, claim: Claim, user: Any, action: str, *, reason: str,
                payment: PaymentInput | None, expected_version: int | None, batch: str | None) -> TransitionResult:
    step = STEPS.get(action)
    if step is None:
        raise TransitionRefused(_("Unknown step %(action)s.", action=action), "unknown_action")
    if expected_version is not None and expected_version != claim.version:
        raise ConcurrentChange()
    if claim.state not in step.sources:
        raise TransitionRefused(_("This step is not possible while the claim is %(state)s.",
                                  state=state_label(claim.state)), "wrong_state")
    refusal = _who_refusal(step, claim, user)
    if refusal:
        raise NotPermitted(refusal, "not_permitted")
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        raise InvalidInput({"reason": _("Give a reason: the claimant sees it.")})
    if len(reason) > 2000:
        raise InvalidInput({"reason": _("Keep the reason under 2,000 characters.")})

    reference = check_payment(payment) if action == "pay" else ""
    if action == "submit":
        _prepare_submission(session, claim, user)
    warnings: list[BudgetWarning] = []
    if step.checks_budget:
        warnings = budget_warnings(session, claim)
        blocking = [w for w in warnings if w.policy == POLICY_BLOCK]
        if blocking:
            first = blocking[0]
            raise TransitionRefused(_(
                "Over budget: %(category)s %(year)s: %(room)s, this claim needs %(amount)s. "
                "The budget must be raised first.", category=first.category_name, year=first.year,
                room=budget_room(first.remaining), amount=money(first.amount)), "over_budget")
        if warnings:
            claim.over_budget = True

    now = utcnow()
    source = claim.state
    claim.state = step.target
    claim.updated_at = now
    if action == "submit":
        claim.submitted_at = now
        claim.first_submitted_at = claim.first_submitted_at or now
        claim.reminded_at = None
    elif action == "approve":
        claim.dept_approved_at = now
        claim.reminded_at = None
    elif action == "finance_approve":
        claim.finance_approved_at = now
    elif step.target == REJECTED:
        for line in claim.lines:  # a rejected claim's invoices may be claimed again, correctly this time
            line.invoice_key = None
    if action == "pay":
        claim.paid_at = now
        session.add(Payment(claim=claim, amount=claim.total, paid_on=payment.paid_on,  # type: ignore[union-attr]
                            method=payment.method, reference=reference, batch=batch,  # type: ignore[union-attr]
                            recorded_by_id=user.id))
    details = {"warnings": [w.as_dict() for w in warnings]} if warnings else None
    record_event(session, claim, user, action, from_state=source, to_state=step.target, reason=reason, details=details)
    flush_or_refuse(session)
    announce(session, claim, user, step.action, reason)
    if action == "pay":
        current_app.extensions["netsales"].call("expense_claim_paid", claim=claim)
    return TransitionResult(claim, warnings)


def _prepare_submission(session: Any, claim: Claim, user: Any) -> None:
    errors: dict[str, str] = {}
    if not claim.lines:
        errors["lines"] = _("Add at least one expense line before submitting.")
    for line in claim.lines:
        if not line.receipts:
            errors[f"lines.{line.position}.receipt"] = _("Attach the invoice or receipt of line %(n)s.",
                                                         n=line.position + 1)
    claimant = session.get(User, claim.claimant_id)
    approver = find_approver(session, claimant)
    if approver is None:
        errors["approver"] = _("Nobody can review this claim: your department has no head and you have no "
                               "superior. Ask an administrator to set one.")
    if errors:
        raise InvalidInput(errors)
    claim.approver_id = approver.id  # type: ignore[union-attr]
    claim.department_id = claimant.department_id


def pay_batch(session: Any, claims: list[Claim], user: Any, payment: PaymentInput) -> list[TransitionResult]:
    """Pay several finance-approved claims with one date, method and reference; all or none."""
    if not claims:
        raise InvalidInput({"claims": _("Choose at least one claim to pay.")})
    batch = f"B{utcnow():%Y%m%d%H%M%S}-{user.id}"
    return [transition(session, claim, user, "pay", payment=payment, batch=batch) for claim in claims]
