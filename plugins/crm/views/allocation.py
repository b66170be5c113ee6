"""Allocation of customers (R2.2.3): the unassigned lead pool, assigning and distributing customers, moving a
leaver's customers, and the per-representative view supervisors allocate from."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.extensions import db
from core.identity.models import User
from core.security import require
from core.timeutil import local_today, utcnow
from core.web.listing import ListQuery
from core.web.params import record_id
from plugins.crm.access import ASSIGN, assignable_users, owner_condition, pool_customers, scoped_customers
from plugins.crm.models import Customer, Interaction, Revisit, Survey
from plugins.crm.services import allocation as allocation_service
from plugins.crm.services.errors import CRMError
from plugins.crm.views.common import bp, next_inside_crm


def _assignable_ids() -> set[int]:
    return {u.id for u in assignable_users(current_user)}


def _reachable_customer_ids(ids: list[int]) -> list[int]:
    """Of ``ids``, those the user may allocate: in their assign scope, or in the unassigned pool."""
    if not ids:
        return []
    scoped = scoped_customers(current_user, ASSIGN, select(Customer.id)).where(Customer.id.in_(ids))
    pool = pool_customers(current_user, select(Customer.id)).where(Customer.id.in_(ids))
    return sorted(set(db.session.scalars(scoped)) | set(db.session.scalars(pool)))


def _ids(name: str) -> list[int]:
    return [number for v in request.form.getlist(name) if (number := record_id(v))]


@bp.get("/allocation")
@require(ASSIGN)
def allocation():  # type: ignore[no-untyped-def]
    listing = ListQuery(pool_customers(current_user), sorts={"created": Customer.created_at, "name": Customer.name},
                        default_sort="created", search=[Customer.name, Customer.phone], per_page=50)
    people = assignable_users(current_user)
    leavers = allocation_service.inactive_owners(db.session, owner_condition(current_user, ASSIGN, User.id))
    return render_template("crm/allocation.html", page=listing.page(), people=people, leavers=leavers)


@bp.post("/allocation/assign")
@require(ASSIGN)
def assign():  # type: ignore[no-untyped-def]
    """Assign or reassign the chosen customers to one person, or distribute them round-robin across several."""
    ids = _reachable_customer_ids(_ids("ids"))
    targets = [uid for uid in _ids("to_user_ids") if uid in _assignable_ids()]
    back = next_inside_crm(url_for("crm.allocation"))
    if not ids:
        flash(_("Choose at least one customer."), "error")
        return redirect(back)
    if not targets:
        flash(_("Choose at least one person to give the customers to."), "error")
        return redirect(back)
    reason = (request.form.get("reason") or "").strip()[:300] or None
    # What made them reachable above, checked again as they are written (a concurrent allocation may move them).
    allowed = owner_condition(current_user, ASSIGN) | Customer.owner_id.is_(None)
    try:
        if len(targets) == 1:
            count = allocation_service.assign(db.session, ids, targets[0], current_user, reason, allowed)
            message = _("%(n)s customers assigned.", n=count)
        else:
            shares = allocation_service.distribute(db.session, ids, targets, current_user, reason, allowed)
            message = _("%(n)s customers distributed round-robin to %(p)s people.", n=sum(shares.values()),
                        p=len(targets))
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(message, "success")
    return redirect(back)


@bp.post("/allocation/move/<int:user_id>")
@require(ASSIGN)
def move_all(user_id: int):  # type: ignore[no-untyped-def]
    """Move every customer of a deactivated representative to the chosen people."""
    leaver = db.session.scalar(select(User).where(User.id == user_id, User.active.is_(False),
                                                  owner_condition(current_user, ASSIGN, User.id)))
    if leaver is None:
        abort(404)
    targets = [uid for uid in _ids("to_user_ids") if uid in _assignable_ids()]
    try:
        shares = allocation_service.move_all(db.session, user_id, targets, current_user, request.form.get("reason"))
    except CRMError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("crm.allocation"))
    db.session.commit()
    flash(_("%(n)s customers of %(name)s moved.", n=sum(shares.values()), name=leaver.name), "success")
    return redirect(url_for("crm.allocation"))

# ---------------------------------------------------------------------------------------------------- per rep


@bp.get("/reps")
@require(ASSIGN)
def reps():  # type: ignore[no-untyped-def]
    """Per representative: customers, overdue revisits, due next steps, satisfaction (four grouped queries)."""
    people = assignable_users(current_user)
    ids = [p.id for p in people]
    today = local_today()
    customers_by = dict(db.session.execute(
        select(Customer.owner_id, func.count(Customer.id))
        .where(Customer.owner_id.in_(ids), Customer.merged_into_id.is_(None)).group_by(Customer.owner_id)).all())
    overdue_by = dict(db.session.execute(
        select(Revisit.owner_id, func.count(Revisit.id))
        .where(Revisit.owner_id.in_(ids), Revisit.done_at.is_(None), Revisit.due_on < today)
        .group_by(Revisit.owner_id)).all())
    steps_by = dict(db.session.execute(
        select(Interaction.user_id, func.count(Interaction.id))
        .where(Interaction.user_id.in_(ids), Interaction.next_step_done.is_(False),
               Interaction.next_step_on <= today).group_by(Interaction.user_id)).all())
    since = utcnow() - timedelta(days=90)
    satisfaction_by = dict(db.session.execute(
        select(Survey.user_id, func.avg(Survey.rating))
        .where(Survey.user_id.in_(ids), Survey.answered_at >= since).group_by(Survey.user_id)).all())
    rows = [{"user": p, "customers": customers_by.get(p.id, 0), "overdue": overdue_by.get(p.id, 0),
             "steps": steps_by.get(p.id, 0), "satisfaction": satisfaction_by.get(p.id)} for p in people]
    rows.sort(key=lambda r: (-r["overdue"], r["user"].name))
    return render_template("crm/reps.html", rows=rows)
