"""What every expenses service shares: the permission codes, the refusals (errors) and the flush that turns a
lost race into a refusal. No request objects in services/: views, the API, jobs, tests and other plugins call the
services with a session and a user. Nothing commits; the caller commits (or rolls back on an ExpenseError, so
nothing is half-saved)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

VIEW = "expenses.claim.view"
CREATE = "expenses.claim.create"
FINANCE_REVIEW = "expenses.claim.finance_review"
PAY = "expenses.claim.pay"
BUDGET_VIEW = "expenses.budget.view"
BUDGET_MANAGE = "expenses.budget.manage"
BUDGET_APPROVE = "expenses.budget.approve"

CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------- errors


class ExpenseError(Exception):
    """A request the rules refuse; ``message`` is for the person who asked, ``code`` for programs."""

    status = 422

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidInput(ExpenseError):
    """Bad input: ``errors`` maps a field ("title", "lines.0.amount") to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Please correct the marked fields."), "invalid")
        self.errors = errors


class TransitionRefused(ExpenseError):
    """The claim is not in a state that allows the step, or the user may not take it."""

    status = 409


class NotPermitted(TransitionRefused):
    status = 403


class ConcurrentChange(ExpenseError):
    """Someone else changed the claim since it was read; exactly one of the two changes won."""

    status = 409

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this claim a moment ago. Reload it and try again."), "conflict")


def flush_or_refuse(session: Any) -> None:
    """Flush, turning a lost race into a clear refusal. The session is rolled back first: a failed flush leaves
    it unusable, and making the translated message may read the signed-in user (an API caller's was expired by
    the token's commit: the loser of two parallel payments got a 500, issue 11 F5)."""
    try:
        session.flush()
    except StaleDataError as exc:
        session.rollback()
        raise ConcurrentChange() from exc
    except IntegrityError as exc:
        session.rollback()
        text = str(exc.orig).lower()
        if "invoice_key" in text:
            raise InvalidInput({"lines": _("One of these invoices was claimed by someone else a moment ago.")}) from exc
        raise ConcurrentChange() from exc
