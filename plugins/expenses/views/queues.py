"""The review queues: the department-level review (R9.2.2), finance's re-review and payment (R9.2.3)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.security import authenticated, can, require
from core.web.params import record_id
from plugins.expenses import platform
from plugins.expenses.forms import (
    PaymentForm,
    method_choices,
)
from plugins.expenses.models import DEPT_APPROVED, FINANCE_APPROVED, Claim
from plugins.expenses.services import workflow
from plugins.expenses.services.common import PAY, ExpenseError, InvalidInput
from plugins.expenses.services.payments import PaymentInput
from plugins.expenses.views import lists, rendering
from plugins.expenses.views.common import (
    bp,
)


@bp.get("/review")
@authenticated
def review_queue():  # type: ignore[no-untyped-def]
    """Claims waiting for my department-level review (R9.2.2): whoever is assigned may review, whatever role."""
    return render_template("expenses/review_queue.html", page=lists.review_list(current_user).page(),
                           **rendering.claim_rows())


@bp.get("/finance")
@require("expenses.claim.finance_review")
def finance_queue():  # type: ignore[no-untyped-def]
    stage = "pay" if request.args.get("stage") == "pay" else "review"
    page = lists.finance_list(current_user, FINANCE_APPROVED if stage == "pay" else DEPT_APPROVED).page()
    form = PaymentForm(paid_on=platform.local_today())
    form.method.choices = method_choices()
    return render_template("expenses/finance_queue.html", page=page, stage=stage, form=form,
                           can_pay=can(current_user, PAY),
                           **rendering.claim_rows())


@bp.post("/finance/pay")
@require("expenses.claim.pay")
def pay_batch():  # type: ignore[no-untyped-def]
    form = PaymentForm()
    ids = [number for v in request.form.getlist("ids") if (number := record_id(v))][:500]
    if not form.validate():
        for field, errors in form.errors.items():
            for error in errors:
                flash(f"{getattr(form, field).label.text}: {error}", "error")
        return redirect(url_for("expenses.finance_queue", stage="pay"))
    claims = list(db.session.scalars(select(Claim).where(Claim.id.in_(ids)).options(selectinload(Claim.lines))))
    if not claims:
        flash(_("Tick the claims to pay first."), "warning")
        return redirect(url_for("expenses.finance_queue", stage="pay"))
    try:
        workflow.pay_batch(db.session, claims, current_user,
                           PaymentInput(form.paid_on.data, form.method.data, form.reference.data or ""))
        db.session.commit()
        flash(_("%(n)s claims paid.", n=len(claims)), "success")
    except InvalidInput as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
    except ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.finance_queue", stage="pay"))
