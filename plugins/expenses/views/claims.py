"""Claims: the list, the form (new and edit, with receipts), the claim page and its review steps (R9.2.1–R9.2.3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.attachments.records import record_key, record_url
from core.extensions import db
from core.money import to_chinese_capital
from core.security import require
from core.web.listing import export_response, wants_export
from core.web.params import whole_number
from plugins.expenses import platform
from plugins.expenses.forms import (
    ClaimForm,
    PaymentForm,
    ReviewForm,
)
from plugins.expenses.labels import PAYMENT_METHOD_LABELS, state_label
from plugins.expenses.models import DEPT_APPROVED, FINANCE_APPROVED, Claim
from plugins.expenses.services.budgets import budget_warnings
from plugins.expenses.services.categories import category_label
from plugins.expenses.services.claims import create_claim, update_claim
from plugins.expenses.services.common import ExpenseError, InvalidInput
from plugins.expenses.services.payments import PaymentInput
from plugins.expenses.services.receipts import Upload
from plugins.expenses.services.sources import claimable_record, default_title, record_label, source_of
from plugins.expenses.services.workflow import STEPS, allowed_actions, transition
from plugins.expenses.views import lists, rendering
from plugins.expenses.views.common import (
    apply_errors,
    bp,
    category_choices,
    flash_warnings,
    visible_claim_or_404,
)


def _uploads(form: ClaimForm) -> dict[int, list[Upload]]:
    uploads: dict[int, list[Upload]] = {}
    for index, entry in enumerate(form.lines.entries):
        files = [f for f in request.files.getlist(entry.form.receipt.name) if f and f.filename]
        if files:
            uploads[index] = [Upload(f.filename, f.read()) for f in files]
    return uploads


def _line_form_edits(form: ClaimForm) -> bool:
    """Handle the "add line" / "remove line" buttons: they change the form, save nothing. True if handled."""
    if "add_line" in request.form:
        if len(form.lines.entries) < form.lines.max_entries:
            form.lines.append_entry()
        return True
    remove = request.form.get("remove_line")
    if (index := whole_number(remove)) is not None:
        kept = [e for i, e in enumerate(form.lines.entries) if i != index]
        form.lines.entries = kept or form.lines.entries[:1]
        for i, entry in enumerate(form.lines.entries):  # renumber so field names stay consecutive
            entry.id = entry.name = f"lines-{i}"
            for field in entry.form:
                field.id = field.name = f"lines-{i}-{field.short_name}"
        return True
    return False


@bp.get("/")
@require("expenses.claim.view")
def claims():  # type: ignore[no-untyped-def]
    listing = lists.claim_list(current_user, request.args)
    fmt = wants_export()  # ?export=csv|xlsx: the same selection, every page
    if fmt:
        return export_response(listing.export_rows(), lists.claim_columns(), fmt, filename=_("expense-claims"))
    return render_template("expenses/claims.html", page=listing.page(), **rendering.claim_rows())


@bp.route("/claims/new", methods=["GET", "POST"])
@require("expenses.claim.create")
def claim_new():  # type: ignore[no-untyped-def]
    # ?for=team_activity:12 files the claim for that record's cost (issue 17): only a claimable record the user
    # may see; anything else is a 404, revealing nothing about the record.
    source = None
    if "for" in request.args:
        source = claimable_record(request.args.get("for"), current_user)
        if source is None:
            abort(404)
    if request.method == "GET" and source is not None:
        title = default_title(source)
        form = ClaimForm(data={"title": title, "lines": [{"description": title[:300]}]})
    else:
        form = ClaimForm()
    form.set_categories(category_choices())
    general: list[str] = []
    if request.method == "POST":
        if _line_form_edits(form):
            form.set_categories(category_choices())
        elif form.validate():
            key = record_key(source) if source is not None else None
            saved, general = _save_claim(form, lambda: create_claim(
                db.session, current_user, form.title.data, form.line_inputs(), _uploads(form), source=key))
            if saved is not None:
                return saved
    return render_template("expenses/claim_form.html", form=form, claim=None, general=general, source=source,
                           source_url=record_url(source) if source is not None else None,
                           source_label=record_label(source) if source is not None else "")


def _save_claim(form: ClaimForm, save: Callable[[], Claim]) -> tuple[Any, list[str]]:
    """Save the claim (``save``), and submit it too when the submit button was pressed (R9.2.1), in one
    transaction: (redirect to the claim, []) on success; (None, general errors) after a rollback otherwise."""
    try:
        claim = save()
        if "submit_claim" in request.form:
            db.session.flush()
            db.session.refresh(claim)
            result = transition(db.session, claim, current_user, "submit")
            flash_warnings(result.warnings)
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        return None, apply_errors(form, exc.errors)
    except ExpenseError as exc:
        db.session.rollback()
        return None, [exc.message]
    flash(_("Claim %(number)s saved.", number=claim.number), "success")
    return redirect(url_for("expenses.claim_detail", claim_id=claim.id)), []


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
@require("expenses.claim.create")
def claim_edit(claim_id: int):  # type: ignore[no-untyped-def]
    claim = visible_claim_or_404(claim_id)
    if claim.claimant_id != current_user.id or claim.state not in ("draft", "returned"):
        flash(_("A claim that is submitted, approved, paid or rejected cannot be edited."), "error")
        return redirect(url_for("expenses.claim_detail", claim_id=claim.id))
    if request.method == "GET":
        form = ClaimForm(data={"title": claim.title, "version": claim.version, "lines": [
            {"line_id": line.id, "expense_date": line.expense_date, "category_id": line.category_id,
             "amount": f"{line.amount:.2f}", "description": line.description,
             "invoice_number": line.invoice_number} for line in claim.lines] or [{}]})
    else:
        form = ClaimForm()
    form.set_categories(category_choices())
    general: list[str] = []
    if request.method == "POST" and not _line_form_edits(form) and form.validate():
        def update() -> Claim:
            update_claim(db.session, claim, current_user, form.title.data, form.line_inputs(),
                                  _uploads(form), expected_version=whole_number(form.version.data))
            return claim

        saved, general = _save_claim(form, update)
        if saved is not None:
            return saved
        claim = db.session.get(Claim, claim_id)
    form.set_categories(category_choices())
    receipts = {line.id: line.receipts for line in claim.lines}
    source = source_of(claim, current_user)
    return render_template("expenses/claim_form.html", form=form, claim=claim, general=general, receipts=receipts,
                           source=source, source_url=record_url(source) if source is not None else None,
                           source_label=record_label(source) if source is not None else "")


@bp.get("/claims/<int:claim_id>")
@require("expenses.claim.view")
def claim_detail(claim_id: int):  # type: ignore[no-untyped-def]
    claim = visible_claim_or_404(claim_id)
    actions = allowed_actions(claim, current_user)
    reviewing = claim.state in ("submitted", DEPT_APPROVED, FINANCE_APPROVED)
    warnings = budget_warnings(db.session, claim) if reviewing else []
    source = source_of(claim, current_user)
    return render_template(
        "expenses/claim_detail.html", claim=claim, actions=actions, warnings=warnings,
        source_label=record_label(source) if source is not None else "",
        source_url=record_url(source) if source is not None else None,
        review_form=ReviewForm(version=claim.version),
        payment_form=PaymentForm(version=claim.version, paid_on=platform.local_today()),
        state_label=state_label, capital=to_chinese_capital(claim.total),
        method_labels=PAYMENT_METHOD_LABELS, local=platform.local_datetime, category_label=category_label)


ACTION_MESSAGES = {
    "submit": _l("Claim submitted for review."), "approve": _l("Claim approved and sent to finance."),
    "return": _l("Claim returned to the claimant."), "reject": _l("Claim rejected."),
    "finance_approve": _l("Claim approved for payment."), "finance_return": _l("Claim returned to the claimant."),
    "finance_reject": _l("Claim rejected."), "pay": _l("Payment recorded."),
}


@bp.post("/claims/<int:claim_id>/act/<action>")
@require("expenses.claim.view")
def claim_act(claim_id: int, action: str):  # type: ignore[no-untyped-def]
    claim = visible_claim_or_404(claim_id)
    if action not in STEPS:
        abort(404)
    form = PaymentForm() if action == "pay" else ReviewForm()
    payment = None
    if action == "pay":
        if not form.validate():
            for field, errors in form.errors.items():
                for error in errors:
                    flash(f"{getattr(form, field).label.text}: {error}", "error")
            return redirect(url_for("expenses.claim_detail", claim_id=claim.id))
        payment = PaymentInput(form.paid_on.data, form.method.data, form.reference.data or "")
    try:
        result = transition(db.session, claim, current_user, action,
                                     reason=request.form.get("reason", ""), payment=payment,
                                     expected_version=whole_number(request.form.get("version")))
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
        return redirect(url_for("expenses.claim_detail", claim_id=claim_id)), 303
    except ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("expenses.claim_detail", claim_id=claim_id)), 303
    flash_warnings(result.warnings)
    flash(str(ACTION_MESSAGES[action]), "success")
    return redirect(url_for("expenses.claim_detail", claim_id=claim_id))
