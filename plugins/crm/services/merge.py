"""Merging two files of one customer (R5.1.2), by a supervisor, without losing any history: every contact,
interaction, revisit, purchase, survey, message, event record and history row moves to the file kept; empty fields
of the kept file are filled from the other; the other is archived with a snapshot, never deleted."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.timeutil import utcnow
from plugins.crm.models import (
    Contact,
    Customer,
    CustomerTag,
    EventAttendee,
    GradeChange,
    Interaction,
    MergeRecord,
    OwnershipChange,
    Purchase,
    Revisit,
    Survey,
)
from plugins.crm.services.customers import refresh_contacts_count, touch
from plugins.crm.services.errors import Conflict, CRMError

#: Tables whose rows follow the customer (campaign messages hang on contacts, which move as a whole).
FOLLOWERS = (Contact, Interaction, Revisit, Purchase, Survey, EventAttendee, GradeChange, OwnershipChange)
FILLABLE = ("source", "industry", "region", "phone", "email", "wechat", "needs", "owner_id", "grade",
            "last_purchase_on", "became_customer_at", "last_interaction_at")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(customer: Customer) -> str:
    data = {column.key: _plain(getattr(customer, column.key)) for column in Customer.__table__.columns}
    data["tags"] = customer.tag_names
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _take_both(session: Any, keep: Customer, drop: Customer) -> None:
    """Write both files first, each only while it is not merged, in the order of their ids: of two merges of the
    same files at once (or of A into B and B into A), exactly one goes ahead and the other is told, without a
    deadlock. The ORM writes the same values again below, for the audit trail."""
    now = utcnow()
    for customer in sorted((keep, drop), key=lambda c: c.id):
        values: dict[str, Any] = {"updated_at": now}
        if customer is drop:
            values.update(merged_into_id=keep.id, archived=True)
        taken = session.execute(update(Customer).where(Customer.id == customer.id, Customer.merged_into_id.is_(None))
                                .values(**values).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            session.rollback()
            raise Conflict(_("Someone else merged one of these customers a moment ago. Reload and check."))


def merge(session: Any, keep: Customer, drop: Customer, by_user: Any) -> MergeRecord:
    if keep.id == drop.id:
        raise CRMError(_("Choose two different customers."))
    if keep.merged_into_id is not None or drop.merged_into_id is not None:
        raise CRMError(_("One of these customers was already merged."))
    _take_both(session, keep, drop)
    record = MergeRecord(kept_id=keep.id, merged_id=drop.id, snapshot=snapshot(drop),
                         merged_by_id=getattr(by_user, "id", None))
    for field in FILLABLE:
        if getattr(keep, field) in (None, "") and getattr(drop, field) not in (None, ""):
            setattr(keep, field, getattr(drop, field))
    if not keep.needs and drop.needs:
        keep.needs = drop.needs
    elif drop.needs and drop.needs not in (keep.needs or ""):
        keep.needs = f"{keep.needs}\n{drop.needs}"
    keep.potential_value = max(keep.potential_value or 0, drop.potential_value or 0)
    have = set(keep.tag_names)
    for tag in drop.tag_names:
        if tag not in have:
            keep.tags.append(CustomerTag(tag=tag))
    # Only one open revisit per customer: the earlier due one stays.
    open_keep = session.scalar(select(Revisit).where(Revisit.customer_id == keep.id, Revisit.done_at.is_(None)))
    open_drop = session.scalar(select(Revisit).where(Revisit.customer_id == drop.id, Revisit.done_at.is_(None)))
    if open_keep and open_drop:
        session.delete(open_drop if open_drop.due_on >= open_keep.due_on else open_keep)
    session.flush()
    for model in FOLLOWERS:
        session.execute(update(model).where(model.customer_id == drop.id).values(customer_id=keep.id)
                        .execution_options(synchronize_session=False))
    drop.merged_into_id = keep.id
    drop.archived = True
    drop.updated_at = utcnow()
    session.add(record)
    session.add(OwnershipChange(customer_id=keep.id, from_user_id=drop.owner_id, to_user_id=keep.owner_id,
                                changed_by_id=getattr(by_user, "id", None),
                                reason=f"merged #{drop.id} {drop.name}"[:300]))
    session.flush()
    session.expire(keep)
    refresh_contacts_count(session, keep)
    touch(keep)
    session.flush()
    current_app.logger.info("crm: customer %s merged into %s", drop.id, keep.id)
    return record
