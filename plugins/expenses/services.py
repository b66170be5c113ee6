"""The rules of R9: claims and their state machine, receipts, budgets and over-budget control.

No request objects here: views, the API, jobs, tests and other plugins call these functions with a session and a
user. Nothing commits; the caller commits (or rolls back on an ExpenseError, so nothing is half-saved).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from core.identity.models import Department, Grant, User, user_roles
from core.money import parse_money
from core.security import can, scope_for, team_ids
from core.timeutil import utcnow
from core.web.locale import money
from plugins.expenses import platform
from plugins.expenses.models import (
    BUDGET_APPROVED,
    BUDGET_DRAFT,
    COMMITTED_STATES,
    DEPT_APPROVED,
    DRAFT,
    EDITABLE_STATES,
    FINANCE_APPROVED,
    PAID,
    POLICIES,
    POLICY_BLOCK,
    REJECTED,
    RETURNED,
    SUBMITTED,
    Budget,
    BudgetMonth,
    Category,
    Claim,
    ClaimEvent,
    ClaimLine,
    Payment,
    Receipt,
)

VIEW = "expenses.claim.view"
CREATE = "expenses.claim.create"
FINANCE_REVIEW = "expenses.claim.finance_review"
PAY = "expenses.claim.pay"
BUDGET_VIEW = "expenses.budget.view"
BUDGET_MANAGE = "expenses.budget.manage"
BUDGET_APPROVE = "expenses.budget.approve"

CENT = Decimal("0.01")
PAYMENT_METHODS = ("bank_transfer", "cash", "alipay", "wechat", "cheque", "other")
#: Default categories of R9.1.1 (code, English source name; shown translated while unchanged).
DEFAULT_CATEGORIES = (
    ("marketing", "Marketing and promotion"),
    ("personnel", "Personnel"),
    ("travel", "Travel"),
    ("office", "Office supplies"),
)

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


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass
class LineInput:
    expense_date: date | None
    category_id: int | None
    amount: Any
    description: str
    invoice_number: str
    line_id: int | None = None


@dataclass
class Upload:
    filename: str
    data: bytes


@dataclass
class PaymentInput:
    paid_on: date | None
    method: str
    reference: str = ""


@dataclass(frozen=True)
class BudgetWarning:
    category_id: int
    category_name: str
    year: int
    amount: Decimal
    remaining: Decimal
    policy: str

    def as_dict(self) -> dict[str, Any]:
        return {"category_id": self.category_id, "category": self.category_name, "year": self.year,
                "amount": str(self.amount), "remaining": str(self.remaining), "policy": self.policy}


@dataclass
class TransitionResult:
    claim: Claim
    warnings: list[BudgetWarning] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------- categories


#: The defaults' names in the reader's language (shown while a company keeps the default name).
DEFAULT_CATEGORY_LABELS = {"marketing": _l("Marketing and promotion"), "personnel": _l("Personnel"),
                           "travel": _l("Travel"), "office": _l("Office supplies")}


def category_label(category: Category) -> str:
    """The category's name, translated while it is still one of the R9.1.1 defaults."""
    if dict(DEFAULT_CATEGORIES).get(category.code) == category.name:
        return str(DEFAULT_CATEGORY_LABELS[category.code])
    return category.name


def ensure_default_categories(session: Any) -> None:
    """Seed the R9.1.1 categories once; a company may rename, add or deactivate them afterwards."""
    existing = set(session.scalars(select(Category.code)))
    policy = platform.setting("expenses.default_policy")
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES):
        if code not in existing:
            session.add(Category(code=code, name=name, over_budget_policy=policy, position=position * 10))
    session.flush()


def save_category(session: Any, *, code: str, name: str, policy: str, active: bool = True,
                  category: Category | None = None) -> Category:
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors: dict[str, str] = {}
    if not code or len(code) > 40 or not code.replace("_", "").isalnum():
        errors["code"] = _("Use 1 to 40 letters, digits or underscores.")
    if not name or len(name) > 120:
        errors["name"] = _("A name of 1 to 120 characters is required.")
    if policy not in POLICIES:
        errors["policy"] = _("Choose warn or block.")
    taken = session.scalar(select(Category.id).where(Category.code == code))
    if taken is not None and (category is None or taken != category.id):
        errors["code"] = _("Another category already uses this code.")
    if errors:
        raise InvalidInput(errors)
    if category is None:
        category = Category(code=code, position=1000)
        session.add(category)
    category.code, category.name, category.over_budget_policy, category.active = code, name, policy, active
    session.flush()
    return category


def active_categories(session: Any) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.active).order_by(Category.position, Category.id)))


# ---------------------------------------------------------------------------------------------------- visibility


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
        conditions.append(Claim.claimant_id.in_(sorted(team_ids(user))))
        headed = select(Department.id).where(Department.head_id == user.id)
        conditions.append(Claim.department_id.in_(headed))
    if can(user, FINANCE_REVIEW) or can(user, PAY):
        conditions.append(Claim.state.in_((DEPT_APPROVED, FINANCE_APPROVED, PAID)))
    return or_(*conditions) if conditions else false()


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


# ---------------------------------------------------------------------------------------------------- validation


def parse_amount(value: Any) -> Decimal:
    """A money amount exact to the fen, or ValueError with the reason (for the field's message)."""
    if isinstance(value, float):
        raise ValueError(_("Give the amount as text or a decimal number, not a float."))
    # The one reader of amounts (core.money, issue 11 F4): beyond Numeric(14, 2), NaN, zero, a third decimal.
    amount = parse_money(value, positive=True, exact=True)
    ceiling = platform.setting("expenses.amount_ceiling")
    if amount > ceiling:
        raise ValueError(_("More than %(ceiling)s is not accepted on one line.", ceiling=f"{ceiling:,.2f}"))
    return amount


def normalise_invoice(number: str) -> str:
    """Invoice numbers compare without spaces, dashes or case: "12 34-ab" and "1234AB" are the same invoice."""
    return "".join(ch for ch in (number or "").upper() if ch.isalnum())


def _validate_lines(session: Any, lines: list[LineInput], claim_id: int | None) -> list[tuple[LineInput, Decimal, str]]:
    errors: dict[str, str] = {}
    if not lines:
        errors["lines"] = _("Add at least one expense line.")
    categories = {c.id: c for c in session.scalars(select(Category))}
    today = platform.local_today()
    checked: list[tuple[LineInput, Decimal, str]] = []
    seen: dict[str, int] = {}
    for index, line in enumerate(lines):
        prefix = f"lines.{index}."
        if line.expense_date is None:
            errors[prefix + "expense_date"] = _("Enter the date of the expense.")
        elif line.expense_date > today:
            errors[prefix + "expense_date"] = _("The expense date cannot be in the future.")
        category = categories.get(line.category_id) if line.category_id is not None else None
        if category is None or not category.active:
            errors[prefix + "category_id"] = _("Choose a category.")
        try:
            amount = parse_amount(line.amount)
        except ValueError as exc:
            errors[prefix + "amount"] = str(exc)
            amount = Decimal("0")
        description = (line.description or "").strip()
        if not description or len(description) > 300:
            errors[prefix + "description"] = _("Describe the expense in 1 to 300 characters.")
        key = normalise_invoice(line.invoice_number)
        if not key or len((line.invoice_number or "").strip()) > 60:
            errors[prefix + "invoice_number"] = _("Enter the invoice or receipt number (up to 60 characters).")
        elif key in seen:
            errors[prefix + "invoice_number"] = _("The same invoice appears on line %(n)s.", n=seen[key] + 1)
        else:
            seen[key] = index
        checked.append((line, amount, key))
    if seen:
        taken = session.execute(
            select(ClaimLine.invoice_key, Claim.number).join(Claim)
            .where(ClaimLine.invoice_key.in_(list(seen)), Claim.id != (claim_id or 0))
        ).all()
        for key, number in taken:
            errors[f"lines.{seen[key]}.invoice_number"] = _(
                "This invoice is already claimed on claim %(number)s.", number=number or "—")
    if errors:
        raise InvalidInput(errors)
    return checked


RECEIPT_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


def receipt_type(data: bytes) -> str | None:
    """The content type from the file's first bytes (never from the name or the browser's word for it)."""
    for signature, content_type, _ext in RECEIPT_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_upload(upload: Upload) -> str:
    """The receipt's content type, or ValueError: only images and PDFs within the size limit (R9.2.1)."""
    limit_kb = int(platform.setting("expenses.receipt_max_kb"))
    if not upload.data:
        raise ValueError(_("The file is empty."))
    if len(upload.data) > limit_kb * 1024:
        raise ValueError(_("The file is larger than %(limit)s KB.", limit=limit_kb))
    content_type = receipt_type(upload.data)
    if content_type is None:
        raise ValueError(_("Only images (PNG, JPEG, GIF, WebP) and PDF files are accepted as receipts."))
    return content_type


def _receipt(upload: Upload, content_type: str, user: Any) -> Receipt:
    name = (upload.filename or "receipt").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "receipt"
    return Receipt(filename=name, content_type=content_type, size=len(upload.data),
                   sha256=hashlib.sha256(upload.data).hexdigest(), content=upload.data, uploaded_by_id=user.id)


# ---------------------------------------------------------------------------------------------------- claims


def _check_editable(claim: Claim, user: Any) -> None:
    if claim.claimant_id != user.id:
        raise NotPermitted(_("Only the claimant may change this claim."), "not_claimant")
    if claim.state not in EDITABLE_STATES:
        raise TransitionRefused(
            _("A claim that is submitted, approved, paid or rejected cannot be edited."), "not_editable")


def _flush(session: Any) -> None:
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


def _line_summary(line: ClaimLine | LineInput, amount: Decimal | None = None) -> dict[str, str]:
    return {
        "date": str(line.expense_date), "category_id": str(line.category_id),
        "amount": str(amount if amount is not None else line.amount),
        "description": (line.description or "").strip(), "invoice_number": (line.invoice_number or "").strip(),
    }


def create_claim(session: Any, user: Any, title: str, lines: list[LineInput],
                 receipts: dict[int, list[Upload]] | None = None) -> Claim:
    """A new draft claim of ``user`` with its lines, and receipts per line index."""
    if not can(user, CREATE):
        raise NotPermitted(_("You may not file expense claims."), "not_permitted")
    claim = Claim(title="", claimant_id=user.id, department_id=user.department_id, state=DRAFT)
    _apply(session, claim, user, title, lines, receipts or {}, record=False)
    claim.number = f"BX{platform.local_today().year}{claim.id:06d}"
    _flush(session)
    return claim


def update_claim(session: Any, claim: Claim, user: Any, title: str, lines: list[LineInput],
                 receipts: dict[int, list[Upload]] | None = None, expected_version: int | None = None) -> Claim:
    """Replace the claim's title and lines (lines keep their receipts by ``line_id``). Draft or returned only;
    after a first submission every change is written to the claim's history."""
    _check_editable(claim, user)
    if expected_version is not None and expected_version != claim.version:
        raise ConcurrentChange()
    try:
        _apply(session, claim, user, title, lines, receipts or {}, record=claim.first_submitted_at is not None)
    except StaleDataError as exc:  # flushed before _flush (freeing the invoice keys): the same refusal as there
        session.rollback()
        raise ConcurrentChange() from exc
    return claim


def _apply(session: Any, claim: Claim, user: Any, title: str, lines: list[LineInput],
           receipts: dict[int, list[Upload]], record: bool) -> None:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = _("A title of 1 to 200 characters is required.")
    try:
        checked = _validate_lines(session, lines, claim.id)
    except InvalidInput as exc:
        errors.update(exc.errors)
        checked = []
    types: dict[tuple[int, int], str] = {}
    for index, uploads in receipts.items():
        for number, upload in enumerate(uploads):
            try:
                types[(index, number)] = check_upload(upload)
            except ValueError as exc:
                errors[f"lines.{index}.receipt"] = str(exc)
    existing = {line.id: line for line in claim.lines}
    for index, line in enumerate(lines):
        if line.line_id is not None and line.line_id not in existing:
            errors[f"lines.{index}.line_id"] = _("This line does not belong to the claim.")
    if errors:
        raise InvalidInput(errors)

    if claim not in session:
        session.add(claim)
    changes: list[dict[str, Any]] = []
    if claim.title != title and claim.id is not None:
        changes.append({"field": "title", "old": claim.title, "new": title})
    claim.title = title
    kept: set[int] = set()
    # Free the invoice keys of changed lines first, so that moving a number between lines is not a collision.
    for line_input, _amount, _key in checked:
        if line_input.line_id is not None:
            kept.add(line_input.line_id)
    removed = [line for line_id, line in existing.items() if line_id not in kept]
    for line in removed:
        changes.append({"line": line.position + 1, "field": "removed", "old": _line_summary(line), "new": None})
        claim.lines.remove(line)
    for line_input, _amount, _key in checked:
        if line_input.line_id is not None:
            existing[line_input.line_id].invoice_key = None
    session.flush()
    for position, (line_input, amount, key) in enumerate(checked):
        values = {"expense_date": line_input.expense_date, "category_id": line_input.category_id,
                  "amount": amount, "description": line_input.description.strip(),
                  "invoice_number": line_input.invoice_number.strip(), "invoice_key": key, "position": position}
        if line_input.line_id is not None:
            line = existing[line_input.line_id]
            before = _line_summary(line)
            for name, value in values.items():
                setattr(line, name, value)
            after = _line_summary(line)
            if before != after:
                changes.append({"line": position + 1, "field": "changed", "old": before, "new": after})
        else:
            line = ClaimLine(**values)
            claim.lines.append(line)
            changes.append({"line": position + 1, "field": "added", "old": None, "new": _line_summary(line, amount)})
        for number, upload in enumerate(receipts.get(position, [])):
            line.receipts.append(_receipt(upload, types[(position, number)], user))
            changes.append({"line": position + 1, "field": "receipt", "old": None, "new": upload.filename})
    claim.total = sum((amount for _l, amount, _k in checked), Decimal("0.00"))
    claim.updated_at = utcnow()
    _flush(session)
    if record and changes:
        _event(session, claim, user, "edited", details={"changes": changes})


def add_receipt(session: Any, claim: Claim, line: ClaimLine, user: Any, upload: Upload) -> Receipt:
    _check_editable(claim, user)
    if line.claim_id != claim.id:
        raise InvalidInput({"line": _("This line does not belong to the claim.")})
    try:
        content_type = check_upload(upload)
    except ValueError as exc:
        raise InvalidInput({f"receipt.{line.id}": str(exc)}) from exc
    receipt = _receipt(upload, content_type, user)
    line.receipts.append(receipt)
    claim.updated_at = utcnow()
    _flush(session)
    if claim.first_submitted_at is not None:
        _event(session, claim, user, "edited", details={"changes": [
            {"line": line.position + 1, "field": "receipt", "old": None, "new": receipt.filename}]})
    return receipt


def remove_receipt(session: Any, receipt: Receipt, user: Any) -> None:
    claim = receipt.line.claim
    _check_editable(claim, user)
    if claim.first_submitted_at is not None:
        _event(session, claim, user, "edited", details={"changes": [
            {"line": receipt.line.position + 1, "field": "receipt", "old": receipt.filename, "new": None}]})
    receipt.line.receipts.remove(receipt)
    claim.updated_at = utcnow()
    _flush(session)


def _event(session: Any, claim: Claim, user: Any, action: str, *, from_state: str | None = None,
           to_state: str | None = None, reason: str = "", details: dict[str, Any] | None = None) -> ClaimEvent:
    event = ClaimEvent(claim=claim, user_id=user.id, action=action, from_state=from_state, to_state=to_state,
                       reason=reason, details=json.dumps(details, ensure_ascii=False) if details else "")
    session.add(event)
    return event


# ---------------------------------------------------------------------------------------------------- state machine


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


def find_approver(session: Any, claimant: User) -> User | None:
    """The department head of the claimant's department; for a head's own claim (or a department without a
    head), the claimant's superior (R9.2.2). Never the claimant."""
    department = session.get(Department, claimant.department_id) if claimant.department_id else None
    candidates = []
    if department is not None and department.head_id:
        candidates.append(department.head_id)
    if claimant.superior_id:
        candidates.append(claimant.superior_id)
    for user_id in candidates:
        if user_id == claimant.id:
            continue
        user = session.get(User, user_id)
        if user is not None and user.active:
            return user
    return None


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

    reference = _check_payment(payment) if action == "pay" else ""
    if action == "submit":
        _prepare_submission(session, claim, user)
    warnings: list[BudgetWarning] = []
    if step.checks_budget:
        warnings = budget_warnings(session, claim)
        blocking = [w for w in warnings if w.policy == POLICY_BLOCK]
        if blocking:
            first = blocking[0]
            raise TransitionRefused(_(
                "Over budget: %(category)s %(year)s has %(remaining)s left, this claim needs %(amount)s. "
                "The budget must be raised first.", category=first.category_name, year=first.year,
                remaining=f"{first.remaining:,.2f}", amount=f"{first.amount:,.2f}"), "over_budget")
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
    _event(session, claim, user, action, from_state=source, to_state=step.target, reason=reason, details=details)
    _flush(session)
    _announce(session, claim, user, step, reason)
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


def _check_payment(payment: PaymentInput | None) -> str:
    """The payment's reference once date and method are valid (R9.2.3 completion: date, method, reference)."""
    errors: dict[str, str] = {}
    if payment is None or payment.paid_on is None:
        errors["paid_on"] = _("Enter the payment date.")
    elif payment.paid_on > platform.local_today():
        errors["paid_on"] = _("The payment date cannot be in the future.")
    if payment is None or payment.method not in PAYMENT_METHODS:
        errors["method"] = _("Choose how the claim was paid.")
    reference = (payment.reference if payment else "").strip()
    if len(reference) > 100:
        errors["reference"] = _("Keep the reference under 100 characters.")
    if errors:
        raise InvalidInput(errors)
    return reference


def pay_batch(session: Any, claims: list[Claim], user: Any, payment: PaymentInput) -> list[TransitionResult]:
    """Pay several finance-approved claims with one date, method and reference; all or none."""
    if not claims:
        raise InvalidInput({"claims": _("Choose at least one claim to pay.")})
    batch = f"B{utcnow():%Y%m%d%H%M%S}-{user.id}"
    return [transition(session, claim, user, "pay", payment=payment, batch=batch) for claim in claims]


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


def _announce(session: Any, claim: Claim, actor: Any, step: Step, reason: str) -> None:
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
    if step.action in CLAIMANT_MESSAGES and actor.id != claim.claimant_id:
        platform.notify({claim.claimant_id}, CLAIMANT_MESSAGES[step.action], claim_path(claim), **params)


STATE_LABELS = {
    DRAFT: _l("Draft"), SUBMITTED: _l("Waiting for department head"), DEPT_APPROVED: _l("Waiting for finance"),
    FINANCE_APPROVED: _l("Approved, waiting for payment"), PAID: _l("Paid"), RETURNED: _l("Returned for changes"),
    REJECTED: _l("Rejected"),
}


def state_label(state: str | None) -> str:
    return str(STATE_LABELS[state]) if state in STATE_LABELS else (state or "—")


# ---------------------------------------------------------------------------------------------------- budgets


@dataclass(frozen=True)
class BudgetFigure:
    """One budget line with its live figures (R9.1.2): only an approved line's amount is allocated."""

    budget_id: int
    department_id: int
    department: str
    category_id: int
    category: str
    year: int
    state: str
    amount: Decimal
    committed: Decimal
    spent: Decimal

    @property
    def allocated(self) -> Decimal:
        return self.amount if self.state == BUDGET_APPROVED else Decimal("0.00")

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed - self.spent

    @property
    def used_ratio(self) -> Decimal | None:
        if not self.allocated:
            return None
        return ((self.committed + self.spent) / self.allocated).quantize(Decimal("0.001"))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def _usage_subquery(year: int, department_ids: Iterable[int] | None = None) -> Any:
    """Committed and spent per (department, category) in ``year``, one GROUP BY over the claim lines (of the given
    departments' claims only, when they are given)."""
    start, end = _year_bounds(year)
    query = (
        select(
            Claim.department_id.label("department_id"), ClaimLine.category_id.label("category_id"),
            func.coalesce(func.sum(case((Claim.state.in_(COMMITTED_STATES), ClaimLine.amount))), 0).label("committed"),
            func.coalesce(func.sum(case((Claim.state == PAID, ClaimLine.amount))), 0).label("spent"),
        )
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(ClaimLine.expense_date >= start, ClaimLine.expense_date < end,
               Claim.state.in_((*COMMITTED_STATES, PAID)))
        .group_by(Claim.department_id, ClaimLine.category_id)
    )
    if department_ids is not None:
        query = query.where(Claim.department_id.in_(list(department_ids)))
    return query.subquery()


def budget_lines_query(year: int, department_ids: Iterable[int] | None = None, with_usage: bool = False) -> Any:
    """The budget lines of ``year`` as one select, ordered by department and category; list pages re-sort and
    paginate it in SQL, then :func:`budget_page_figures` adds the live figures.

    ``with_usage`` joins committed and spent of every line (one GROUP BY over the year's claim lines), which only
    sorting by what is left needs; otherwise the figures are computed for the shown lines alone."""
    columns = [Budget.id, Budget.department_id, Department.name, Budget.category_id, Category.code,
               Category.name, Budget.year, Budget.state, Budget.amount]
    query = select(*columns)
    if with_usage:
        usage = _usage_subquery(year)
        query = (select(*columns, func.coalesce(usage.c.committed, 0).label("committed"),
                        func.coalesce(usage.c.spent, 0).label("spent"))
                 .outerjoin(usage, and_(usage.c.department_id == Budget.department_id,
                                        usage.c.category_id == Budget.category_id)))
    query = (query.join(Department, Department.id == Budget.department_id)
             .join(Category, Category.id == Budget.category_id)
             .where(Budget.year == year)
             .order_by(Department.name, Category.position, Category.id))
    if department_ids is not None:
        query = query.where(Budget.department_id.in_(list(department_ids)))
    return query


def budget_remaining_column(query: Any) -> Any:
    """allocated − committed − spent as SQL over ``budget_lines_query(..., with_usage=True)``, to sort by it."""
    allocated = case((Budget.state == BUDGET_APPROVED, Budget.amount), else_=0)
    return allocated - query.selected_columns.committed - query.selected_columns.spent


def budget_page_figures(session: Any, year: int, rows: list[Any]) -> list[BudgetFigure]:
    """Rows of :func:`budget_lines_query` as BudgetFigures: with their usage columns as they are, else with one
    more query that sums the claim lines of these rows' departments and categories only."""
    if not rows:
        return []
    if "committed" in rows[0]._fields:
        usage = {(row[1], row[3]): (row.committed, row.spent) for row in rows}
    else:
        # By department only: a category filter on top steers both databases to a line-by-line plan that is
        # slower than summing the departments' claims whole (bench/expenses_bench.py).
        sub = _usage_subquery(year, {row[1] for row in rows})
        usage = {(d, c): (committed, spent) for d, c, committed, spent in session.execute(select(sub))}
    figures = []
    labels: dict[tuple[str, str], str] = {}  # a handful of categories: translate each once, not once a row
    for row in rows:
        committed, spent = usage.get((row[1], row[3]), (0, 0))
        label = labels.get((row[4], row[5]))
        if label is None:
            label = labels[(row[4], row[5])] = category_label(Category(code=row[4], name=row[5]))
        figures.append(BudgetFigure(row[0], row[1], row[2], row[3], label, row[6], row[7], Decimal(row[8]),
                                    Decimal(committed).quantize(CENT), Decimal(spent).quantize(CENT)))
    return figures


def budget_figures(session: Any, year: int, department_ids: Iterable[int] | None = None,
                   offset: int = 0, limit: int | None = None) -> list[BudgetFigure]:
    """The budget lines of ``year`` with allocated / committed / spent / remaining, in two queries."""
    query = budget_lines_query(year, department_ids)
    if limit is not None:
        query = query.offset(offset).limit(limit)
    return budget_page_figures(session, year, list(session.execute(query)))


def budget_warnings(session: Any, claim: Claim) -> list[BudgetWarning]:
    """The claim's (category, year) parts that exceed what their approved budget has left (R9.x).

    The claim itself is left out of "committed" while it is counted there, so a re-check at each approval
    compares it with what the others leave."""
    needed: dict[tuple[int, int], Decimal] = {}
    for line in claim.lines:
        key = (line.category_id, line.expense_date.year)
        needed[key] = needed.get(key, Decimal("0")) + line.amount
    if not needed or claim.department_id is None:
        return []
    categories = {c.id: c for c in session.scalars(select(Category).where(Category.id.in_([k[0] for k in needed])))}
    warnings = []
    for year in sorted({k[1] for k in needed}):
        usage = _usage_subquery(year, [claim.department_id])
        rows = session.execute(
            select(Category.id, func.coalesce(Budget.amount, 0), func.coalesce(usage.c.committed, 0),
                   func.coalesce(usage.c.spent, 0))
            .select_from(Category)
            .outerjoin(Budget, and_(Budget.category_id == Category.id, Budget.year == year,
                                    Budget.department_id == claim.department_id, Budget.state == BUDGET_APPROVED))
            .outerjoin(usage, and_(usage.c.category_id == Category.id,
                                   usage.c.department_id == claim.department_id))
            .where(Category.id.in_([k[0] for k in needed if k[1] == year]))
        ).all()
        for category_id, allocated, committed, spent in rows:
            amount = needed[(category_id, year)]
            remaining = Decimal(allocated) - Decimal(committed) - Decimal(spent)
            if claim.state in COMMITTED_STATES:
                remaining += amount
            if amount > remaining:
                category = categories[category_id]
                warnings.append(BudgetWarning(category_id, category_label(category), year, amount,
                                              remaining.quantize(CENT), category.over_budget_policy))
    return warnings


def save_budget(session: Any, user: Any, *, department_id: int | None, category_id: int | None, year: Any,
                amount: Any, months: list[Any] | None = None, note: str = "", budget: Budget | None = None,
                expected_version: int | None = None) -> Budget:
    """Create or change a draft budget line; ``months`` (twelve amounts, or None) must add up to ``amount``."""
    if not can(user, BUDGET_MANAGE):
        raise NotPermitted(_("You may not set budgets."), "not_permitted")
    if budget is not None and budget.state != BUDGET_DRAFT:
        raise TransitionRefused(_("An approved budget cannot be changed; ask for it to be reopened."), "not_editable")
    if budget is not None and expected_version is not None and budget.version != expected_version:
        raise ConcurrentChange()
    errors: dict[str, str] = {}
    if department_id is None or session.get(Department, department_id) is None:
        errors["department_id"] = _("Choose a department.")
    category = session.get(Category, category_id) if category_id is not None else None
    if category is None:
        errors["category_id"] = _("Choose a category.")
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("Enter a year such as 2026.")
        year = 0
    try:
        total = _budget_amount(amount)
    except ValueError as exc:
        errors["amount"] = str(exc)
        total = Decimal("0")
    split: list[Decimal] = []
    if months and any(str(m).strip() for m in months if m is not None):
        for index, value in enumerate(months):
            try:
                split.append(_budget_amount(value if str(value or "").strip() else "0"))
            except ValueError as exc:
                errors[f"months.{index}"] = str(exc)
        if len(months) != 12:
            errors["months"] = _("Give all twelve months, or none.")
        elif "amount" not in errors and not any(k.startswith("months.") for k in errors) and sum(split) != total:
            errors["months"] = _("The months add up to %(sum)s, not %(total)s.", sum=f"{sum(split):,.2f}",
                                 total=f"{total:,.2f}")
    if not errors:
        clash = session.scalar(select(Budget.id).where(Budget.department_id == department_id,
                                                       Budget.category_id == category_id, Budget.year == year))
        if clash is not None and (budget is None or clash != budget.id):
            errors["category_id"] = _("This department already has a budget for this category and year.")
    if errors:
        raise InvalidInput(errors)
    if budget is None:
        budget = Budget(created_by_id=user.id, state=BUDGET_DRAFT)
        session.add(budget)
    budget.department_id, budget.category_id, budget.year, budget.amount = department_id, category_id, year, total
    budget.note = (note or "").strip()[:2000]
    budget.months = [BudgetMonth(month=i + 1, amount=a) for i, a in enumerate(split)]
    _flush(session)
    return budget


def _budget_amount(value: Any) -> Decimal:
    # The one reader of amounts (core.money, issue 11 F4): not negative, within Numeric(14, 2), exact to the fen.
    return parse_money(value, exact=True)


def approve_budget(session: Any, budget: Budget, user: Any) -> Budget:
    """A draft budget line starts to count once approved (R9.1.2)."""
    if not can(user, BUDGET_APPROVE):
        raise NotPermitted(_("You may not approve budgets."), "not_permitted")
    if budget.state != BUDGET_DRAFT:
        raise TransitionRefused(_("This budget is already approved."), "wrong_state")
    budget.state, budget.approved_by_id, budget.approved_at = BUDGET_APPROVED, user.id, utcnow()
    _flush(session)
    return budget


def reopen_budget(session: Any, budget: Budget, user: Any) -> Budget:
    """Take an approved line back to draft to revise it; it stops counting until approved again."""
    if not can(user, BUDGET_APPROVE):
        raise NotPermitted(_("You may not approve budgets."), "not_permitted")
    if budget.state != BUDGET_APPROVED:
        raise TransitionRefused(_("Only an approved budget can be reopened."), "wrong_state")
    budget.state, budget.approved_by_id, budget.approved_at = BUDGET_DRAFT, None, None
    _flush(session)
    return budget


# ---------------------------------------------------------------------------------------------------- queries


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


def waiting_since(claim: Claim) -> datetime | None:
    """When the claim started to wait for its current reviewer."""
    return {SUBMITTED: claim.submitted_at, DEPT_APPROVED: claim.dept_approved_at,
            FINANCE_APPROVED: claim.finance_approved_at}.get(claim.state)


def overdue_claims(session: Any, days: int, now: datetime | None = None) -> list[Claim]:
    """Claims waiting for a review or payment longer than ``days``."""
    from datetime import timedelta

    limit = (now or utcnow()) - timedelta(days=days)
    return list(session.scalars(
        select(Claim).where(or_(
            and_(Claim.state == SUBMITTED, Claim.submitted_at < limit),
            and_(Claim.state == DEPT_APPROVED, Claim.dept_approved_at < limit),
            and_(Claim.state == FINANCE_APPROVED, Claim.finance_approved_at < limit),
        )).order_by(Claim.submitted_at)
    ))


REMINDER = _l("Reminder: expense claim %(number)s (%(title)s) has waited for you more than %(days)s days.")


def remind_overdue_reviewers(session: Any, now: datetime | None = None) -> int:
    """The reminder job: tell each waiting reviewer once a day about claims older than the setting. Returns how
    many claims were reminded about."""
    from datetime import timedelta

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
