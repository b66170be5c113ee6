"""The CRM's tables (all named crm_*). Business rules live in services/, not here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.substring_index import gram_type
from core.extensions import db
from core.timeutil import utcnow

KINDS = ("company", "individual")
#: The lifecycle of R6.1.2: a lead is screened into a prospect with purchase intent, then a customer.
STATES = ("lead", "prospect", "customer", "inactive", "lost")
SOURCES = ("online_platform", "social_media", "industry_forum", "referral", "event", "online_shop", "other")
GRADES = ("A", "B", "C")
INTERACTION_KINDS = ("call", "visit", "message", "email", "meeting", "revisit")
CHANNELS = ("email", "sms", "phone", "wechat")

#: Lists only ever show live files (not merged away): their indexes leave merged rows out, end with the id (the
#: lists' tiebreaker), and so both sort and cover the page and its count without reading the table (issue 5).
_LIVE = text("merged_into_id IS NULL")


def _live_index(name: str, *columns: str) -> Index:
    return Index(name, *columns, "id", sqlite_where=_LIVE, postgresql_where=_LIVE)


def _prefix_index(column: str) -> Index:
    """An index that prefix search (LIKE 'abc%') can use on PostgreSQL whatever the database's collation; on
    SQLite the search compares ranges, which a plain index serves."""
    return Index(f"ix_crm_customer_{column}", column, postgresql_ops={column: "text_pattern_ops"})


#: Stored codes of the history and outreach tables, by their labels on timelines and the audit page (issue 12).
GRADE_SOURCES = {"auto": _l("nightly regrade"), "override": _l("manager's override"), "release": _l("override lifted")}
EVENT_KIND_LABELS = {"seminar": _l("Customer seminar"), "experience": _l("Product experience session"),
                     "forum": _l("Forum"), "other": _l("Other")}
ATTENDEE_STATUSES = {"invited": _l("invited"), "registered": _l("registered"), "attended": _l("attended"),
                     "absent": _l("absent")}
CAMPAIGN_STATUSES = {"draft": _l("draft"), "sent": _l("sent")}
MESSAGE_STATUSES = {"queued": _l("queued"), "sending": _l("sending"), "sent": _l("sent"), "failed": _l("failed")}
ACCESS_ACTIONS = {"export": _l("Export of the customer list"), "bulk_view": _l("Bulk view of the customer list"),
                  "pipl_access": _l("Personal-data access request"),
                  "pipl_deletion": _l("Personal-data deletion request")}


def _channel_list(value: Any) -> Any:
    """"email,sms" → "E-mail, SMS" (consents keep their channels as one text)."""
    from plugins.crm import forms

    labels = dict(forms.channel_choices())
    return ", ".join(str(labels.get(code, code)) for code in str(value).split(",") if code)


def _choices(name: str) -> Callable[[Any], Any]:
    """A tracked field's value labels from one of the forms' choice lists (read when shown: forms import models)."""
    def label(value: Any) -> Any:
        from plugins.crm import forms

        return dict(getattr(forms, name)()).get(value, value)
    return label


class Customer(db.Model):
    """A customer file (R5.1.1): a company or a person, from lead to customer."""

    __tablename__ = "crm_customer"
    __owner__ = "owner_id"
    __view_permission__ = "crm.customer.view"
    # What timelines and the audit page show (core/audit/labels.py); counters, search keys and stamps are not.
    __label__ = _l("Customer")
    __tracked__ = {
        "name": _l("Customer name"), "kind": (_l("Customer type"), _choices("kind_choices")),
        "state": (_l("State"), _choices("state_choices")), "source": (_l("Source channel"), _choices("source_choices")),
        "industry": _l("Industry"), "region": _l("Region"), "phone": _l("Phone"), "email": _l("E-mail"),
        "wechat": _l("WeChat"), "needs": _l("Needs"), "potential_value": _l("Potential value (CNY)"),
        "owner_id": _l("Owner"), "grade": (_l("Grade"), _choices("grade_choices")), "archived": _l("Archived"),
    }
    __table_args__ = (
        # The customer list's sorts (updated, name) and filters (grade, owner), for every scope (R2.1-R2.3).
        _live_index("ix_crm_customer_live_owner", "owner_id"),  # also the narrowest, so counts scan it
        _live_index("ix_crm_customer_live_updated", "updated_at"),
        _live_index("ix_crm_customer_live_name", "name"),
        _live_index("ix_crm_customer_live_grade_name", "grade", "name"),
        _live_index("ix_crm_customer_live_owner_updated", "owner_id", "updated_at"),
        _live_index("ix_crm_customer_live_owner_name", "owner_id", "name"),
        _live_index("ix_crm_customer_live_owner_grade_name", "owner_id", "grade", "name"),
        # Only merged files: so that no planner takes "merged_into_id IS NULL" (every row) for a selective index.
        Index("ix_crm_customer_merged_into_id", "merged_into_id", sqlite_where=text("merged_into_id IS NOT NULL"),
              postgresql_where=text("merged_into_id IS NOT NULL")),
        # Duplicate detection (equality) and the list's search (prefix) on the normalised columns.
        _prefix_index("name_key"),
        _prefix_index("phone"),
        _prefix_index("email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="company")
    name: Mapped[str] = mapped_column(String(200))
    #: The name reduced for duplicate detection and search (lower case, no spaces, punctuation or company suffix).
    name_key: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="lead", index=True)
    source: Mapped[str | None] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    #: Digits only, so that "138-0013 8000" and "13800138000" are the same number.
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    wechat: Mapped[str | None] = mapped_column(String(100))
    needs: Mapped[str | None] = mapped_column(Text)
    potential_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    #: Null for the unassigned lead pool that supervisors distribute (R2.2.3).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    grade: Mapped[str | None] = mapped_column(String(1), index=True)
    grade_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: A manager's override (R5.2.1) holds until it is lifted; the nightly regrade leaves it alone.
    grade_locked: Mapped[bool] = mapped_column(default=False)
    orders_count: Mapped[int] = mapped_column(Integer, default=0)
    purchase_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    last_purchase_on: Mapped[date | None] = mapped_column(index=True)
    completeness: Mapped[int] = mapped_column(Integer, default=0)
    contacts_count: Mapped[int] = mapped_column(Integer, default=0)
    last_interaction_at: Mapped[datetime | None]
    became_customer_at: Mapped[datetime | None] = mapped_column(index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("crm_customer.id"))
    archived: Mapped[bool] = mapped_column(default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    tags: Mapped[list[CustomerTag]] = relationship(back_populates="customer", cascade="all, delete-orphan",
                                                   lazy="selectin", order_by="CustomerTag.tag")

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]


#: Characters of the windows the search index keeps (services/search_terms.py; migration 3f1c0d7e9a42).
SEARCH_WINDOW = 8
#: The searched values and their letter in CustomerSearchGram.field.
SEARCH_FIELDS = {"n": "name_key", "p": "phone", "e": "email"}


class CustomerSearchGram(db.Model):
    """The customer list's substring index (issue 5): for every position of a customer's name key, phone and
    e-mail, the (at most SEARCH_WINDOW) characters starting there. A value contains a text of up to that many
    characters exactly when one of its rows starts with the text: an index range finds them.

    Kept by database triggers on crm_customer (migration 3f1c0d7e9a42), so that every write path, ORM or not,
    keeps it true; nothing in Python writes it. On SQLite a batch migration that copies crm_customer drops the
    triggers: such a migration must create them again (test_search.py fails otherwise)."""

    __tablename__ = "crm_customer_gram"
    __audit__ = False
    __table_args__ = {"sqlite_with_rowid": False}

    #: "n" name key, "p" phone, "e" e-mail (SEARCH_FIELDS).
    field: Mapped[str] = mapped_column(String(1), primary_key=True)
    gram: Mapped[str] = mapped_column(gram_type(SEARCH_WINDOW), primary_key=True)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class ContactSearchGram(db.Model):
    """The global search's substring index of contact names (issue 18): for every position of a contact's name in
    lower case (the database's lower()), the (at most SEARCH_WINDOW) characters starting there, as
    CustomerSearchGram is for customers. Kept by database triggers on crm_contact (migration 2b7f0c5e8d13);
    nothing in Python writes it. On SQLite a batch migration that copies crm_contact drops the triggers: such a
    migration must create them again (test_global_search.py fails otherwise)."""

    __tablename__ = "crm_contact_gram"
    __audit__ = False
    __table_args__ = {"sqlite_with_rowid": False}

    gram: Mapped[str] = mapped_column(gram_type(SEARCH_WINDOW), primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class CustomerTally(db.Model):
    """How many live customers (not merged away) each owner holds in each grade: the customer list's count when
    only its scope and the grade or owner filter narrow it, in a few rows whatever the number of customers (issue
    18 rule 1: counting a manager's 100,000 customers grew the page with the data).

    Kept by database triggers on crm_customer (migration 9d4e2a7c1b36), like the search's index: every write path
    keeps it true and nothing in Python writes it. On SQLite a batch migration that copies crm_customer drops the
    triggers: such a migration must create them again (test_customer_tally.py fails otherwise)."""

    __tablename__ = "crm_customer_tally"
    __audit__ = False

    #: The owner's id, 0 for the unassigned pool (a key cannot be NULL).
    owner_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The grade, "" for none.
    grade_key: Mapped[str] = mapped_column(String(1), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer, default=0)


class CustomerTag(db.Model):
    __tablename__ = "crm_customer_tag"
    __label__ = _l("Customer tag")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"tag": _l("Tag")}
    __table_args__ = (UniqueConstraint("customer_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(50), index=True)

    customer: Mapped[Customer] = relationship(back_populates="tags")


class Contact(db.Model):
    """A person at a customer. Personal data under PIPL (R11): consent is recorded per contact."""

    __tablename__ = "crm_contact"
    __label__ = _l("Contact")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Contact name"), "title": _l("Job title"), "phone": _l("Phone"), "email": _l("E-mail"),
                   "wechat": _l("WeChat"), "is_primary": _l("Primary contact"),
                   "anonymised_at": _l("Personal data erased")}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    wechat: Mapped[str | None] = mapped_column(String(100))
    is_primary: Mapped[bool] = mapped_column(default=False)
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consents: Mapped[list[Consent]] = relationship(back_populates="contact", order_by="Consent.id",
                                                   cascade="all, delete-orphan")


class Consent(db.Model):
    """What a contact agreed to, for which purpose and channels, and when (PIPL; R11)."""

    __tablename__ = "crm_consent"
    __label__ = _l("Consent")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"purpose": _l("Consent purpose"), "channels": (_l("Consented channels"), _channel_list),
                   "granted_on": _l("Consent given on"), "withdrawn_at": _l("Consent withdrawn"),
                   "note": _l("How consent was given")}

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("crm_contact.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(200))
    #: Comma-separated channels from CHANNELS, e.g. "email,sms".
    channels: Mapped[str] = mapped_column(String(100))
    granted_on: Mapped[date]
    withdrawn_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="consents")

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]


class Interaction(db.Model):
    """A call, visit, message, email, meeting or revisit with its outcome and next step (R2.1.3, R5.3.1)."""

    __tablename__ = "crm_interaction"
    __label__ = _l("Interaction")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"kind": (_l("Interaction kind"), _choices("interaction_choices")),
                   "occurred_at": _l("Interaction time"), "summary": _l("Interaction summary"),
                   "outcome": _l("Interaction outcome"), "next_step": _l("Next step"),
                   "next_step_on": _l("Next step due on"), "next_step_done": _l("Next step done"),
                   "user_id": _l("Interaction recorded by")}
    __table_args__ = (
        Index("ix_crm_interaction_customer_at", "customer_id", "occurred_at"),
        Index("ix_crm_interaction_user_next", "user_id", "next_step_done", "next_step_on"),
        Index("ix_crm_interaction_occurred", "occurred_at", "id"),  # the interaction list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(String(300))
    next_step_on: Mapped[date | None]
    next_step_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class Revisit(db.Model):
    """A revisit the customer's service plan calls for (R5.2.2, R5.3.1); done on time when done by its due date."""

    __tablename__ = "crm_revisit"
    __label__ = _l("Revisit")  # its name on the audit page (core/audit/labels.py)
    # Not the reminder's date nor the interaction's id: bookkeeping.
    __tracked__ = {"owner_id": _l("Revisit owner"), "grade": (_l("Grade"), _choices("grade_choices")),
                   "due_on": _l("Revisit due on"), "done_at": _l("Revisit done"),
                   "done_on_time": _l("Revisit done on time")}
    __table_args__ = (Index("ix_crm_revisit_owner_open", "owner_id", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    grade: Mapped[str | None] = mapped_column(String(1))
    due_on: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    done_on_time: Mapped[bool | None]
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("crm_interaction.id"))
    reminded_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServicePlan(db.Model):
    """Per grade: revisit interval, service level and marketing strategy (R5.2.2)."""

    __tablename__ = "crm_service_plan"
    __label__ = _l("Service plan")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"revisit_interval_days": _l("Revisit interval (days)"), "service_level": _l("Service level"),
                   "strategy": _l("Marketing strategy")}

    grade: Mapped[str] = mapped_column(String(1), primary_key=True)
    revisit_interval_days: Mapped[int] = mapped_column(Integer)
    service_level: Mapped[str] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OwnershipChange(db.Model):
    """Who owned a customer, when, and who moved it (R2.2.3)."""

    __tablename__ = "crm_ownership_change"
    __label__ = _l("Ownership change")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"from_user_id": _l("Previous owner"), "to_user_id": _l("New owner"),
                   "changed_by_id": _l("Moved by"), "reason": _l("Reason for the move")}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    reason: Mapped[str | None] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class GradeChange(db.Model):
    """The grade history (R5.2.1): automatic regrades and managers' overrides with their reason."""

    __tablename__ = "crm_grade_change"
    __label__ = _l("Grade change")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"old_grade": (_l("Previous grade"), _choices("grade_choices")),
                   "new_grade": (_l("New grade"), _choices("grade_choices")), "score": _l("Grading score"),
                   "source": (_l("Grade set by"), GRADE_SOURCES), "reason": _l("Reason for the grade"),
                   "changed_by_id": _l("Changed by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    old_grade: Mapped[str | None] = mapped_column(String(1))
    new_grade: Mapped[str | None] = mapped_column(String(1))
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: "auto", "override" or "release" (an override lifted).
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(300))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Purchase(db.Model):
    """A purchase imported from an online shop's export: CRM's own figures for grading when no pipeline answers."""

    __tablename__ = "crm_purchase"
    __label__ = _l("Purchase")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"shop": _l("Online shop"), "reference": _l("Shop order number"), "ordered_on": _l("Ordered on"),
                   "amount": _l("Purchase amount (CNY)")}
    __table_args__ = (UniqueConstraint("shop", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    shop: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str] = mapped_column(String(100))
    ordered_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GradeInput(db.Model):
    """Scratch rows of one regrade: purchase figures per customer, so that grading is one set-based UPDATE."""

    __tablename__ = "crm_grade_input"
    __audit__ = False

    customer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    orders: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    last_purchase: Mapped[date | None]


class MergeRecord(db.Model):
    """A merge of two customer files (R5.1.2), with a snapshot of the file that was merged away."""

    __tablename__ = "crm_merge"
    __label__ = _l("Customer merge")  # its name on the audit page (core/audit/labels.py)
    # The snapshot is for restoring by hand, and the two files' ids are the record itself: neither is a change.
    __tracked__ = {"merged_by_id": _l("Merged by")}

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    snapshot: Mapped[str] = mapped_column(Text)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)


class Survey(db.Model):
    """A satisfaction survey (R4.3.3): only the token's hash is kept; the link is single use and expires."""

    __tablename__ = "crm_survey"
    __label__ = _l("Satisfaction survey")  # its name on the audit page (core/audit/labels.py)
    # Not the token's hash (a secret) nor who sent the link.
    __tracked__ = {"user_id": _l("Representative rated"), "expires_at": _l("Survey link valid until"),
                   "answered_at": _l("Survey answered"), "rating": _l("Satisfaction rating"),
                   "comment": _l("Survey comment")}

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id"), index=True)
    #: The representative whose service is rated.
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)


class Campaign(db.Model):
    """An email or SMS campaign to a segment (R5.3.2)."""

    __tablename__ = "crm_campaign"
    __label__ = _l("Campaign")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Campaign name"), "channel": (_l("Campaign channel"), _choices("channel_choices")),
                   "subject": _l("E-mail subject"), "body": _l("Message text"),
                   "status": (_l("Campaign status"), CAMPAIGN_STATUSES), "sent_at": _l("Campaign sent")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    #: The segment as JSON: grades, tags, regions, states, purchased_since, purchased_before.
    segment: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class CampaignMessage(db.Model):
    """One message of a campaign to one contact, with its unsubscribe token's hash."""

    __tablename__ = "crm_campaign_message"
    __label__ = _l("Campaign message")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"address": _l("Sent to"), "status": (_l("Delivery"), MESSAGE_STATUSES),
                   "error": _l("Delivery error"), "sent_at": _l("Message sent"),
                   "unsubscribed_at": _l("Unsubscribed")}
    __audit_redact__ = ("unsubscribe_hash",)
    __table_args__ = (UniqueConstraint("campaign_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("crm_campaign.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("crm_contact.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    #: queued, sent, failed
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(String(300))
    unsubscribe_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]


class CustomerEvent(db.Model):
    """A customer event: seminar, product experience session (R5.3.3)."""

    __tablename__ = "crm_event"
    __label__ = _l("Customer event")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Event title"), "kind": (_l("Event kind"), EVENT_KIND_LABELS),
                   "starts_at": _l("Event starts"), "location": _l("Event location"),
                   "description": _l("Event description"), "organiser_id": _l("Organiser")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventAttendee(db.Model):
    """An invitee or registrant of an event; someone not yet a customer becomes a lead on attending."""

    __tablename__ = "crm_event_attendee"
    __label__ = _l("Event attendee")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Attendee name"), "company": _l("Attendee's company"), "phone": _l("Phone"),
                   "email": _l("E-mail"), "status": (_l("Event attendance"), ATTENDEE_STATUSES),
                   "rating": _l("Event rating"), "feedback": _l("Event feedback")}

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("crm_event.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    #: invited, registered, attended, absent
    status: Mapped[str] = mapped_column(String(12), default="invited")
    rating: Mapped[int | None] = mapped_column(Integer)
    feedback: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AccessLog(db.Model):
    """Exports, bulk views and personal-data requests (R11): who took which customer data out, and when."""

    __tablename__ = "crm_access_log"
    __label__ = _l("Customer data access")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"user_id": _l("Accessed by"), "action": (_l("Kind of access"), ACCESS_ACTIONS),
                   "records": _l("Records taken out"), "detail": _l("Access details")}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    records: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ImportUpload(db.Model):
    """An uploaded import file between its dry run and the real import (in the database, so any process of the
    application can finish it); deleted once imported, or after a day."""

    __tablename__ = "crm_import_upload"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
