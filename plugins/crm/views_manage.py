"""Supervisors' and representatives' working lists: revisits, clean-up, allocation (R2.2.3), the per-representative
view, service plans (R5.2.2) and import (R5.1.1)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, func, or_, select

from core.extensions import db
from core.identity.models import User
from core.security import can, require
from core.timeutil import local_today, utcnow
from core.web.listing import Filter, ListQuery
from core.web.params import record_id
from plugins.crm import forms, settings
from plugins.crm.access import (
    ASSIGN,
    EDIT,
    VIEW,
    assignable_users,
    owner_condition,
    pool_customers,
    scoped_customers,
)
from plugins.crm.models import GRADES, Customer, ImportUpload, Interaction, Revisit, ServicePlan, Survey
from plugins.crm.services import allocation as allocation_service
from plugins.crm.services import importing
from plugins.crm.services import revisits as revisit_service
from plugins.crm.services.errors import Conflict, CRMError
from plugins.crm.views import bp, customer_listing

# ---------------------------------------------------------------------------------------------------- revisits


@bp.get("/revisits")
@require(VIEW)
def revisits():  # type: ignore[no-untyped-def]
    """Open revisits in the user's scope, overdue first (R5.3.1)."""
    stmt = (select(Revisit, Customer).join(Customer, Customer.id == Revisit.customer_id)
            .where(Revisit.done_at.is_(None), owner_condition(current_user, VIEW, Revisit.owner_id),
                   Customer.merged_into_id.is_(None)))
    listing = ListQuery(stmt, sorts={"due": Revisit.due_on, "name": Customer.name}, default_sort="due",
                        search=[Customer.name],
                        filters=[Filter.choice("grade", _l("Grade"), Customer.grade, [(g, g) for g in GRADES]),
                                 Filter.choice("when", _l("Due"), Revisit.due_on < local_today(),
                                               [("overdue", _l("Overdue"))], coerce=lambda _v: True)])
    return render_template("crm/revisits.html", page=listing.page(), today=local_today())



# ---------------------------------------------------------------------------------------------------- clean-up


@bp.get("/cleanup")
@require(EDIT)
def cleanup():  # type: ignore[no-untyped-def]
    """Files not updated for N days or incomplete, in the user's edit scope (R5.1.2)."""
    stale_before = utcnow() - timedelta(days=int(settings.value("crm.stale_days")))
    threshold = int(settings.value("crm.complete_threshold"))
    stmt = scoped_customers(current_user, EDIT).where(
        Customer.state != "lost", or_(Customer.updated_at < stale_before, Customer.completeness < threshold))
    listing = customer_listing(stmt)
    listing.default_sort = "updated"
    return render_template("crm/cleanup.html", page=listing.page(), stale_before=stale_before,
                           threshold=threshold, stale_days=settings.value("crm.stale_days"))


# ---------------------------------------------------------------------------------------------------- allocation


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
    back = request.form.get("next") if (request.form.get("next") or "").startswith("/crm/") else url_for(
        "crm.allocation")
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



# ---------------------------------------------------------------------------------------------------- plans


@bp.get("/plans")
@require(VIEW)
def plans():  # type: ignore[no-untyped-def]
    plans = revisit_service.plans(db.session)
    counts = dict(db.session.execute(select(Customer.grade, func.count(Customer.id))
                                     .where(Customer.merged_into_id.is_(None)).group_by(Customer.grade)).all())
    return render_template("crm/plans.html", plans=[(g, plans.get(g)) for g in GRADES], counts=counts,
                           can_manage=can(current_user, "crm.plan.manage"))



@bp.route("/plans/<grade>", methods=["GET", "POST"])
@require("crm.plan.manage")
def edit_plan(grade: str):  # type: ignore[no-untyped-def]
    if grade not in GRADES:
        abort(404)
    plan = db.session.get(ServicePlan, grade)
    form = forms.PlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            revisit_service.update_plan(db.session, grade, form.revisit_interval_days.data, form.service_level.data,
                                 form.strategy.data)
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Service plan %(grade)s saved.", grade=grade), "success")
            return redirect(url_for("crm.plans"))
    status = 422 if request.method == "POST" else 200
    return render_template("crm/simple_form.html", form=form, customer=None,
                           title=_("Service plan for grade %(grade)s", grade=grade)), status


# ---------------------------------------------------------------------------------------------------- import


def _upload(upload_id: int | None) -> ImportUpload | None:
    if not upload_id:
        return None
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.user_id != current_user.id:
        abort(404)
    return upload


def _take(upload: ImportUpload) -> None:
    """Delete the upload before importing it (put back by the rollback if the import is refused): of two imports
    of one file at once (a double click), exactly one imports it and the other is told."""
    if db.session.execute(delete(ImportUpload).where(ImportUpload.id == upload.id)).rowcount != 1:
        db.session.rollback()
        raise Conflict(_("This file was imported a moment ago. Look for its customers before importing it again."))


@bp.route("/import", methods=["GET", "POST"])
@require("crm.customer.import")
def import_page():  # type: ignore[no-untyped-def]
    """Upload, map the columns, dry run, then import (nothing is half-imported)."""
    form = forms.ImportForm()
    what = form.what.data or "customers"
    fields = importing.CUSTOMER_FIELDS if what == "customers" else importing.PURCHASE_FIELDS
    table = report = None
    mapping: dict[str, str] = {}
    upload = None
    if request.method == "POST" and form.validate():
        upload = _upload(record_id(form.token.data))
        try:
            if form.file.data and form.file.data.filename:
                data = form.file.data.read()
                table = importing.read_table(form.file.data.filename, data)
                # Old uploads are dropped: a file waits at most a day for its import.
                db.session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - timedelta(days=1)))
                upload = ImportUpload(user_id=current_user.id, filename=form.file.data.filename[:200], data=data)
                db.session.add(upload)
                db.session.commit()
                mapping = importing.guess_mapping(table.headers, fields)
            elif upload is not None:
                table = importing.read_table(upload.filename, upload.data)
                mapping = {f: request.form.get(f"map_{f}", "") for f in fields}
            else:
                raise CRMError(_("Choose a file."), field="file")
            dry_run = request.form.get("action") != "import"
            if not dry_run and upload is not None:
                _take(upload)
            if what == "customers":
                to_pool = bool(form.to_pool.data) and can(current_user, ASSIGN)
                report = importing.import_customers(db.session, table, mapping, current_user, dry_run,
                                                    owner_id=None if to_pool else "self")
            else:
                report = importing.import_purchases(db.session, table, mapping, current_user, dry_run,
                                                    default_shop=form.shop.data or "")
        except CRMError as exc:
            db.session.rollback()
            forms.attach_errors(form, exc)
            if isinstance(exc, Conflict):
                upload = table = None  # imported and gone
        else:
            if report.saved:
                db.session.commit()  # the upload was deleted by _take
                flash(_("Imported %(n)s rows; %(d)s duplicates skipped.", n=report.ok, d=report.duplicates),
                      "success")
                return redirect(url_for("crm.customers") if what == "customers" else url_for("crm.import_page"))
            db.session.rollback()
    if upload is not None:
        form.token.data = str(upload.id)
    return render_template("crm/import.html", form=form, table=table, report=report, mapping=mapping,
                           fields=fields, what=what, upload=upload, can_assign=can(current_user, ASSIGN)
                           ), 422 if form.errors or form.form_errors else 200
