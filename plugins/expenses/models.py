"""Tables of the expenses plugin (R9), all named expenses_*.

Money is Numeric(14, 2) and Decimal in Python. Claims carry a version column: every update is conditional on the
version read, so two people acting on one claim at once resolve to exactly one change (DESIGN.md "Conventions").
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    literal,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from core.db.substring_index import gram_type
from core.extensions import db
from core.identity.models import Department, User
from core.timeutil import utcnow

MONEY = Numeric(14, 2)

# Claim states (R9.2.1–R9.2.3 and its completion in REGULATION.md "Beyond the source").
DRAFT = "draft"
SUBMITTED = "submitted"
DEPT_APPROVED = "dept_head_approved"
FINANCE_APPROVED = "finance_approved"
PAID = "paid"
RETURNED = "returned"
REJECTED = "rejected"
CLAIM_STATES = (DRAFT, SUBMITTED, DEPT_APPROVED, FINANCE_APPROVED, PAID, RETURNED, REJECTED)
#: Approved by the department head or finance but not paid yet: the budget's "committed" figure.
COMMITTED_STATES = (DEPT_APPROVED, FINANCE_APPROVED)
#: States in which the claimant may change the claim.
EDITABLE_STATES = (DRAFT, RETURNED)

BUDGET_DRAFT = "draft"
BUDGET_APPROVED = "approved"
BUDGET_STATES = (BUDGET_DRAFT, BUDGET_APPROVED)

POLICY_WARN = "warn"
POLICY_BLOCK = "block"
POLICIES = (POLICY_WARN, POLICY_BLOCK)


def _labels(module: str, name: str) -> Callable[[Any], Any]:
    """A tracked field's value labels, read from plugins.expenses.labels when shown (it imports these models)."""
    def label(value: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(f"plugins.expenses.{module}"), name).get(value, value)
    return label


class Category(db.Model):
    """An expense category (R9.1.1); each carries its over-budget policy (R9.x)."""

    __tablename__ = "expenses_category"
    #: Read by the claim lists' filters, changed rarely: kept per process (core/reference_data.py).
    __reference_data__ = True
    # What timelines and the audit page show (core/audit/labels.py).
    __label__ = _l("Expense category")
    __tracked__ = {"name": _l("Category name"), "active": _l("In use")}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    over_budget_policy: Mapped[str] = mapped_column(String(8), default=POLICY_WARN)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=100)


class Budget(db.Model):
    """An annual budget line of one department and category (R9.1.1); it counts only once approved."""

    __tablename__ = "expenses_budget"
    __label__ = _l("Budget")
    __tracked__ = {"amount": _l("Amount"), "note": _l("Note"), "approved_by_id": _l("Approved by")}
    __table_args__ = (
        UniqueConstraint("department_id", "category_id", "year"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index("ix_expenses_budget_year_state", "year", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("core_department.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("expenses_category.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    state: Mapped[str] = mapped_column(String(12), default=BUDGET_DRAFT)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    approved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department] = relationship()
    category: Mapped[Category] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    months: Mapped[list[BudgetMonth]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", order_by="BudgetMonth.month"
    )

    __mapper_args__ = {"version_id_col": version}


class BudgetMonth(db.Model):
    """The optional monthly split of a budget line; when present, the twelve months add up to the year."""

    __tablename__ = "expenses_budget_month"
    __label__ = _l("Monthly budget")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (
        UniqueConstraint("budget_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("expenses_budget.id", ondelete="CASCADE"))
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(MONEY)

    budget: Mapped[Budget] = relationship(back_populates="months")


class Claim(db.Model):
    """A reimbursement claim (報銷單, R9.2.1) and where it stands in its review."""

    __tablename__ = "expenses_claim"
    # Not its stamps (submitted, approved, paid, reminded at): the claim's own history shows them, in local time.
    __label__ = _l("Expense claim")
    # Nor its state and approver: the claim's own timeline entries (timeline.py) tell each step with the reviewer
    # and their comment, which a bare "State: A → B" would only repeat.
    __tracked__ = {"title": _l("Claim title"), "total": _l("Total"), "over_budget": _l("Over budget")}
    __owner__ = "claimant_id"
    __view_permission__ = "expenses.claim.view"
    # Each list reads its rows in index order, the id (every list's tie-break) included, so that a page is an index
    # range, never a sort of the whole queue (issue 7; migration 3d5e7a9c1b2f).
    __table_args__ = (
        Index("ix_expenses_claim_state_submitted", "state", "submitted_at"),
        Index("ix_expenses_claim_claimant_created", "claimant_id", "created_at"),
        # the department-level queue (R9.2.2): approver, state, oldest first
        Index("ix_expenses_claim_approver_state_submitted", "approver_id", "state", "submitted_at", "id"),
        # finance's queues (R9.2.3): re-review and payment, oldest first
        Index("ix_expenses_claim_state_dept_approved", "state", "dept_approved_at", "id"),
        Index("ix_expenses_claim_state_finance_approved", "state", "finance_approved_at", "id"),
        # the claim list: newest first, and its "created from / until" filter
        Index("ix_expenses_claim_created", "created_at", "id"),
        # the budget figures: a department's claims in the states that count, without reading the claim rows
        Index("ix_expenses_claim_department_state", "department_id", "state"),
        # a record's claims (issue 17): its "Claims" count and timeline
        Index("ix_expenses_claim_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    claimant_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    state: Mapped[str] = mapped_column(String(20), default=DRAFT)
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    #: The person who must give the department-level approval (R9.2.2), fixed at submission.
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    #: Set when a review found the claim over its budget under a "warn" policy: every reviewer sees it.
    over_budget: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_submitted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    dept_approved_at: Mapped[datetime | None]
    finance_approved_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    #: When the waiting reviewer was last reminded (the reminder job sends at most one a day).
    reminded_at: Mapped[datetime | None]
    #: The record whose cost the claim reimburses (issue 17), by its record key (core.attachments.records.record_key:
    #: table name and id), e.g. a team activity; None for an ordinary claim. Set at creation, from ?for= on the form.
    source_type: Mapped[str | None] = mapped_column(String(60))
    source_id: Mapped[int | None]
    #: The category of the lines when they all share one, None when they have several: what the claim list groups
    #: whole claims by (issue 12). Kept by services.claims; no foreign key (a key derived from the lines).
    category_id: Mapped[int | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    claimant: Mapped[User] = relationship(foreign_keys=[claimant_id])
    approver: Mapped[User | None] = relationship(foreign_keys=[approver_id])
    department: Mapped[Department | None] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimLine.position"
    )
    events: Mapped[list[ClaimEvent]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimEvent.id"
    )
    payment: Mapped[Payment | None] = relationship(back_populates="claim", uselist=False)

    __mapper_args__ = {"version_id_col": version}


class ClaimLine(db.Model):
    """One expense of a claim, with its invoice number and receipts."""

    __tablename__ = "expenses_claim_line"
    __label__ = _l("Expense line")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_expenses_claim_line_category_date", "category_id", "expense_date"),
        # a claim's lines, holding what the budget figures sum: committed and spent come from the index alone
        Index("ix_expenses_claim_line_claim_usage", "claim_id", "expense_date", "category_id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("expenses_claim.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    expense_date: Mapped[date]
    category_id: Mapped[int] = mapped_column(ForeignKey("expenses_category.id"))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    description: Mapped[str] = mapped_column(String(300))
    invoice_number: Mapped[str] = mapped_column(String(60))
    #: The normalised invoice number while the claim is not rejected, NULL once rejected: the unique index makes
    #: "the same invoice is never reimbursed twice" hold even for two claims saved at the same moment (R9.2.1).
    invoice_key: Mapped[str | None] = mapped_column(String(60), unique=True)

    claim: Mapped[Claim] = relationship(back_populates="lines")
    category: Mapped[Category] = relationship()
    receipts: Mapped[list[Receipt]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="Receipt.id"
    )


class Receipt(db.Model):
    """The invoice or receipt of a line (R9.2.1): an image or a PDF, kept in the database so that every app
    process on every host serves it, and never served from the web root."""

    __tablename__ = "expenses_receipt"
    __label__ = _l("Receipt")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("expenses_claim_line.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    line: Mapped[ClaimLine] = relationship(back_populates="receipts")


class ClaimEvent(db.Model):
    """The claim's history: every submission, review decision (with its reason), payment and every change made
    after the first submission. Never edited; reviews on the printed form come from here."""

    __tablename__ = "expenses_claim_event"
    __label__ = _l("Claim history entry")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (Index("ix_expenses_claim_event_claim_action", "claim_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("expenses_claim.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What changed (a list of "field: old → new" lines) or the over-budget warning shown at that step.
    details: Mapped[str] = mapped_column(Text, default="")

    claim: Mapped[Claim] = relationship(back_populates="events")
    user: Mapped[User] = relationship()


class Payment(db.Model):
    """The payment of a claim (R9.2.3 completion). One claim, one payment: the unique claim_id is the last
    guard against paying twice."""

    __tablename__ = "expenses_payment"
    __label__ = _l("Payment")
    __tracked__ = {"amount": _l("Amount"), "paid_on": _l("Paid on"),
                   "method": (_l("Payment method"), _labels("labels", "PAYMENT_METHOD_LABELS")), "reference": _l("Reference")}
    __table_args__ = (Index("ix_expenses_payment_paid_on", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("expenses_claim.id"), unique=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    batch: Mapped[str | None] = mapped_column(String(40), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="payment")
    recorded_by: Mapped[User] = relationship()


#: Characters of the windows the claim search index keeps (search.claim_search; migration 5b7e2c4d9f10).
SEARCH_WINDOW = 8


class ClaimSearchGram(db.Model):
    """The claim search's substring index: for every position of a claim's number and of its title, both case-folded
    (fold_case), the (at most SEARCH_WINDOW) characters starting there; a window found in both is one row. A text
    of up to that many characters occurs in the number or the title exactly when one of the claim's rows starts
    with it: one range of the primary key finds those claims, however many claims there are.

    Kept by database triggers on expenses_claim (migration 5b7e2c4d9f10), so that every write path, ORM or not,
    keeps it true; nothing in Python writes it. On SQLite a batch migration that copies expenses_claim drops the
    triggers: such a migration must create them again (test_claim_search.py fails otherwise)."""

    __tablename__ = "expenses_claim_gram"
    __audit__ = False  # derived from the claim, which the trail records
    __table_args__ = {"sqlite_with_rowid": False}

    gram: Mapped[str] = mapped_column(gram_type(SEARCH_WINDOW), primary_key=True)
    claim_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# The search's case folding: ASCII letters only, as SQLite's lower() and LIKE fold (without the ICU extension,
# which NetSales never loads), so that both databases find the same claims: PostgreSQL's lower() and ILIKE would
# also fold other letters, by the database's locale.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold_case(text: str) -> str:
    """``text`` as the search index stores it: ASCII letters in lower case, everything else as it is."""
    return text.translate(_ASCII_LOWER)


class folded_contains(FunctionElement):  # noqa: N801  (an SQL function, named like one)
    """SQL: the text ``column`` contains ``word`` (fold_case'd) once its ASCII letters are in lower case, as the
    index triggers fold it (migration 5b7e2c4d9f10); "%" and "_" are plain characters."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, column: Any, word: str) -> None:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # For PostgreSQL: only the letters the word holds need folding in the column (a character that is not an
        # ASCII letter is compared as it is either way), by replace(): translate() costs ten times more.
        haystack = column
        for letter in sorted({ch for ch in word if ch in string.ascii_lowercase}):
            haystack = func.replace(haystack, literal(letter.upper()), literal(letter))
        super().__init__(column, literal(word), literal(pattern), haystack)


@compiles(folded_contains)
def _folded_contains_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite's LIKE folds ASCII letters, and only those: exactly fold_case, without lower()'s copy of every value.
    column, _word, pattern, _haystack = element.clauses.clauses
    return f"({compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\')"


@compiles(folded_contains, "postgresql")
def _folded_contains_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    # Not ILIKE nor lower(), which also fold other letters (by the database's locale).
    _column, word, _pattern, haystack = element.clauses.clauses
    return f"(strpos({compiler.process(haystack, **kw)}, {compiler.process(word, **kw)}) > 0)"
