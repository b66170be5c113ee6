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
from sqlalchemy import select
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


def _read_history(customer_id: int) -> History:
    session = db.session
    author = aliased(User)
    interactions = session.execute(
        select(Interaction, author.name).outerjoin(author, author.id == Interaction.user_id)
        .where(Interaction.customer_id == customer_id).options(lazyload(Interaction.user))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(HISTORY_LIMIT)).all()
    changer = aliased(User)
    grades = session.execute(
        select(GradeChange, changer.name).outerjoin(changer, changer.id == GradeChange.changed_by_id)
        .where(GradeChange.customer_id == customer_id)
        .order_by(GradeChange.changed_at.desc(), GradeChange.id.desc()).limit(HISTORY_LIMIT)).all()
    giver, taker = aliased(User), aliased(User)
    owners = session.execute(
        select(OwnershipChange, giver.name, taker.name)
        .outerjoin(giver, giver.id == OwnershipChange.from_user_id)
        .outerjoin(taker, taker.id == OwnershipChange.to_user_id)
        .where(OwnershipChange.customer_id == customer_id)
        .order_by(OwnershipChange.changed_at.desc(), OwnershipChange.id.desc()).limit(HISTORY_LIMIT)).all()
    surveys = session.scalars(select(Survey).where(Survey.customer_id == customer_id)
                              .order_by(Survey.created_at.desc(), Survey.id.desc()).limit(HISTORY_LIMIT)).all()
    return History(list(interactions), list(grades), list(owners), list(surveys))


@dataclass
class Contacts:
    contacts: list[Contact]
    consents: dict[int, list[Consent]]


def contacts_with_consents(customer_id: int) -> Contacts:
    """The customer's contacts, primary first, with their consents: one statement."""
    rows = db.session.execute(
        select(Contact, Consent).outerjoin(Consent, Consent.contact_id == Contact.id)
        .where(Contact.customer_id == customer_id)
        .order_by(Contact.is_primary.desc(), Contact.name, Contact.id, Consent.id)).all()
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


def service(customer: Customer) -> Service:
    """The service plan of the customer's grade and the due date of its open revisit: one statement."""
    due = (select(Revisit.due_on).where(Revisit.customer_id == customer.id, Revisit.done_at.is_(None))
           .order_by(Revisit.due_on).limit(1).scalar_subquery())
    row = db.session.execute(select(ServicePlan, due).where(ServicePlan.grade == (customer.grade or "C"))).first()
    if row is None:  # no plan for the grade (plans are seeded, but may have been removed)
        return Service(None, db.session.scalar(select(due)))
    return Service(row[0], row[1])
