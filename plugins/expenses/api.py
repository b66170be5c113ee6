"""JSON API for claims and budgets under /api/v1/expenses, listed in /api/v1/openapi.json."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.api.validation import SOME_TEXT
from core.extensions import db
from core.money import money_schema
from plugins.expenses import platform
from plugins.expenses.models import CLAIM_STATES, Budget, Claim, ClaimLine
from plugins.expenses.services import claims as claim_rules
from plugins.expenses.services import workflow
from plugins.expenses.services.budgets import budget_figures
from plugins.expenses.services.claims import LineInput
from plugins.expenses.services.common import ExpenseError, InvalidInput
from plugins.expenses.services.payments import PAYMENT_METHODS, PaymentInput
from plugins.expenses.services.queries import can_view_claim, claims_query
from plugins.expenses.services.workflow import STEPS

bp = Blueprint("expenses_api", __name__, url_prefix="/api/v1/expenses")
TAGS = ("expenses",)

MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "description": "CNY, exact to the fen"}
LINE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "expense_date": {"type": "string", "format": "date"},
        "category_id": {"type": "integer"}, "amount": MONEY, "description": {"type": "string"},
        "invoice_number": {"type": "string"}, "receipts": {"type": "integer", "description": "number of receipts"},
    },
}
CLAIM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "number": {"type": ["string", "null"]}, "title": {"type": "string"},
        "state": {"type": "string", "enum": list(CLAIM_STATES)}, "claimant_id": {"type": "integer"},
        "department_id": {"type": ["integer", "null"]}, "approver_id": {"type": ["integer", "null"]},
        "total": MONEY, "over_budget": {"type": "boolean"}, "version": {"type": "integer"},
        "submitted_at": {"type": ["string", "null"]}, "paid_at": {"type": ["string", "null"]},
        "source": {"type": ["string", "null"],
                   "description": "the record whose cost the claim reimburses, as table:id (team_activity:12)"},
        "lines": {"type": "array", "items": LINE},
    },
}
LINE_INPUT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer", "description": "an existing line to keep (with its receipts)"},
        "expense_date": {"type": "string", "format": "date"}, "category_id": {"type": "integer"},
        "amount": money_schema(positive=True, numbers=False,
                               description="a decimal string such as \"128.50\", more than zero, exact to the fen"),
        "description": {"type": "string", "maxLength": 300, "pattern": SOME_TEXT},
        "invoice_number": {"type": "string", "maxLength": 60, "pattern": "^[^\\x00]*[0-9A-Za-z][^\\x00]*$",
                           "description": "compared without spaces, dashes or case"},
    },
    "required": ["expense_date", "category_id", "amount", "description", "invoice_number"],
    "additionalProperties": False,
}
CLAIM_INPUT = {
    "type": "object",
    "properties": {"title": {"type": "string", "maxLength": 200, "pattern": SOME_TEXT},
                   "lines": {"type": "array", "items": LINE_INPUT, "minItems": 1, "maxItems": 50},
                   "version": {"type": "integer"}},
    "required": ["title", "lines"],
    "additionalProperties": False,
}
TRANSITION_INPUT = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": list(STEPS)},
        "reason": {"type": "string", "maxLength": 2000},
        "version": {"type": "integer"},
        "payment": {"type": "object", "properties": {
            "paid_on": {"type": "string", "format": "date"},
            "method": {"type": "string", "enum": list(PAYMENT_METHODS)},
            "reference": {"type": "string", "maxLength": 100}},
            "required": ["paid_on", "method"], "additionalProperties": False},
    },
    "required": ["action"],
    "additionalProperties": False,
}
#: What a claim's lines are refused for beyond their schema (422 naming the line's field).
LINE_RULES = {
    "lines.*.category_id": _l("an active expense category"),
    "lines.*.expense_date": _l("not in the future"),
    "lines.*.amount": _l("at most the company's ceiling for one line (setting expenses.amount_ceiling)"),
    "lines.*.invoice_number": _l("an invoice not already on another line or claim"),
    "lines.*.line_id": _l("id: a line of this claim, when keeping one"),
}
BUDGET = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "department_id": {"type": "integer"}, "department": {"type": "string"},
        "category_id": {"type": "integer"}, "category": {"type": "string"}, "year": {"type": "integer"},
        "state": {"type": "string"}, "amount": MONEY, "allocated": MONEY, "committed": MONEY, "spent": MONEY,
        "remaining": MONEY,
    },
}


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id, "number": claim.number, "title": claim.title, "state": claim.state,
        "claimant_id": claim.claimant_id, "department_id": claim.department_id, "approver_id": claim.approver_id,
        "total": f"{claim.total:.2f}", "over_budget": claim.over_budget, "version": claim.version,
        "submitted_at": claim.submitted_at.isoformat() + "Z" if claim.submitted_at else None,
        "paid_at": claim.paid_at.isoformat() + "Z" if claim.paid_at else None,
        "source": f"{claim.source_type}:{claim.source_id}" if claim.source_type else None,
        "lines": [{"id": line.id, "expense_date": line.expense_date.isoformat(), "category_id": line.category_id,
                   "amount": f"{line.amount:.2f}", "description": line.description,
                   "invoice_number": line.invoice_number, "receipts": len(line.receipts)} for line in claim.lines],
    }


def _claim_or_404(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or not can_view_claim(current_user, claim):
        abort(404)
    return claim


def _parse_date(value: str | None, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({field: [str(_l("Use a date such as 2026-03-31."))]}) from None


def _fail(exc: ExpenseError) -> ApiError:
    """A refused request as the API's one error format: 422 with fields, 403 / 409 with a message."""
    db.session.rollback()
    if isinstance(exc, InvalidInput):
        return ValidationError({key: [message] for key, message in exc.errors.items()})
    return ApiError(exc.status, exc.message)


def _line_inputs(body: dict[str, Any]) -> list[LineInput]:
    return [LineInput(expense_date=_parse_date(line["expense_date"], f"lines.{i}.expense_date"),
                               category_id=line["category_id"], amount=line["amount"],
                               description=line["description"], invoice_number=line["invoice_number"],
                               line_id=line.get("id"))
            for i, line in enumerate(body["lines"])]


@bp.get("/claims")
@api_endpoint("expenses.claim.view", summary=_l("List the expense claims you may see"), paginated=True,
              response=CLAIM, tags=TAGS, query={"type": "object", "properties": {
                  "state": {"type": "string", "enum": list(CLAIM_STATES)},
                  "mine": {"type": "boolean"}, "q": {"type": "string", "maxLength": 100}}})
def list_claims(query: dict[str, Any]) -> Any:
    statement = claims_query(current_user, state=query.get("state"), mine=bool(query.get("mine")),
                                      q=query.get("q", ""))
    return paginate(statement.options(selectinload(Claim.lines).selectinload(ClaimLine.receipts)), claim_json)


@bp.post("/claims")
@api_endpoint("expenses.claim.create", summary=_l("Create a draft expense claim"), status=201, body=CLAIM_INPUT,
              response=CLAIM, tags=TAGS, rules=LINE_RULES)
def create_claim(body: dict[str, Any]) -> Any:
    try:
        claim = claim_rules.create_claim(db.session, current_user, body["title"], _line_inputs(body))
        db.session.commit()
    except ExpenseError as exc:
        raise _fail(exc) from exc
    return claim_json(claim)


@bp.get("/claims/<int:claim_id>")
@api_endpoint("expenses.claim.view", summary=_l("One expense claim with its lines"), response=CLAIM, tags=TAGS)
def get_claim(claim_id: int) -> Any:
    return claim_json(_claim_or_404(claim_id))


@bp.put("/claims/<int:claim_id>")
@api_endpoint("expenses.claim.create", summary=_l("Replace a draft or returned claim's purpose and lines"),
              body=CLAIM_INPUT, response=CLAIM, tags=TAGS,
              rules=LINE_RULES)
def update_claim(claim_id: int, body: dict[str, Any]) -> Any:
    claim = _claim_or_404(claim_id)
    try:
        claim_rules.update_claim(db.session, claim, current_user, body["title"], _line_inputs(body),
                              expected_version=body.get("version"))
        db.session.commit()
    except ExpenseError as exc:
        raise _fail(exc) from exc
    return claim_json(claim)


@bp.post("/claims/<int:claim_id>/transitions")
@api_endpoint("expenses.claim.view", summary=_l("Submit, approve, return, reject or pay a claim"),
              description=_l("Refused with 409 from the wrong state, 403 for the wrong person, 422 without a "
                             "required reason or payment detail."),
              body=TRANSITION_INPUT, response=CLAIM, tags=TAGS, rules={
                  "reason": _l("required to return or reject a claim"),
                  "paid_on": _l("required to pay a claim, not in the future"),
                  "method": _l("required to pay a claim")})
def transition(claim_id: int, body: dict[str, Any]) -> Any:
    claim = _claim_or_404(claim_id)
    payment = None
    if body.get("payment"):
        p = body["payment"]
        payment = PaymentInput(_parse_date(p["paid_on"], "payment.paid_on"), p["method"],
                                        p.get("reference", ""))
    try:
        workflow.transition(db.session, claim, current_user, body["action"], reason=body.get("reason", ""),
                            payment=payment, expected_version=body.get("version"))
        db.session.commit()
    except ExpenseError as exc:
        raise _fail(exc) from exc
    return claim_json(claim)


@bp.get("/budgets")
@api_endpoint("expenses.budget.view", summary=_l("Budget lines of a year with live figures"), paginated=True,
              response=BUDGET, tags=TAGS,
              query={"type": "object", "properties": {"year": {"type": "integer", "minimum": 2000,
                                                               "maximum": 2100}}})
def list_budgets(query: dict[str, Any]) -> Any:
    from flask import g

    year = query.get("year") or platform.local_today().year
    page, per_page = g.get("netsales_page", (1, 20))
    total = db.session.scalar(select(func.count(Budget.id)).where(Budget.year == year)) or 0
    figures = budget_figures(db.session, year, offset=(page - 1) * per_page, limit=per_page)
    return {"items": [{
        "id": f.budget_id, "department_id": f.department_id, "department": f.department,
        "category_id": f.category_id, "category": f.category, "year": f.year, "state": f.state,
        "amount": f"{f.amount:.2f}", "allocated": f"{f.allocated:.2f}", "committed": f"{f.committed:.2f}",
        "spent": f"{f.spent:.2f}", "remaining": f"{f.remaining:.2f}"} for f in figures],
        "page": page, "per_page": per_page, "total": total}

