"""The expenses pages: claims, review queues, budgets, categories, reports, the printable claim form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.identity.models import Department
from core.money import to_chinese_capital
from core.security import authenticated, can, public, require
from core.web.listing import export_response, wants_export
from core.web.params import record_id, whole_number
from plugins.expenses import lists, platform, rendering, services
from plugins.expenses.forms import (
    PAYMENT_METHOD_LABELS,
    BudgetForm,
    CategoryForm,
    ClaimForm,
    PaymentForm,
    ReviewForm,
    select_choices,
)
from plugins.expenses.models import (
    DEPT_APPROVED,
    FINANCE_APPROVED,
    Budget,
    Category,
    Claim,
    Receipt,
)

bp = Blueprint("expenses", __name__, url_prefix="/expenses", template_folder="templates")
STATIC_DIR = Path(__file__).resolve().parent / "static" / "expenses"


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    return {"can": can}


# ---------------------------------------------------------------------------------------------------- helpers


@bp.get("/static/<path:filename>")
@public
def static(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's stylesheet (public, like the core's static files)."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


def _visible_claim_or_404(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or not services.can_view_claim(current_user, claim):
        abort(404)  # not 403: nobody learns whether another person's claim exists
    return claim


def _categories() -> list[tuple[int, str]]:
    return [(c.id, services.category_label(c)) for c in services.active_categories(db.session)]


def _apply_errors(form: Any, errors: dict[str, str]) -> list[str]:
    """Put the service's field errors next to their fields; return those that belong to no field."""
    general = []
    for key, message in errors.items():
        parts = key.split(".")
        target = None
        if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and hasattr(form, "lines"):
            index = int(parts[1])
            if index < len(form.lines.entries):
                target = getattr(form.lines.entries[index].form, parts[2], None)
        elif parts[0] == "months" and len(parts) == 2 and hasattr(form, "months"):
            target = form.months.entries[int(parts[1])] if parts[1].isdigit() else None
        else:
            target = getattr(form, parts[0], None) if hasattr(form, parts[0]) else None
        if target is not None and hasattr(target, "errors"):
            errs = list(target.errors) if not isinstance(target.errors, list) else target.errors
            errs.append(message)
            target.errors = errs
        else:
            general.append(message)
    return general


def _uploads(form: ClaimForm) -> dict[int, list[services.Upload]]:
    uploads: dict[int, list[services.Upload]] = {}
    for index, entry in enumerate(form.lines.entries):
        files = [f for f in request.files.getlist(entry.form.receipt.name) if f and f.filename]
        if files:
            uploads[index] = [services.Upload(f.filename, f.read()) for f in files]
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


# ---------------------------------------------------------------------------------------------------- claims


@bp.get("/")
@require("expenses.claim.view")
def claims():  # type: ignore[no-untyped-def]
    listing = lists.claim_list(current_user)
    fmt = wants_export()  # ?export=csv|xlsx: the same selection, every page
    if fmt:
        return export_response(listing.export_rows(), lists.claim_columns(), fmt, filename=_("expense-claims"))
    return render_template("expenses/claims.html", page=listing.page(), **rendering.claim_rows())


@bp.route("/claims/new", methods=["GET", "POST"])
@require("expenses.claim.create")
def claim_new():  # type: ignore[no-untyped-def]
    form = ClaimForm()
    form.set_categories(_categories())
    general: list[str] = []
    if request.method == "POST":
        if _line_form_edits(form):
            form.set_categories(_categories())
        elif form.validate():
            saved, general = _save_claim(form, lambda: services.create_claim(
                db.session, current_user, form.title.data, form.line_inputs(), _uploads(form)))
            if saved is not None:
                return saved
    return render_template("expenses/claim_form.html", form=form, claim=None, general=general)


def _save_claim(form: ClaimForm, save: Callable[[], Claim]) -> tuple[Any, list[str]]:
    """Save the claim (``save``), and submit it too when the submit button was pressed (R9.2.1), in one
    transaction: (redirect to the claim, []) on success; (None, general errors) after a rollback otherwise."""
    try:
        claim = save()
        if "submit_claim" in request.form:
            db.session.flush()
            db.session.refresh(claim)
            result = services.transition(db.session, claim, current_user, "submit")
            _flash_warnings(result.warnings)
        db.session.commit()
    except services.InvalidInput as exc:
        db.session.rollback()
        return None, _apply_errors(form, exc.errors)
    except services.ExpenseError as exc:
        db.session.rollback()
        return None, [exc.message]
    flash(_("Claim %(number)s saved.", number=claim.number), "success")
    return redirect(url_for("expenses.claim_detail", claim_id=claim.id)), []


@bp.route("/claims/<int:claim_id>/edit", methods=["GET", "POST"])
@require("expenses.claim.create")
def claim_edit(claim_id: int):  # type: ignore[no-untyped-def]
    claim = _visible_claim_or_404(claim_id)
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
    form.set_categories(_categories())
    general: list[str] = []
    if request.method == "POST" and not _line_form_edits(form) and form.validate():
        def update() -> Claim:
            services.update_claim(db.session, claim, current_user, form.title.data, form.line_inputs(),
                                  _uploads(form), expected_version=whole_number(form.version.data))
            return claim

        saved, general = _save_claim(form, update)
        if saved is not None:
            return saved
        claim = db.session.get(Claim, claim_id)
    form.set_categories(_categories())
    receipts = {line.id: line.receipts for line in claim.lines}
    return render_template("expenses/claim_form.html", form=form, claim=claim, general=general, receipts=receipts)


def _flash_warnings(warnings: list[services.BudgetWarning]) -> None:
    for w in warnings:
        flash(_("Over budget: %(category)s %(year)s has %(remaining)s left; this claim needs %(amount)s.",
                category=w.category_name, year=w.year, remaining=f"{w.remaining:,.2f}",
                amount=f"{w.amount:,.2f}"), "warning")


@bp.get("/claims/<int:claim_id>")
@require("expenses.claim.view")
def claim_detail(claim_id: int):  # type: ignore[no-untyped-def]
    claim = _visible_claim_or_404(claim_id)
    actions = services.allowed_actions(claim, current_user)
    reviewing = claim.state in ("submitted", DEPT_APPROVED, FINANCE_APPROVED)
    warnings = services.budget_warnings(db.session, claim) if reviewing else []
    return render_template(
        "expenses/claim_detail.html", claim=claim, actions=actions, warnings=warnings,
        review_form=ReviewForm(version=claim.version),
        payment_form=PaymentForm(version=claim.version, paid_on=platform.local_today()),
        history=_history(claim), state_label=services.state_label, capital=to_chinese_capital(claim.total),
        method_labels=PAYMENT_METHOD_LABELS, local=platform.local_datetime, category_label=services.category_label)


def _history(claim: Claim) -> list[dict[str, Any]]:
    import json

    categories = {c.id: services.category_label(c) for c in db.session.scalars(select(Category))}
    rows = []
    for event in claim.events:
        details = json.loads(event.details) if event.details else {}
        changes = []
        for change in details.get("changes", []):
            for side in ("old", "new"):
                value = change.get(side)
                if isinstance(value, dict) and "category_id" in value:
                    value["category"] = categories.get(record_id(value["category_id"]), "—")
            changes.append(change)
        rows.append({"event": event, "changes": changes, "warnings": details.get("warnings", [])})
    return rows


ACTION_MESSAGES = {
    "submit": _l("Claim submitted for review."), "approve": _l("Claim approved and sent to finance."),
    "return": _l("Claim returned to the claimant."), "reject": _l("Claim rejected."),
    "finance_approve": _l("Claim approved for payment."), "finance_return": _l("Claim returned to the claimant."),
    "finance_reject": _l("Claim rejected."), "pay": _l("Payment recorded."),
}


@bp.post("/claims/<int:claim_id>/act/<action>")
@require("expenses.claim.view")
def claim_act(claim_id: int, action: str):  # type: ignore[no-untyped-def]
    claim = _visible_claim_or_404(claim_id)
    if action not in services.STEPS:
        abort(404)
    form = PaymentForm() if action == "pay" else ReviewForm()
    payment = None
    if action == "pay":
        if not form.validate():
            for field, errors in form.errors.items():
                for error in errors:
                    flash(f"{getattr(form, field).label.text}: {error}", "error")
            return redirect(url_for("expenses.claim_detail", claim_id=claim.id))
        payment = services.PaymentInput(form.paid_on.data, form.method.data, form.reference.data or "")
    try:
        result = services.transition(db.session, claim, current_user, action,
                                     reason=request.form.get("reason", ""), payment=payment,
                                     expected_version=whole_number(request.form.get("version")))
        db.session.commit()
    except services.InvalidInput as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
        return redirect(url_for("expenses.claim_detail", claim_id=claim_id)), 303
    except services.ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("expenses.claim_detail", claim_id=claim_id)), 303
    _flash_warnings(result.warnings)
    flash(str(ACTION_MESSAGES[action]), "success")
    return redirect(url_for("expenses.claim_detail", claim_id=claim_id))


@bp.post("/receipts/<int:receipt_id>/delete")
@require("expenses.claim.create")
def receipt_delete(receipt_id: int):  # type: ignore[no-untyped-def]
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not services.can_view_claim(current_user, receipt.line.claim):
        abort(404)
    claim_id = receipt.line.claim_id
    try:
        services.remove_receipt(db.session, receipt, current_user)
        db.session.commit()
        flash(_("Receipt removed."), "success")
    except services.ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.claim_edit", claim_id=claim_id))


@bp.get("/receipts/<int:receipt_id>")
@require("expenses.claim.view")
def receipt_download(receipt_id: int):  # type: ignore[no-untyped-def]
    receipt = db.session.get(Receipt, receipt_id)
    if receipt is None or not services.can_view_claim(current_user, receipt.line.claim):
        abort(404)
    inline = receipt.content_type.startswith("image/") or receipt.content_type == "application/pdf"
    response = Response(receipt.content, mimetype=receipt.content_type)
    from urllib.parse import quote

    disposition = "inline" if inline and request.args.get("download") != "1" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(receipt.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/claims/<int:claim_id>/print.pdf")
@require("expenses.claim.view")
def claim_pdf(claim_id: int):  # type: ignore[no-untyped-def]
    from flask_babel import force_locale

    from core.pdf import render_pdf
    from core.timeutil import utcnow

    claim = _visible_claim_or_404(claim_id)
    reviews = [e for e in claim.events if e.action in services.STEPS]
    with force_locale("zh_Hans"):  # the paper form (報銷單) is Chinese whoever prints it
        pdf = render_pdf("expenses/pdf/claim.html", claim=claim, reviews=reviews, now=utcnow(),
                         capital=to_chinese_capital(claim.total), state_label=services.state_label,
                         category_label=services.category_label, local=platform.local_datetime,
                         method_labels=PAYMENT_METHOD_LABELS)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename={claim.number}.pdf"
    return response


# ---------------------------------------------------------------------------------------------------- queues


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
    return render_template("expenses/finance_queue.html", page=page, stage=stage, form=form,
                           can_pay=can(current_user, services.PAY),
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
        services.pay_batch(db.session, claims, current_user,
                           services.PaymentInput(form.paid_on.data, form.method.data, form.reference.data or ""))
        db.session.commit()
        flash(_("%(n)s claims paid.", n=len(claims)), "success")
    except services.InvalidInput as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "error")
    except services.ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.finance_queue", stage="pay"))


# ---------------------------------------------------------------------------------------------------- budgets


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else platform.local_today().year


@bp.get("/budgets")
@require("expenses.budget.view")
def budgets():  # type: ignore[no-untyped-def]
    year = _year()
    listing = lists.budget_list(year, request.args.get("sort", ""))
    fmt = wants_export()
    if fmt:
        figures = services.budget_page_figures(db.session, year, listing.export_rows())
        return export_response(figures, lists.budget_columns(), fmt, filename=_("budgets-%(year)s", year=year))
    page = listing.page()
    page.items = services.budget_page_figures(db.session, year, page.items)
    return render_template("expenses/budgets.html", page=page, year=year,
                           can_manage=can(current_user, services.BUDGET_MANAGE),
                           can_approve=can(current_user, services.BUDGET_APPROVE), **rendering.budget_rows())


def _budget_form(form: BudgetForm) -> None:
    form.department_id.choices = select_choices(
        [(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))])
    form.category_id.choices = select_choices(_categories())


@bp.route("/budgets/new", methods=["GET", "POST"])
@bp.route("/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
@require("expenses.budget.manage")
def budget_edit(budget_id: int | None = None):  # type: ignore[no-untyped-def]
    budget = db.session.get(Budget, budget_id) if budget_id else None
    if budget_id and budget is None:
        abort(404)
    if request.method == "GET" and budget is not None:
        months = [f"{m.amount:.2f}" for m in budget.months] or [""] * 12
        form = BudgetForm(data={"department_id": budget.department_id, "category_id": budget.category_id,
                                "year": budget.year, "amount": f"{budget.amount:.2f}", "note": budget.note,
                                "months": months, "version": budget.version})
    else:
        form = BudgetForm(year=_year()) if request.method == "GET" else BudgetForm()
    _budget_form(form)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            saved = services.save_budget(
                db.session, current_user, department_id=form.department_id.data, category_id=form.category_id.data,
                year=form.year.data, amount=form.amount.data, months=[e.data for e in form.months.entries],
                note=form.note.data or "", budget=budget, expected_version=whole_number(form.version.data))
            db.session.commit()
            flash(_("Budget saved. It counts once approved."), "success")
            return redirect(url_for("expenses.budgets", year=saved.year))
        except services.InvalidInput as exc:
            db.session.rollback()
            general = _apply_errors(form, exc.errors)
        except services.ExpenseError as exc:
            db.session.rollback()
            general = [exc.message]
    return render_template("expenses/budget_form.html", form=form, budget=budget, general=general)


@bp.post("/budgets/<int:budget_id>/<any(approve, reopen):action>")
@require("expenses.budget.approve")
def budget_state(budget_id: int, action: str):  # type: ignore[no-untyped-def]
    budget = db.session.get(Budget, budget_id)
    if budget is None:
        abort(404)
    try:
        if action == "approve":
            services.approve_budget(db.session, budget, current_user)
        else:
            services.reopen_budget(db.session, budget, current_user)
        db.session.commit()
        flash(_("Budget approved.") if action == "approve" else _("Budget reopened for changes."), "success")
    except services.ExpenseError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("expenses.budgets", year=budget.year))


@bp.route("/categories", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@require("expenses.budget.manage")
def categories(category_id: int | None = None):  # type: ignore[no-untyped-def]
    category = db.session.get(Category, category_id) if category_id else None
    if category_id and category is None:
        abort(404)
    if request.method == "GET" and category is not None:
        form = CategoryForm(data={"code": category.code, "name": category.name,
                                  "policy": category.over_budget_policy, "active": category.active})
    else:
        form = CategoryForm(policy=platform.setting("expenses.default_policy")) \
            if request.method == "GET" else CategoryForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_category(db.session, code=form.code.data, name=form.name.data, policy=form.policy.data,
                                   active=form.active.data, category=category)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("expenses.categories"))
        except services.InvalidInput as exc:
            db.session.rollback()
            general = _apply_errors(form, exc.errors)
    rows = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    return render_template("expenses/categories.html", form=form, category=category, rows=rows, general=general,
                           label=services.category_label)


# ---------------------------------------------------------------------------------------------------- reports


@bp.get("/reports")
@require("expenses.report.view")
def reports():  # type: ignore[no-untyped-def]
    from plugins.expenses import reporting

    year = _year()
    fmt = wants_export()  # the spend-against-budget table alone; /reports.xlsx is the whole workbook
    if fmt:
        return export_response(reporting.spend_by_month(year), lists.spend_columns(), fmt,
                               filename=_("expense-spend-%(year)s", year=year))
    return render_template("expenses/reports.html", year=year, spend=reporting.spend_by_month(year),
                           waiting=reporting.waiting_per_reviewer(),
                           average_days=reporting.average_days_to_payment(year))


@bp.get("/reports.xlsx")
@require("expenses.report.view")
def reports_xlsx():  # type: ignore[no-untyped-def]
    from plugins.expenses import reporting

    year = _year()
    response = Response(reporting.reports_xlsx(year),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=expenses-{year}.xlsx"
    return response


@bp.app_template_filter("yuan")
def yuan(value: Any) -> str:
    return rendering.yuan(value)


@bp.app_template_filter("budget_left")
def budget_left(value: Any) -> str:
    return rendering.left(value)

