"""Allocating customers (R2.2.3): assign and reassign one or many, distribute the lead pool round-robin, and move
every customer of a representative who left. Every move is kept in the ownership history."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, literal, select, update

from core.identity.models import User
from core.timeutil import utcnow
from plugins.crm.models import Customer, OwnershipChange, Revisit
from plugins.crm.services.errors import Conflict, CRMError


def _check_target(session: Any, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise CRMError(_("Choose an active person to give the customers to."), field="to_user_id")
    return user


def assign(session: Any, customer_ids: list[int], to_user_id: int, by_user: Any, reason: str | None = None,
           allowed: Any = None) -> int:
    """Give the customers to ``to_user_id`` in set-based SQL; returns how many changed owner.

    ``allowed`` is the caller's reach (a condition on Customer: their scope, or the pool), checked again as the
    rows are written: when someone else has meanwhile given one of them to a person outside it (two supervisors
    distributing the same leads), nothing is moved and Conflict says so."""
    _check_target(session, to_user_id)
    ids = sorted({int(i) for i in customer_ids})
    if not ids:
        raise CRMError(_("Choose at least one customer."), field="customer_ids")
    moving = (Customer.id.in_(ids), Customer.merged_into_id.is_(None),
              (Customer.owner_id.is_(None)) | (Customer.owner_id != to_user_id))
    if allowed is not None:
        # Lock the rows first (PostgreSQL; SQLite's writers queue anyway), so that the history below reads the
        # owners as they are once a concurrent allocation has committed.
        session.execute(select(Customer.id).where(Customer.id.in_(ids)).with_for_update())
        moving = (*moving, allowed)
    now = utcnow()
    # History first (it needs the old owner), then the move itself: two statements whatever the count.
    session.execute(insert(OwnershipChange).from_select(
        ["customer_id", "from_user_id", "to_user_id", "changed_by_id", "reason", "changed_at"],
        select(Customer.id, Customer.owner_id, literal(to_user_id), literal(getattr(by_user, "id", None)),
               literal((reason or "").strip()[:300] or None), literal(now)).where(*moving)))
    changed = session.execute(update(Customer).where(*moving).values(owner_id=to_user_id, updated_at=now)
                              .execution_options(synchronize_session=False)).rowcount
    if allowed is not None:
        live = Customer.merged_into_id.is_(None), Customer.id.in_(ids)
        stray = session.scalar(select(func.count(Customer.id)).where(*live, Customer.owner_id.is_distinct_from(
            to_user_id)))
        if stray:
            session.rollback()
            raise Conflict(_("Someone else gave some of these customers to another person a moment ago. Reload the "
                             "list and choose again."))
    session.execute(update(Revisit).where(Revisit.customer_id.in_(ids), Revisit.done_at.is_(None))
                    .values(owner_id=to_user_id).execution_options(synchronize_session=False))
    session.expire_all()
    return changed


def distribute(session: Any, customer_ids: list[int], to_user_ids: list[int], by_user: Any,
               reason: str | None = None, allowed: Any = None) -> dict[int, int]:
    """Round-robin: the customers, oldest first, go in turn to each person, starting with whoever owns fewest.

    Returns {user id: number received}."""
    people = sorted({int(i) for i in to_user_ids})
    if not people:
        raise CRMError(_("Choose at least one person to distribute to."), field="to_user_ids")
    for person in people:
        _check_target(session, person)
    ids = list(session.scalars(select(Customer.id).where(Customer.id.in_([int(i) for i in customer_ids]),
                                                          Customer.merged_into_id.is_(None))
                               .order_by(Customer.created_at, Customer.id)))
    if not ids:
        raise CRMError(_("Choose at least one customer."), field="customer_ids")
    load = dict(session.execute(select(Customer.owner_id, func.count(Customer.id))
                                .where(Customer.owner_id.in_(people), Customer.merged_into_id.is_(None))
                                .group_by(Customer.owner_id)).all())
    turn = sorted(people, key=lambda p: (load.get(p, 0), p))
    shares: dict[int, list[int]] = {p: [] for p in turn}
    for index, customer_id in enumerate(ids):
        shares[turn[index % len(turn)]].append(customer_id)
    result = {}
    for person, share in shares.items():
        result[person] = assign(session, share, person, by_user, reason, allowed) if share else 0
    return result


def pool_ids(session: Any, limit: int = 500) -> list[int]:
    """The oldest unassigned leads (the pool a supervisor distributes)."""
    return list(session.scalars(select(Customer.id).where(Customer.owner_id.is_(None),
                                                          Customer.merged_into_id.is_(None))
                                .order_by(Customer.created_at, Customer.id).limit(limit)))


def move_all(session: Any, from_user_id: int, to_user_ids: list[int], by_user: Any,
             reason: str | None = None) -> dict[int, int]:
    """Move every customer of ``from_user_id`` (e.g. a representative who left) round-robin to ``to_user_ids``."""
    if from_user_id in {int(i) for i in to_user_ids}:
        raise CRMError(_("Choose people other than the one whose customers are moved."), field="to_user_ids")
    ids = list(session.scalars(select(Customer.id).where(Customer.owner_id == from_user_id,
                                                         Customer.merged_into_id.is_(None))))
    if not ids:
        return {}
    return distribute(session, ids, to_user_ids, by_user, reason or _("previous owner deactivated"))


def inactive_owners(session: Any, condition: Any = None) -> list[tuple[User, int]]:
    """Deactivated people who still own customers, with how many (``condition`` on User limits whom)."""
    stmt = select(User, func.count(Customer.id)).join(Customer, Customer.owner_id == User.id)
    if condition is not None:
        stmt = stmt.where(condition)
    rows = session.execute(stmt.where(User.active.is_(False), Customer.merged_into_id.is_(None))
                           .group_by(User.id).order_by(User.name)).all()
    return [(user, count) for user, count in rows]
