"""Quotations (R6.3.1–R6.3.2): the form with lines (another line without JavaScript), revisions, the discount
approval of R6.4.2 (request, the approvers' queue, approve or refuse with a reason), sending to the customer, the
customer's answer, and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from core.extensions import db
from core.i18n import label_text
from core.identity.models import User
from core.security import public, require, scope_for, scope_parameters, scoped, within_scope
from core.timeutil import local_today
from core.web.listing import Filter, ListQuery
from core.web.parameter_listing import ParameterListing, page_statements
from core.web.params import whole_number
from core.web.record_links import record_url_parts, record_url_prefix
from plugins.pipeline import forms
from plugins.pipeline.models import DiscountDecision, Order, Quotation, QuotationLine
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services import quotations as service
from plugins.pipeline.services.sending import (
    notify_approval_request,
    notify_decision,
    quotation_from_token,
    send_quotation,
)
from plugins.pipeline.views.approval_cells import approval_queue_rows
from plugins.pipeline.views.common import (
    DEAL_EDIT,
    DEAL_VIEW,
    bp,
    deal_or_404,
    may,
    per_request,
    quotation_or_404,
)
from plugins.pipeline.views.narrowing import by_customer, by_deal, narrowed
from plugins.pipeline.views.quotation_cells import quotation_list_rows
from plugins.pipeline.views.words import pipeline_words

APPROVE = "pipeline.discount.approve"


@dataclass
class LinePreview:
    """A row of the line editor as the rules compute it: the line (None while empty or refused)."""

    line: QuotationLine | None = None


@dataclass
class EditorState:
    """What the line editor shows besides its inputs: each row's amounts and the quotation's totals, computed by
    the same services as the saved quotation (services.quotations.build_line and totals_of)."""

    rows: list[LinePreview] = field(default_factory=list)
    totals: service.Totals | None = None


def _row_input(entry: Any) -> service.LineInput | None:
    """A row's input, or None for an unused row (neither product nor quantity)."""
    line = entry.form
    if not line.product_id.data and line.quantity.data is None:
        return None
    return service.LineInput(product_id=line.product_id.data or 0,
                             quantity=line.quantity.data if line.quantity.data is not None else Decimal("0"),
                             unit_price=line.unit_price.data, discount=line.discount.data or Decimal("0"))


def _attach_line_error(form: forms.QuotationForm, exc: service.LineError) -> None:
    """The refusal next to the row's input it is about."""
    row = form.lines[exc.position - 1].form
    target = row._fields.get(exc.field, row.product_id)
    if str(exc) not in target.errors:
        target.errors = [*target.errors, str(exc)]


def _line_inputs(form: forms.QuotationForm) -> list[service.LineInput]:
    """The filled-in lines (a row without product and quantity is an unused row, not an error); a row with one
    but not the other is refused next to the missing input."""
    lines = []
    for number, entry in enumerate(form.lines, start=1):
        given = _row_input(entry)
        if given is None:
            continue
        if not entry.form.product_id.data:
            raise service.LineError(_("Line %(n)d: choose a product and a quantity above zero.", n=number), number,
                                    "product_id")
        if entry.form.quantity.data is None or entry.form.quantity.data <= 0:
            raise service.LineError(_("Line %(n)d: choose a product and a quantity above zero.", n=number), number,
                                    "quantity")
        lines.append(given)
    return lines


def editor_state(form: forms.QuotationForm) -> EditorState:
    """Each row's amounts and the totals of the rows that are complete and valid; a refused row gets its message
    next to its input (never a 500). Nothing is written."""
    state = EditorState()
    built = []
    for number, entry in enumerate(form.lines, start=1):
        preview = LinePreview()
        state.rows.append(preview)
        given = _row_input(entry)
        if given is None or any(f.errors for f in entry.form):
            continue
        if not given.product_id or entry.form.quantity.data is None:
            continue  # half-filled: the other input is still to come
        try:
            preview.line = service.build_line(db.session, number, given)
        except service.LineError as exc:
            _attach_line_error(form, exc)
        else:
            built.append(preview.line)
    state.totals = service.totals_of(built)
    return state


def _rows_changed(form: forms.QuotationForm) -> bool:
    """Apply "Add a line" or "Remove line n" from the form (buttons of the form, with or without JavaScript);
    True when the form asked for either."""
    if "add_line" in request.form:
        if len(form.lines) < form.lines.max_entries:
            form.lines.append_entry()
        return True
    removed = whole_number(request.form.get("remove_line"))
    if removed is not None:
        if 0 <= removed < len(form.lines):
            kept = [{"product_id": e.form.product_id.data, "quantity": e.form.quantity.data,
                     "unit_price": e.form.unit_price.data, "discount": e.form.discount.data}
                    for i, e in enumerate(form.lines) if i != removed]
            while len(form.lines):
                form.lines.pop_entry()
            for data in kept or [{}]:
                form.lines.append_entry(data)
        return True
    return "recalculate" in request.form


def _save(form: forms.QuotationForm, build: Any) -> Quotation | None:
    """Validate and build the quotation (``build(lines)``); on refusal, the message goes next to its input."""
    if not form.validate():
        return None
    try:
        quotation = build(_line_inputs(form))
    except service.LineError as exc:
        db.session.rollback()
        _attach_line_error(form, exc)
        return None
    except PipelineError as exc:
        db.session.rollback()
        if exc.field in ("lines", "discount"):
            form.form_errors.append(str(exc))
        else:
            forms.attach_error(form, exc)
        return None
    db.session.commit()
    return quotation


def _form_page(form: forms.QuotationForm, deal: Any, title: str, previous: Quotation | None = None,
               status: int | None = None):  # type: ignore[no-untyped-def]
    state = editor_state(form)
    failed = form.errors or form.form_errors or any(f.errors for e in form.lines for f in e.form)
    return render_template("pipeline/quotation_form.html", form=form, deal=deal, title=title, previous=previous,
                           limits=service.discount_limits(), editor=state,
                           preview_url=url_for("pipeline.quotation_lines", deal_id=deal.id)), \
        status or (422 if failed else 200)


def _handle(form: forms.QuotationForm, deal: Any, title: str, build: Any, previous: Quotation | None = None):  # type: ignore[no-untyped-def]
    if request.method == "POST" and _rows_changed(form):
        return _form_page(form, deal, title, previous, status=200)  # another line, no JavaScript needed
    if request.method == "POST":
        quotation = _save(form, build)
        if quotation is not None:
            if quotation.approval_level:
                flash(_("Saved. The largest discount (%(d)s%%) needs a %(level)s's approval before sending.",
                        d=quotation.max_discount, level=service.LEVEL_LABELS[quotation.approval_level]), "warning")
            else:
                flash(_("Quotation %(number)s saved.", number=quotation.number), "success")
            return redirect(url_for("pipeline.quotation", quotation_id=quotation.id))
    return _form_page(form, deal, title, previous)


@bp.post("/deals/<int:deal_id>/quotations/lines")
@require(DEAL_EDIT)
def quotation_lines(deal_id: int):  # type: ignore[no-untyped-def]
    """The line editor alone, recomputed from the posted form (htmx swaps it in: live totals without a reload).
    Nothing is saved; a wrong input is a message next to it, answered 200 so that the editor shows it."""
    deal = deal_or_404(deal_id, DEAL_EDIT)
    form = forms.QuotationForm()
    rows_changed = _rows_changed(form) and "recalculate" not in request.form
    form.validate()  # the inputs' own checks (a number, 0–100 %) next to them
    # Lines added or removed: the whole editor; a changed input: the amounts, messages and totals only.
    template = "pipeline/_quotation_lines.html" if rows_changed else "pipeline/_quotation_amounts.html"
    return render_template(template, form=form, editor=editor_state(form), deal=deal,
                           preview_url=url_for("pipeline.quotation_lines", deal_id=deal.id))


@bp.route("/deals/<int:deal_id>/quotations/new", methods=["GET", "POST"])
@require(DEAL_EDIT)
def new_quotation(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    form = forms.QuotationForm()
    if request.method == "GET":
        form.valid_until.data = local_today() + timedelta(days=30)
    return _handle(form, deal, _("New quotation"), lambda lines: service.create_quotation(
        db.session, deal, current_user, lines, form.valid_until.data, form.solution.data or None,
        form.terms.data or None))


@bp.route("/quotations/<int:quotation_id>/revise", methods=["GET", "POST"])
@require(DEAL_EDIT)
def revise_quotation(quotation_id: int):  # type: ignore[no-untyped-def]
    previous, deal = quotation_or_404(quotation_id, DEAL_EDIT)
    if request.method == "GET":
        form = forms.QuotationForm(data={
            "valid_until": max(previous.valid_until, local_today()), "solution": previous.solution,
            "terms": previous.terms,
            "lines": [{"product_id": ln.product_id, "quantity": ln.quantity, "unit_price": ln.unit_price,
                       "discount": ln.discount} for ln in previous.lines]})
    else:
        form = forms.QuotationForm()
    return _handle(form, deal, _("Revise quotation %(number)s", number=previous.number),
                   lambda lines: service.revise_quotation(db.session, previous, current_user, lines,
                                                          form.valid_until.data, form.solution.data or None,
                                                          form.terms.data or None), previous)


@bp.get("/quotations/<int:quotation_id>")
@require(DEAL_VIEW)
def quotation(quotation_id: int):  # type: ignore[no-untyped-def]
    quotation, deal = quotation_or_404(quotation_id)
    revisions = db.session.scalars(select(Quotation).where(Quotation.number == quotation.number)
                                   .order_by(Quotation.revision.desc())).all()
    decider = aliased(User)
    decisions = db.session.execute(select(DiscountDecision, decider.name).join(
        decider, decider.id == DiscountDecision.decided_by_id).where(DiscountDecision.quotation_id == quotation.id)
        .order_by(DiscountDecision.at.desc())).all()
    order_id = db.session.scalar(select(Order.id).where(Order.quotation_id == quotation.id))
    may_decide = quotation.state == "pending_approval" and _may_decide(quotation)
    from core.notifications.outbox import delivery_states
    from plugins.pipeline.services.sending import email_ref

    delivery = delivery_states([email_ref(quotation)]).get(email_ref(quotation))
    from plugins.pipeline.services.orders import has_contract

    contract_missing = quotation.state == "accepted" and not order_id and not has_contract(db.session, deal)
    return render_template("pipeline/quotation.html", quotation=quotation, deal=deal, revisions=revisions,
                           decisions=decisions, editable=may(DEAL_EDIT, deal), may_decide=may_decide,
                           order_id=order_id, delivery=delivery, contract_missing=contract_missing, decision_form=forms.DecisionForm(), response_form=forms.ResponseForm(),
                           level_labels=service.LEVEL_LABELS)


def _may_decide(quotation: Quotation) -> bool:
    """Approvers act on quotations of deals in their scope, never their own (the service checks the level)."""
    if not may(APPROVE) or quotation.owner_id == current_user.id:
        return False
    from plugins.pipeline.models import Deal

    return db.session.scalar(scoped(select(Deal.id).where(Deal.id == quotation.deal_id), Deal, DEAL_VIEW)) is not None


def _act(quotation_id: int, action: Any, success: str, permission: str = DEAL_EDIT):  # type: ignore[no-untyped-def]
    quotation, _deal = quotation_or_404(quotation_id, permission if permission != APPROVE else DEAL_VIEW)
    try:
        result = action(quotation)
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(success if not callable(success) else success(result), "success")
    return redirect(url_for("pipeline.quotation", quotation_id=quotation.id))


@bp.post("/quotations/<int:quotation_id>/request-approval")
@require(DEAL_EDIT)
def request_approval(quotation_id: int):  # type: ignore[no-untyped-def]
    def act(q: Quotation) -> None:
        service.request_approval(db.session, q)
        notify_approval_request(db.session, q)

    return _act(quotation_id, act, _("Sent for discount approval."))


@bp.post("/quotations/<int:quotation_id>/decide")
@require(APPROVE)
def decide(quotation_id: int):  # type: ignore[no-untyped-def]
    form = forms.DecisionForm()
    approved = request.form.get("decision") == "approve"

    def act(q: Quotation) -> None:
        if not _may_decide(q):
            abort(404)
        service.decide_discount(db.session, q, current_user, approved, form.reason.data)
        notify_decision(db.session, q, approved)

    return _act(quotation_id, act, _("Discount approved.") if approved else _("Discount refused."), APPROVE)


@bp.post("/quotations/<int:quotation_id>/send")
@require(DEAL_EDIT)
def send(quotation_id: int):  # type: ignore[no-untyped-def]
    def message(address: str | None) -> str:
        if address:
            # Queued, not sent: the outbox sends it (or the mail catcher keeps it); the page shows which (issue 12).
            return _("Quotation e-mail to %(email)s queued, with a link to download the PDF. Its page shows when "
                     "it has left.", email=address)
        return _("Quotation marked as sent. The customer has no e-mail address: hand over the PDF yourself.")

    return _act(quotation_id, lambda q: send_quotation(db.session, q, current_user), message)


@bp.post("/quotations/<int:quotation_id>/response")
@require(DEAL_EDIT)
def response(quotation_id: int):  # type: ignore[no-untyped-def]
    form = forms.ResponseForm()
    accepted = request.form.get("answer") == "accept"
    return _act(quotation_id, lambda q: service.record_response(db.session, q, accepted, form.note.data),
                _("The customer accepted the quotation.") if accepted else _("The customer rejected the quotation."))


@bp.get("/quotations/<int:quotation_id>/pdf")
@require(DEAL_VIEW)
def quotation_pdf(quotation_id: int):  # type: ignore[no-untyped-def]
    quotation, _deal = quotation_or_404(quotation_id)
    return _pdf_response(quotation)


@bp.get("/q/<token>.pdf")
@public
def public_quotation_pdf(token: str):  # type: ignore[no-untyped-def]
    """The customer's download link from the quotation email: signed, and only while the quotation is valid."""
    quotation = quotation_from_token(db.session, token)
    if quotation is None:
        abort(404)
    return _pdf_response(quotation)


def _pdf_response(quotation: Quotation) -> Response:
    from plugins.pipeline.pdf import pdf_filename
    from plugins.pipeline.pdf import quotation_pdf as render

    response = Response(render(quotation), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{pdf_filename(quotation)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/approvals")
@require(APPROVE)
def approvals():  # type: ignore[no-untyped-def]
    """The discount approval queue: quotations of deals in the approver's scope waiting for a decision, oldest first,
    one page at a time (the queue used to stop at 200 rows with no way to the rest)."""
    page = approval_listing(current_user).page()
    mine = service.LEVELS.index(service.level_of(current_user))
    # Row links from prefixes built once for the page, not url_for twice a row (issue 6); the rows drawn in Python.
    return render_template("pipeline/approvals.html", page=page, decidable=service.LEVELS[:mine + 1],
                           level_labels={level: label_text(label) for level, label in service.LEVEL_LABELS.items()},
                           quotation_base=record_url_prefix("pipeline.quotation", "quotation_id"),
                           decide_url=record_url_parts("pipeline.decide", "quotation_id"),
                           approval_queue_rows=approval_queue_rows, pw=pipeline_words())


@cache
def approval_rows() -> Any:
    """Waiting quotations as plain columns, with their deal and customer (built once per process)."""
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal

    return (select(Quotation.id, Quotation.number, Quotation.revision, Quotation.max_discount, Quotation.total,
                   Quotation.approval_level, Deal.title.label("deal_title"), Customer.name.label("customer_name"))
            .join(Deal, Deal.id == Quotation.deal_id).join(Customer, Customer.id == Deal.customer_id))


APPROVAL_SORTS = {"created": Quotation.created_at, "discount": Quotation.max_discount, "total": Quotation.total}


@cache
def approval_rows_in_scope(scope: str | None, postgresql: bool) -> Any:
    """The quotations waiting for a decision in a deal scope, not the approver's own (``approver_id``), with the
    scope's user or team as parameters (core.security.scope_parameters): built once per scope and database."""
    from plugins.pipeline.models import Deal

    stmt = approval_rows().where(Quotation.state == "pending_approval",
                                 Quotation.owner_id != bindparam("approver_id"))
    return within_scope(stmt, scope, Deal.owner_id, postgresql)


@cache
def approval_statements(scope: str | None, sort: str, postgresql: bool) -> tuple[Any, Any]:
    """The queue's count and page of rows for a scope and a sort, built once per process (see page_statements)."""
    return page_statements(approval_rows_in_scope(scope, postgresql), sort, sorts=APPROVAL_SORTS,
                           default_sort="created")


def approval_listing(user: Any) -> ListQuery:
    """Waiting quotations (see approval_rows_in_scope) in the approver's scope, not the user's own: the plain page
    runs the statements built once (approval_statements) with the approver's id and scope as parameters."""
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal

    scope = scope_for(user, DEAL_VIEW)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    return ParameterListing(approval_rows_in_scope(scope, postgresql),
                            parameters={"approver_id": user.id, **scope_parameters(user, scope)},
                            statements=lambda sort: approval_statements(scope, sort, postgresql),
                            sorts=APPROVAL_SORTS, default_sort="created",
                            search=[Quotation.number, Deal.title, Customer.name], per_page=25)


@cache
def quotation_rows() -> Any:
    """The quotation list's rows as plain columns with their deal, customer and owner (built once per process)."""
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal

    return (select(Quotation.id, Quotation.number, Quotation.revision, Quotation.state, Quotation.total,
                   Quotation.valid_until, Quotation.created_at, Deal.title.label("deal_title"),
                   Customer.name.label("customer_name"), User.name.label("owner_name"))
            .join(Deal, Deal.id == Quotation.deal_id).join(Customer, Customer.id == Deal.customer_id)
            .join(User, User.id == Quotation.owner_id))


def quotation_state_choices() -> list[tuple[str, str]]:
    from plugins.pipeline.labels import QUOTATION_STATE_LABELS

    return per_request("quotation_state_choices", lambda: [(k, str(v)) for k, v in QUOTATION_STATE_LABELS.items()])


@cache
def quotation_rows_in_scope(scope: str | None, postgresql: bool) -> Any:
    """quotation_rows within a deal scope (a quotation is reached through its deal's), the user or team as
    parameters (core.security.scope_parameters): built once per scope and database."""
    from plugins.pipeline.models import Deal

    return within_scope(quotation_rows(), scope, Deal.owner_id, postgresql)


QUOTATION_SORTS = {"created": Quotation.created_at, "total": Quotation.total, "valid": Quotation.valid_until,
                   "number": Quotation.number}


@cache
def quotation_statements(scope: str | None, sort: str, postgresql: bool) -> tuple[Any, Any]:
    """The plain quotation list's count and page of rows for a scope and a sort, built once (see page_statements)."""
    return page_statements(quotation_rows_in_scope(scope, postgresql), sort, sorts=QUOTATION_SORTS,
                           default_sort="-created")


def quotation_listing(user: Any, narrowing: list[Any] | None = None) -> ListQuery:
    """Quotations of the deals ``user`` may see (a quotation is reached through its deal's scope), narrowed to a
    customer's or a deal's by the smart buttons' links. The list as it opens runs statements built once
    (quotation_statements) with the user's id or team as parameters."""
    from plugins.crm.models import Customer
    from plugins.pipeline.models import Deal

    scope = scope_for(user, DEAL_VIEW)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    stmt, chips = quotation_rows_in_scope(scope, postgresql), []
    if narrowing is not None:
        stmt, chips = narrowed(stmt, request.args, [by_customer(Deal.customer_id),
                                                    by_deal(lambda did: Quotation.deal_id == did)], user)
        narrowing.extend(chips)
    return ParameterListing(stmt, parameters=scope_parameters(user, scope),
                            statements=lambda sort: quotation_statements(scope, sort, postgresql),
                            narrowed=bool(chips), sorts=QUOTATION_SORTS, default_sort="-created",
                            search=[Quotation.number, Deal.title, Customer.name],
                            filters=[Filter.choice("state", _l("State"), Quotation.state, quotation_state_choices)],
                            per_page=25)


@bp.get("/quotations")
@require(DEAL_VIEW)
def quotations():  # type: ignore[no-untyped-def]
    chips: list[Any] = []
    page = quotation_listing(current_user, chips).page()
    # Row links from a prefix built once for the page (issue 6); the rows drawn in Python, their words from pw.
    return render_template("pipeline/quotations.html", page=page, chips=chips,
                           quotation_base=record_url_prefix("pipeline.quotation", "quotation_id"),
                           quotation_list_rows=quotation_list_rows, pw=pipeline_words())
