"""Claims (R9.2.1): their lines and invoices, receipts, and the history of changes after a first submission."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.money import parse_money
from core.security import can
from core.timeutil import utcnow
from core.web.locale import money
from plugins.expenses import platform
from plugins.expenses.models import DRAFT, EDITABLE_STATES, Category, Claim, ClaimEvent, ClaimLine, Receipt
from plugins.expenses.services.common import (
    CREATE,
    ConcurrentChange,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
    flush_or_refuse,
)
from plugins.expenses.services.receipts import Upload, check_upload, new_receipt


@dataclass
class LineInput:
    expense_date: date | None
    category_id: int | None
    amount: Any
    description: str
    invoice_number: str
    line_id: int | None = None


def parse_amount(value: Any) -> Decimal:
    """A money amount exact to the fen, or ValueError with the reason (for the field's message)."""
    if isinstance(value, float):
        raise ValueError(_("Give the amount as text or a decimal number, not a float."))
    # The one reader of amounts (core.money, issue 11 F4): beyond Numeric(14, 2), NaN, zero, a third decimal.
    amount = parse_money(value, positive=True, exact=True)
    ceiling = platform.setting("expenses.amount_ceiling")
    if amount > ceiling:
        raise ValueError(_("More than %(ceiling)s is not accepted on one line.", ceiling=money(ceiling)))
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


def _check_editable(claim: Claim, user: Any) -> None:
    if claim.claimant_id != user.id:
        raise NotPermitted(_("Only the claimant may change this claim."), "not_claimant")
    if claim.state not in EDITABLE_STATES:
        raise TransitionRefused(
            _("A claim that is submitted, approved, paid or rejected cannot be edited."), "not_editable")


def _line_summary(line: ClaimLine | LineInput, amount: Decimal | None = None) -> dict[str, str]:
    return {
        "date": str(line.expense_date), "category_id": str(line.category_id),
        "amount": str(amount if amount is not None else line.amount),
        "description": (line.description or "").strip(), "invoice_number": (line.invoice_number or "").strip(),
    }


def create_claim(session: Any, user: Any, title: str, lines: list[LineInput],
                 receipts: dict[int, list[Upload]] | None = None, source: tuple[str, int] | None = None) -> Claim:
    """A new draft claim of ``user`` with its lines, and receipts per line index. ``source`` is the record key of
    the record whose cost it reimburses (services.sources; the caller has checked that ``user`` may see it)."""
    if not can(user, CREATE):
        raise NotPermitted(_("You may not file expense claims."), "not_permitted")
    claim = Claim(title="", claimant_id=user.id, department_id=user.department_id, state=DRAFT,
                  source_type=source[0] if source else None, source_id=source[1] if source else None)
    _apply(session, claim, user, title, lines, receipts or {}, record=False)
    claim.number = f"BX{platform.local_today().year}{claim.id:06d}"
    flush_or_refuse(session)
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
    # The total before the first flush: a new claim is then written with it, not as "total 0.00 → 120.00" on its
    # timeline (the audit would record the insert and then an update).
    claim.total = sum((amount for _l, amount, _k in checked), Decimal("0.00"))
    categories = {line_input.category_id for line_input, _amount, _key in checked}
    claim.category_id = categories.pop() if len(categories) == 1 else None  # what the list groups by
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
            line.receipts.append(new_receipt(upload, types[(position, number)], user))
            changes.append({"line": position + 1, "field": "receipt", "old": None, "new": upload.filename})
    claim.updated_at = utcnow()
    flush_or_refuse(session)
    if record and changes:
        record_event(session, claim, user, "edited", details={"changes": changes})


def add_receipt(session: Any, claim: Claim, line: ClaimLine, user: Any, upload: Upload) -> Receipt:
    _check_editable(claim, user)
    if line.claim_id != claim.id:
        raise InvalidInput({"line": _("This line does not belong to the claim.")})
    try:
        content_type = check_upload(upload)
    except ValueError as exc:
        raise InvalidInput({f"receipt.{line.id}": str(exc)}) from exc
    receipt = new_receipt(upload, content_type, user)
    line.receipts.append(receipt)
    claim.updated_at = utcnow()
    flush_or_refuse(session)
    if claim.first_submitted_at is not None:
        record_event(session, claim, user, "edited", details={"changes": [
            {"line": line.position + 1, "field": "receipt", "old": None, "new": receipt.filename}]})
    return receipt


def remove_receipt(session: Any, receipt: Receipt, user: Any) -> None:
    claim = receipt.line.claim
    _check_editable(claim, user)
    if claim.first_submitted_at is not None:
        record_event(session, claim, user, "edited", details={"changes": [
            {"line": receipt.line.position + 1, "field": "receipt", "old": receipt.filename, "new": None}]})
    receipt.line.receipts.remove(receipt)
    claim.updated_at = utcnow()
    flush_or_refuse(session)


def record_event(session: Any, claim: Claim, user: Any, action: str, *, from_state: str | None = None,
           to_state: str | None = None, reason: str = "", details: dict[str, Any] | None = None) -> ClaimEvent:
    event = ClaimEvent(claim=claim, user_id=user.id, action=action, from_state=from_state, to_state=to_state,
                       reason=reason, details=json.dumps(details, ensure_ascii=False) if details else "")
    session.add(event)
    return event
