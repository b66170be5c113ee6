"""What a customer's page shows, read in a fixed, small number of statements whatever the history's length
(issue 5 "Performance"): each list is limited, names come joined rather than as whole users (whose roles and grants
would be loaded too), and the history read here is kept for the request, so that the timeline on the same page
(timeline.py) does not read it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased, lazyload

from core.extensions import db
from core.identity.models import User
from plugins.crm.models import (
    Consent,
    Contact,
    Customer,
    GradeChange,
    Interaction,
    OwnershipChange,
    Revisit,
    ServicePlan,
    Survey,
)

#: Entries of each kind read for the page and its timeline (the page shows fewer of some).
HISTORY_LIMIT = 50


@dataclass
class History:
    """A customer's recent history, newest first: (interaction, user name), (grade change, changer name),
    (ownership change, from name, to name) rows and surveys."""

    interactions: list[Any] = field(default_factory=list)
    grade_changes: list[Any] = field(default_factory=list)
    owner_changes: list[Any] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)


def history(customer_id: int) -> History:
    """The customer's recent history (four statements), read once per request; read afresh outside one (a job's
    app context may live across changes)."""
    if not has_request_context():
        return _read_history(customer_id)
    cache = g.setdefault("_crm_history", {})
    if customer_id not in cache:
        cache[customer_id] = _read_history(customer_id)
    return cache[customer_id]


def _recent(stmt: Select) -> Select:
    """``stmt`` for one customer (the ``customer_id`` parameter), at most HISTORY_LIMIT rows."""
    return stmt.limit(HISTORY_LIMIT)


# The page's statements are built once, at import: only the customer's id changes per request, and building them
# (aliases, joins, coercions) cost more than running them (issue 5 "Performance").
_author = aliased(User)
_INTERACTIONS = _recent(
    select(Interaction, _author.name).outerjoin(_author, _author.id == Interaction.user_id)
    .where(Interaction.customer_id == bindparam("customer_id")).options(lazyload(Interaction.user))
    .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))
_changer = aliased(User)
_GRADE_CHANGES = _recent(
    select(GradeChange, _changer.name).outerjoin(_changer, _changer.id == GradeChange.changed_by_id)
    .where(GradeChange.customer_id == bindparam("customer_id"))
    .order_by(GradeChange.changed_at.desc(), GradeChange.id.desc()))
_giver, _taker = aliased(User), aliased(User)
_OWNER_CHANGES = _recent(
    select(OwnershipChange, _giver.name, _taker.name)
    .outerjoin(_giver, _giver.id == OwnershipChange.from_user_id)
    .outerjoin(_taker, _taker.id == OwnershipChange.to_user_id)
    .where(OwnershipChange.customer_id == bindparam("customer_id"))
    .order_by(OwnershipChange.changed_at.desc(), OwnershipChange.id.desc()))
_SURVEYS = _recent(
    select(Survey).where(Survey.customer_id == bindparam("customer_id"))
    .order_by(Survey.created_at.desc(), Survey.id.desc()))


def _read_history(customer_id: int) -> History:
    session = db.session
    params = {"customer_id": customer_id}
    return History(session.execute(_INTERACTIONS, params).all(), session.execute(_GRADE_CHANGES, params).all(),
                   session.execute(_OWNER_CHANGES, params).all(), session.scalars(_SURVEYS, params).all())


@dataclass
class Contacts:
    contacts: list[Contact]
    consents: dict[int, list[Consent]]


_CONTACTS = (select(Contact, Consent).outerjoin(Consent, Consent.contact_id == Contact.id)
             .where(Contact.customer_id == bindparam("customer_id"))
             .order_by(Contact.is_primary.desc(), Contact.name, Contact.id, Consent.id))


def contacts_with_consents(customer_id: int) -> Contacts:
    """The customer's contacts, primary first, with their consents: one statement."""
    rows = db.session.execute(_CONTACTS, {"customer_id": customer_id}).all()
    contacts: list[Contact] = []
    consents: dict[int, list[Consent]] = {}
    for contact, consent in rows:
        if not contacts or contacts[-1] is not contact:
            contacts.append(contact)
        if consent is not None:
            consents.setdefault(contact.id, []).append(consent)
    return Contacts(contacts, consents)


@dataclass
class Service:
    plan: ServicePlan | None
    next_revisit_on: date | None


_NEXT_REVISIT_DUE = (select(Revisit.due_on)
                     .where(Revisit.customer_id == bindparam("customer_id"), Revisit.done_at.is_(None))
                     .order_by(Revisit.due_on).limit(1).scalar_subquery())
_PLAN_AND_DUE = select(ServicePlan, _NEXT_REVISIT_DUE).where(ServicePlan.grade == bindparam("grade"))
_DUE_ONLY = select(_NEXT_REVISIT_DUE)


def service(customer: Customer) -> Service:
    """The service plan of the customer's grade and the due date of its open revisit: one statement."""
    params = {"customer_id": customer.id, "grade": customer.grade or "C"}
    row = db.session.execute(_PLAN_AND_DUE, params).first()
    if row is None:  # no plan for the grade (plans are seeded, but may have been removed)
        return Service(None, db.session.scalar(_DUE_ONLY, params))
    return Service(row[0], row[1])
