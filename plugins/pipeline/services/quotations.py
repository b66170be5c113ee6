"""Quotations (R6.3.1–R6.3.2) with exact totals, revisions that keep every earlier version, and the discount
control of R6.4.2: a discount above the owner's limit needs the supervisor's, or above theirs the manager's,
approval before the quotation may be sent.

Every transition writes the quotation's row first, checked against the version read (models.Quotation.version):
of two people acting on one quotation at once exactly one wins, and the other gets a Conflict before anything of
theirs (a decision, a revision, a notification) is written (issue 11 F3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from core.timeutil import local_today, utcnow
from plugins.pipeline.models import DiscountDecision, Product, Quotation, QuotationLine
from plugins.pipeline.services import PipelineError, flush_or_conflict
from plugins.pipeline.services.money import MAX_AMOUNT, line_amounts, line_fits
from plugins.pipeline.services.numbering import add_numbered, next_in_sequence

#: Who approves a discount above a limit: the levels, from the owner up (R6.4.2).
LEVELS = ("representative", "supervisor", "manager")
DEFAULT_LIMITS = {"representative": Decimal("5"), "supervisor": Decimal("15"), "manager": Decimal("30")}
LEVEL_LABELS = {"representative": _l("sales representative"), "supervisor": _l("sales supervisor"),
                "manager": _l("sales manager")}
CHANGED = _l("Someone else changed this quotation a moment ago. Reload it and try again.")
DECIDED = _l("Someone else decided on this discount a moment ago. Reload the quotation to see the decision.")
POSITION_LEVEL = {"sales_rep": "representative", "sales_supervisor": "supervisor", "sales_manager": "manager"}


@dataclass(frozen=True)
class LineInput:
    product_id: int
    quantity: Decimal
    unit_price: Decimal | None = None  # the product's list price when None
    discount: Decimal = Decimal("0")
    description: str | None = None


def discount_limits() -> dict[str, Decimal]:
    """Maximum discount in percent per level, from the plugin settings."""
    try:
        from core.settings import get_setting
    except ImportError:  # pragma: no cover - settings are part of the core
        return dict(DEFAULT_LIMITS)
    return {level: Decimal(str(get_setting(f"pipeline.discount_limit_{level}"))) for level in LEVELS}


def level_of(user: Any) -> str:
    """The approval level a user acts at: their sales position (administrators and managers act as manager)."""
    if user.position in POSITION_LEVEL:
        return POSITION_LEVEL[user.position]
    return "manager" if any(r.code in ("admin", "sales_manager") for r in user.roles) else "representative"


def required_level(max_discount: Decimal, owner: Any) -> str | None:
    """The level whose approval the discount needs, or None if it is within the owner's own limit.

    Raises when even the manager's limit is exceeded: such a quotation cannot be sent at all."""
    limits = discount_limits()
    own = level_of(owner)
    if max_discount <= limits[own]:
        return None
    for level in LEVELS[LEVELS.index(own) + 1:]:
        if max_discount <= limits[level]:
            return level
    raise PipelineError(_l("A discount above %(limit)s%% cannot be approved by anyone.",
                           limit=limits["manager"]), "discount")


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise PipelineError(_l("Enter a number."), field) from exc
    if not number.is_finite():
        raise PipelineError(_l("Enter a number."), field)
    return number


class LineError(PipelineError):
    """A quotation line the rules refuse: ``position`` (from 1) is the line, ``field`` its input (product_id,
    quantity, unit_price, discount), so that a form shows the message next to that input."""

    def __init__(self, message: object, position: int, field: str) -> None:
        super().__init__(message, field)
        self.position = position


@dataclass(frozen=True)
class Totals:
    """A quotation's figures from its lines: the saved quotation and the form's live totals both come from here."""

    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    max_discount: Decimal


def build_line(session: Any, position: int, line: LineInput) -> QuotationLine:
    """One line with its exact amounts (money.line_amounts), or LineError saying which input is wrong."""
    product = session.get(Product, line.product_id) if line.product_id else None
    if product is None or not product.active:
        raise LineError(_l("Line %(n)d: choose an active product.", n=position), position, "product_id")
    quantity = _line_decimal(line.quantity, position, "quantity")
    price = product.list_price if line.unit_price is None else _line_decimal(line.unit_price, position, "unit_price")
    discount = _line_decimal(line.discount, position, "discount")
    if quantity <= 0:
        raise LineError(_l("Line %(n)d: the quantity must be more than zero.", n=position), position, "quantity")
    if price < 0:
        raise LineError(_l("Line %(n)d: the price cannot be negative.", n=position), position, "unit_price")
    if not Decimal("0") <= discount < Decimal("100"):
        raise LineError(_l("Line %(n)d: the discount is a percentage from 0 to 100.", n=position), position,
                        "discount")
    if not line_fits(quantity, price):
        raise LineError(_l("Line %(n)d: the quantity or the price is too large.", n=position), position,
                        "quantity")
    amounts = line_amounts(quantity, price, discount, product.tax_rate)
    return QuotationLine(
        position=position, product_id=product.id, description=(line.description or product.name)[:300],
        quantity=quantity, unit_price=price, discount=discount, tax_rate=product.tax_rate,
        net=amounts.net, tax=amounts.tax, gross=amounts.gross, product=product,
    )


def _line_decimal(value: Any, position: int, field: str) -> Decimal:
    try:
        return _decimal(value, field)
    except PipelineError as exc:
        raise LineError(_l("Line %(n)d: enter a number.", n=position), position, field) from exc


def _build_lines(session: Any, lines: list[LineInput]) -> list[QuotationLine]:
    if not lines:
        raise PipelineError(_l("A quotation needs at least one line."), "lines")
    built = [build_line(session, position, line) for position, line in enumerate(lines, start=1)]
    if totals_of(built).total >= MAX_AMOUNT:
        raise PipelineError(_l("The quotation's total is larger than an amount can be."), "lines")
    return built


def totals_of(lines: list[QuotationLine]) -> Totals:
    """Subtotal (net), discount (list price less net), tax, total and the largest discount of ``lines``."""
    subtotal = sum((ln.net for ln in lines), Decimal("0"))
    tax_total = sum((ln.tax for ln in lines), Decimal("0"))
    list_total = sum((line_amounts(ln.quantity, ln.unit_price, Decimal("0"), ln.tax_rate).net for ln in lines),
                     Decimal("0"))
    return Totals(subtotal=subtotal, discount_total=list_total - subtotal, tax_total=tax_total,
                  total=subtotal + tax_total, max_discount=max((ln.discount for ln in lines), default=Decimal("0")))


def _apply_totals(quotation: Quotation, lines: list[QuotationLine]) -> None:
    quotation.lines = lines
    totals = totals_of(lines)
    quotation.subtotal, quotation.tax_total, quotation.total = totals.subtotal, totals.tax_total, totals.total
    quotation.discount_total, quotation.max_discount = totals.discount_total, totals.max_discount


def next_number(session: Any) -> str:
    """Q-YYYY-NNNNN, one more than this year's highest (revisions share their number)."""
    return next_in_sequence(session, Quotation.number, f"Q-{local_today().year}-", 5)


def create_quotation(session: Any, deal: Any, owner: Any, lines: list[LineInput], valid_until: date,
                     solution: str | None = None, terms: str | None = None) -> Quotation:
    if deal.status != "open":
        raise PipelineError(_l("This deal is closed."))
    if valid_until < local_today():
        raise PipelineError(_l("The validity date cannot be in the past."), "valid_until")
    quotation = Quotation(revision=1, deal_id=deal.id, owner_id=owner.id, valid_until=valid_until,
                          solution=solution, terms=terms)
    _apply_totals(quotation, _build_lines(session, lines))
    quotation.approval_level = required_level(quotation.max_discount, owner)
    add_numbered(session, quotation, next_number)  # two created at once: the second takes the next number
    return quotation


def revise_quotation(session: Any, previous: Quotation, owner: Any, lines: list[LineInput], valid_until: date,
                     solution: str | None = None, terms: str | None = None) -> Quotation:
    """A new revision with the same number; the previous one is kept unchanged, marked superseded."""
    if previous.state in ("accepted", "superseded"):
        raise PipelineError(_l("An accepted or superseded quotation cannot be revised."))
    if valid_until < local_today():
        raise PipelineError(_l("The validity date cannot be in the past."), "valid_until")
    revision = Quotation(number=previous.number, revision=previous.revision + 1, deal_id=previous.deal_id,
                         owner_id=owner.id, valid_until=valid_until, solution=solution, terms=terms)
    _apply_totals(revision, _build_lines(session, lines))
    revision.approval_level = required_level(revision.max_discount, owner)
    previous.state = "superseded"
    flush_or_conflict(session, CHANGED)  # before the new revision: of two revisions of one quotation, one is made
    session.add(revision)
    session.flush()
    return revision


def request_approval(session: Any, quotation: Quotation) -> None:
    if quotation.state != "draft":
        raise PipelineError(_l("Only a draft quotation can be submitted for approval."))
    if quotation.approval_level is None:
        raise PipelineError(_l("This discount is within your own limit; no approval is needed."))
    quotation.state = "pending_approval"
    flush_or_conflict(session, CHANGED)


def decide_discount(session: Any, quotation: Quotation, approver: Any, approved: bool,
                    reason: str | None = None) -> DiscountDecision:
    """The supervisor or manager approves or refuses the discount (R6.4.2); refusing needs a reason."""
    if quotation.state != "pending_approval":
        raise PipelineError(_l("This quotation is not waiting for a discount approval."))
    if approver.id == quotation.owner_id:
        raise PipelineError(_l("Nobody approves their own discount."))
    needed = quotation.approval_level or "supervisor"
    if LEVELS.index(level_of(approver)) < LEVELS.index(needed):
        raise PipelineError(_l("This discount needs the approval of a %(level)s.", level=LEVEL_LABELS[needed]))
    if not approved and not (reason or "").strip():
        raise PipelineError(_l("Say why the discount is refused."), "reason")
    quotation.state = "approved" if approved else "draft"
    quotation.approved_by_id = approver.id if approved else None
    flush_or_conflict(session, DECIDED)  # the quotation first: the loser of a race records no decision
    decision = DiscountDecision(quotation_id=quotation.id, level=needed, approved=approved,
                                reason=(reason or "").strip() or None, decided_by_id=approver.id)
    session.add(decision)
    session.flush()
    return decision


def mark_sent(session: Any, quotation: Quotation) -> None:
    """Sending requires the discount to be within the owner's limit or approved (R6.4.2)."""
    if quotation.state == "draft" and quotation.approval_level is not None:
        raise PipelineError(_l("The discount needs approval before the quotation can be sent."))
    if quotation.state not in ("draft", "approved"):
        raise PipelineError(_l("This quotation cannot be sent in its current state."))
    if quotation.valid_until < local_today():
        raise PipelineError(_l("The quotation has expired; revise it with a new validity date."))
    quotation.state = "sent"
    quotation.sent_at = utcnow()
    flush_or_conflict(session, CHANGED)


def record_response(session: Any, quotation: Quotation, accepted: bool, note: str | None = None) -> None:
    """The customer's acceptance or rejection (R6.3.2)."""
    if quotation.state != "sent":
        raise PipelineError(_l("Only a sent quotation can be accepted or rejected."))
    quotation.state = "accepted" if accepted else "rejected"
    quotation.responded_at = utcnow()
    quotation.response_note = (note or "").strip() or None
    flush_or_conflict(session, CHANGED)
