"""The pipeline's tables (all named pipeline_*). Rules live in services/, not here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.substring_index import gram_type
from core.extensions import db
from core.timeutil import utcnow

#: The six stages of R6, in order.
STAGES = ("development", "needs", "quotation", "negotiation", "contract", "after_sales")
DEAL_STATUSES = ("open", "won", "lost")
QUOTATION_STATES = ("draft", "pending_approval", "approved", "sent", "accepted", "rejected", "superseded")
ORDER_STATUSES = ("confirmed", "in_production", "shipped", "delivered", "completed", "cancelled")
CHANNELS = ("direct", "tmall", "jd", "douyin", "wechat_shop", "website", "other")
TICKET_KINDS = ("support", "training", "complaint")
TICKET_STATES = ("open", "in_progress", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")

MONEY = Numeric(14, 2)


def _labels(module: str, name: str) -> Callable[[Any], Any]:
    """A tracked field's value labels from a services or labels module, read when shown (they import models)."""
    def label(value: Any) -> Any:
        return getattr(import_module(f"plugins.pipeline.{module}"), name).get(value, value)
    return label


class Product(db.Model):
    """A catalogue entry and its product-knowledge page (R2.1.2)."""

    __tablename__ = "pipeline_product"
    __view_permission__ = "pipeline.product.view"
    # What timelines and the audit page show (core/audit/labels.py).
    __label__ = _l("Product")
    __tracked__ = {"sku": _l("SKU"), "name": _l("Product name"), "category": _l("Category"),
                   "list_price": _l("List price (CNY)"), "cost": _l("Unit cost (CNY)"), "unit": _l("Unit"),
                   "active": _l("Active (can be quoted)")}
    __edit_permission__ = "pipeline.product.manage"  # files and comments change the page (issue 11 F8)

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(100), index=True)
    list_price: Mapped[Decimal] = mapped_column(MONEY)
    #: Unit cost, for profit (pipeline.profit).
    cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    unit: Mapped[str] = mapped_column(String(20), default="件")
    #: VAT rate as a fraction: 0.13 for 13%.
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.13"))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    features: Mapped[str | None] = mapped_column(Text)
    advantages: Mapped[str | None] = mapped_column(Text)
    selling_points: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deal(db.Model):
    """A sales opportunity moving through the six stages of R6; won or lost at the end."""

    __tablename__ = "pipeline_deal"
    # What timelines and the audit page show (core/audit/labels.py): not the stage's entry stamp nor the version.
    __label__ = _l("Deal")
    __tracked__ = {
        "title": _l("Deal name"), "owner_id": _l("Owner"), "stage": (_l("Deal stage"), _labels("services.stages", "STAGE_LABELS")),
        "status": (_l("Status"), _labels("labels", "DEAL_STATUS_LABELS")),
        "expected_value": _l("Expected value (CNY)"), "expected_close": _l("Expected close"),
        "situation": _l("Customer's situation"), "pain_points": _l("Pain points"), "goals": _l("Goals"),
        "concerns": _l("Customer's concerns"), "bottom_line": _l("Customer's bottom line"),
        "lost_reason": _l("Why was it lost?"), "lost_to_competitor": _l("Lost to competitor"),
    }
    __owner__ = "owner_id"
    __view_permission__ = "pipeline.deal.view"
    __table_args__ = (
        # The board reads each stage's open deals newest first (migration 7c2e91d4a5b3).
        Index("ix_pipeline_deal_status_stage_entered", "status", "stage", "stage_entered_at"),
        Index("ix_pipeline_deal_owner_status", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16), default="development")
    status: Mapped[str] = mapped_column(String(8), default="open")
    expected_value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    expected_close: Mapped[date | None]
    # Needs discovery (R6.2.1): the customer's situation, pain points and goals.
    situation: Mapped[str | None] = mapped_column(Text)
    pain_points: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    # Negotiation (R6.4.2): the customer's concerns and bottom line.
    concerns: Mapped[str | None] = mapped_column(Text)
    bottom_line: Mapped[str | None] = mapped_column(Text)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    lost_to_competitor: Mapped[str | None] = mapped_column(String(200))
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Optimistic lock: two people moving the same deal at once end with one move and one refusal.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}

    customer = relationship("Customer", lazy="joined")
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")


#: Characters per window of the deal titles' substring index (DealSearchGram); migration 6e3a9c2f7b14 agrees.
DEAL_SEARCH_WINDOW = 8


class DealSearchGram(db.Model):
    """The global search's substring index of deal titles (issue 18): for every position of a deal's title in
    lower case (the database's lower()), the (at most DEAL_SEARCH_WINDOW) characters starting there; a window that
    repeats in a title is one row. A title contains a text of up to that many characters exactly when one of its
    rows starts with the text: an index range finds them, as the CRM's contact names are found.

    Kept by database triggers on pipeline_deal (migration 6e3a9c2f7b14), so that every write path, ORM or not,
    keeps it true; nothing in Python writes it. On SQLite a batch migration that copies pipeline_deal drops the
    triggers: such a migration must create them again (test_deal_title_index.py fails otherwise)."""

    __tablename__ = "pipeline_deal_gram"
    __audit__ = False
    __table_args__ = {"sqlite_with_rowid": False}

    gram: Mapped[str] = mapped_column(gram_type(DEAL_SEARCH_WINDOW), primary_key=True)
    deal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class DealStageChange(db.Model):
    __tablename__ = "pipeline_deal_stage_change"
    __label__ = _l("Deal stage change")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"from_stage": (_l("From stage"), _labels("services.stages", "STAGE_LABELS")),
                   "to_stage": (_l("To stage"), _labels("services.stages", "STAGE_LABELS")),
                   "note": _l("Why it moved back"), "user_id": _l("Moved by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("pipeline_deal.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    backwards: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Quotation(db.Model):
    """A quotation and solution (R6.3.1). A revision supersedes the earlier one, which is kept unchanged."""

    __tablename__ = "pipeline_quotation"
    __label__ = _l("Quotation")
    __tracked__ = {
        "state": (_l("State"), _labels("labels", "QUOTATION_STATE_LABELS")), "valid_until": _l("Valid until"),
        "solution": _l("Solution"), "terms": _l("Terms"), "total": _l("Total"), "owner_id": _l("Owner"),
        "approved_by_id": _l("Approved by"), "response_note": _l("Customer's answer"),
    }
    __owner__ = "owner_id"
    __view_permission__ = "pipeline.deal.view"
    __table_args__ = (UniqueConstraint("number", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    deal_id: Mapped[int] = mapped_column(ForeignKey("pipeline_deal.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    valid_until: Mapped[date]
    solution: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[str | None] = mapped_column(Text)
    subtotal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    discount_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    #: The largest line discount, in percent: what the discount approval compares with the role limits (R6.4.2).
    max_discount: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    #: "supervisor" or "manager" while an approval is needed; None when within the owner's own limit.
    approval_level: Mapped[str | None] = mapped_column(String(16))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    sent_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    response_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Optimistic lock: of two transitions at once (two approvers deciding), one wins (migration 9d4f2a6c1e80).
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    deal = relationship("Deal")
    lines: Mapped[list[QuotationLine]] = relationship(back_populates="quotation", cascade="all, delete-orphan",
                                                      order_by="QuotationLine.position", lazy="selectin")


class QuotationLine(db.Model):
    __tablename__ = "pipeline_quotation_line"
    __label__ = _l("Quotation line")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"description": _l("Line description"), "quantity": _l("Quantity"),
                   "unit_price": _l("Unit price"), "discount": _l("Discount (%)")}

    id: Mapped[int] = mapped_column(primary_key=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("pipeline_quotation.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    product_id: Mapped[int] = mapped_column(ForeignKey("pipeline_product.id"))
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    #: Percent off the unit price, 0–100.
    discount: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    net: Mapped[Decimal] = mapped_column(MONEY)
    tax: Mapped[Decimal] = mapped_column(MONEY)
    gross: Mapped[Decimal] = mapped_column(MONEY)

    quotation: Mapped[Quotation] = relationship(back_populates="lines")
    product = relationship("Product", lazy="joined")


class DiscountDecision(db.Model):
    """Who approved or refused a quotation's discount, and why (R6.4.2)."""

    __tablename__ = "pipeline_discount_decision"
    __label__ = _l("Discount decision")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"approved": _l("Discount approved"), "reason": _l("Reason"), "decided_by_id": _l("Decided by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    quotation_id: Mapped[int] = mapped_column(ForeignKey("pipeline_quotation.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    approved: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Contract(db.Model):
    """A signed sales contract (R6.5.1); the signed file is an attachment of this record."""

    __tablename__ = "pipeline_contract"
    __label__ = _l("Contract")
    __tracked__ = {"number": _l("Contract number"), "signed_on": _l("Signed on"), "starts_on": _l("Starts on"),
                   "ends_on": _l("Ends on"), "terms": _l("Terms"), "owner_id": _l("Owner")}
    __owner__ = "owner_id"
    __view_permission__ = "pipeline.deal.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("pipeline_deal.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    signed_on: Mapped[date]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    terms: Mapped[str | None] = mapped_column(Text)
    signed_file_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Order(db.Model):
    """An order, from an accepted quotation or an online shop (R6.5.2–R6.5.3)."""

    __tablename__ = "pipeline_order"
    __label__ = _l("Order")
    __tracked__ = {
        "status": (_l("Status"), _labels("services.orders", "STATUS_LABELS")),
        "channel": (_l("Channel"), _labels("labels", "CHANNEL_LABELS")), "shop": _l("Online shop"),
        "owner_id": _l("Owner"),
        "carrier": _l("Carrier"), "tracking_number": _l("Tracking number"), "total": _l("Total"),
    }
    __owner__ = "owner_id"
    __view_permission__ = "pipeline.order.view"
    __table_args__ = (
        UniqueConstraint("channel", "external_number"),
        # An accepted quotation becomes one order, even when two people click at once (migration 9d4f2a6c1e80).
        UniqueConstraint("quotation_id"),
        # KPIs scan a representative's month and need the status; new_customers_won probes a customer's earlier
        # orders (migration 7c2e91d4a5b3).
        Index("ix_pipeline_order_owner_ordered_status", "owner_id", "ordered_at", "status"),
        Index("ix_pipeline_order_customer_ordered", "customer_id", "ordered_at"),
        Index("ix_pipeline_order_status_ordered", "status", "ordered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default="direct", index=True)
    external_number: Mapped[str | None] = mapped_column(String(64))
    #: The shop on its channel the order came from ("天猫旗舰店"), as the shop's export names it; empty for orders
    #: that came from no shop (a company may run several shops on one platform: analytics shows sales by shop).
    shop: Mapped[str | None] = mapped_column(String(60))
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_deal.id"), index=True)
    quotation_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_quotation.id"))
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    ordered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    cost_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    delivered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    customer = relationship("Customer", lazy="joined")
    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                  lazy="selectin")


class OrderLine(db.Model):
    __tablename__ = "pipeline_order_line"
    __label__ = _l("Order line")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"quantity": _l("Quantity"), "unit_price": _l("Unit price"), "revenue": _l("Net revenue (CNY)")}
    #: The KPIs' sums read lines through this index alone (migration 7c2e91d4a5b3).
    __table_args__ = (Index("ix_pipeline_order_line_order_revenue", "order_id", "revenue", "cost"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("pipeline_order.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("pipeline_product.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    #: Net revenue of the line (after discount, before tax).
    revenue: Mapped[Decimal] = mapped_column(MONEY)
    cost: Mapped[Decimal] = mapped_column(MONEY)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderNotice(db.Model):
    """Who was told about an order step, how, and when (R6.5.2 departments, R6.5.3 the customer)."""

    __tablename__ = "pipeline_order_notice"
    __label__ = _l("Order notice")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"status": (_l("Order step"), _labels("services.orders", "STATUS_LABELS")),
                   "recipient": _l("Who was told")}

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("pipeline_order.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    audience: Mapped[str] = mapped_column(String(16))  # customer or department
    channel: Mapped[str] = mapped_column(String(16))  # email, sms, in_app
    recipient: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderStatusChange(db.Model):
    __tablename__ = "pipeline_order_status_change"
    __label__ = _l("Order status change")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"from_status": (_l("From step"), _labels("services.orders", "STATUS_LABELS")),
                   "to_status": (_l("To step"), _labels("services.orders", "STATUS_LABELS")),
                   "user_id": _l("Changed by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("pipeline_order.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """The after-delivery follow-up of R6.6.1, scheduled N days after delivery."""

    __tablename__ = "pipeline_follow_up"
    __label__ = _l("Follow-up")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"due_on": _l("Follow-up due"), "done_at": _l("Followed up at"), "note": _l("Follow-up note"),
                   "owner_id": _l("Owner")}
    __owner__ = "owner_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("pipeline_order.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class Ticket(db.Model):
    """An after-sales service ticket (R6.6.2): support, training request or complaint."""

    __tablename__ = "pipeline_ticket"
    __label__ = _l("Service ticket")
    __tracked__ = {
        "subject": _l("Subject"), "kind": (_l("Ticket type"), _labels("labels", "TICKET_KIND_LABELS")),
        "priority": (_l("Priority"), _labels("labels", "PRIORITY_LABELS")),
        "state": (_l("State"), _labels("labels", "TICKET_STATE_LABELS")), "assignee_id": _l("Assigned to"),
        "sla_due_at": _l("Due by"), "resolution": _l("Resolution"),
    }
    __owner__ = "assignee_id"
    __view_permission__ = "pipeline.ticket.view"
    __table_args__ = (Index("ix_pipeline_ticket_state_due", "state", "sla_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_order.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    sla_due_at: Mapped[datetime]
    resolution: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]
    #: Optimistic lock: of two state changes at once, one wins (migration 9d4f2a6c1e80).
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    customer = relationship("Customer", lazy="joined")


class SalesTarget(db.Model):
    """A sales target (R2.3.1, R2.2.1): the company's year (user and month empty), a representative's year, or a
    representative's month."""

    __tablename__ = "pipeline_sales_target"
    __label__ = _l("Sales target")  # its name on the audit page (core/audit/labels.py)
    # Not the year and month: numbers would read "2,026"; the target's page says which period it is.
    __tracked__ = {"amount": _l("Target (CNY)"), "user_id": _l("Representative")}
    __table_args__ = (UniqueConstraint("year", "user_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    month: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
