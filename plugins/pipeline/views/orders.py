"""Contracts and orders (R6.5): the contract with its signed file, the order from the accepted quotation, the order
list and page (status steps, who was told what and when, follow-ups), and the shop-order import."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.extensions import db
from core.identity.models import User
from core.security import require, scope_for, scope_parameters, within_scope
from core.timeutil import local_today
from core.web.listing import (
    ExportColumn,
    Filter,
    GroupBy,
    ListQuery,
    SumColumn,
    export_response,
    wants_export,
)
from core.web.parameter_listing import ParameterListing, page_statements
from core.web.params import whole_number
from core.web.record_links import record_url_prefix
from plugins.pipeline import forms
from plugins.pipeline.labels import CHANNEL_LABELS
from plugins.pipeline.models import ORDER_STATUSES, Contract, FollowUp, Order, OrderNotice, OrderStatusChange
from plugins.pipeline.services import PipelineError
from plugins.pipeline.services import orders as service
from plugins.pipeline.services.shop_import import COLUMNS, import_orders, read_rows
from plugins.pipeline.views.common import (
    DEAL_EDIT,
    ORDER_EDIT,
    ORDER_VIEW,
    bp,
    deal_or_404,
    may,
    order_or_404,
    per_request,
    quotation_or_404,
)
from plugins.pipeline.views.narrowing import by_customer, by_deal, narrowed
from plugins.pipeline.views.order_cells import order_list_rows
from plugins.pipeline.views.words import pipeline_words


def _attach_signed(contract: Contract, upload: Any) -> None:
    """Store the signed file on the contract; raises PipelineError (nothing stored) for a refused file."""
    from core.attachments.services import AttachmentError, attach

    try:
        attachment = attach(contract, upload, current_user)
    except AttachmentError as exc:
        raise PipelineError(str(exc), "signed_file") from exc
    contract.signed_file_id = attachment.id


@bp.route("/deals/<int:deal_id>/contract", methods=["GET", "POST"])
@require(DEAL_EDIT)
def new_contract(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    form = forms.ContractForm()
    if form.validate_on_submit():
        try:
            contract = service.record_contract(db.session, deal, current_user, form.number.data, form.signed_on.data,
                                               form.starts_on.data, form.ends_on.data, form.terms.data or None)
            if form.signed_file.data:
                _attach_signed(contract, form.signed_file.data)
        except PipelineError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Contract %(number)s recorded.", number=contract.number), "success")
            return redirect(url_for("pipeline.deal", deal_id=deal.id))
    return render_template("pipeline/form.html", form=form, title=_("Contract for %(deal)s", deal=deal.title),
                           multipart=True, submit=_("Record the contract"),
                           cancel_url=url_for("pipeline.deal", deal_id=deal.id)), 422 if form.errors else 200


@bp.route("/contracts/<int:contract_id>/signed-file", methods=["GET", "POST"])
@require(DEAL_EDIT)
def contract_file(contract_id: int):  # type: ignore[no-untyped-def]
    contract = db.session.get(Contract, contract_id)
    deal = deal_or_404(contract.deal_id if contract else 0, DEAL_EDIT)
    form = forms.SignedFileForm()
    if form.validate_on_submit():
        try:
            _attach_signed(contract, form.signed_file.data)
        except PipelineError as exc:
            db.session.rollback()
            forms.attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("Signed contract attached."), "success")
            return redirect(url_for("pipeline.deal", deal_id=deal.id))
    return render_template("pipeline/form.html", form=form, title=_("Signed contract %(number)s",
                                                                    number=contract.number),
                           multipart=True, submit=_("Upload"),
                           cancel_url=url_for("pipeline.deal", deal_id=deal.id)), 422 if form.errors else 200


@bp.post("/quotations/<int:quotation_id>/order")
@require(ORDER_EDIT)
def order_from_quotation(quotation_id: int):  # type: ignore[no-untyped-def]
    quotation, _deal = quotation_or_404(quotation_id, DEAL_EDIT)
    try:
        order = service.order_from_quotation(db.session, quotation, current_user)
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("pipeline.quotation", quotation_id=quotation.id))
    db.session.commit()
    flash(_("Order %(number)s created.", number=order.number), "success")
    return redirect(url_for("pipeline.order", order_id=order.id))


@cache
def order_rows() -> tuple[Any, Any]:
    """The order list's select as plain columns, and the customer-name subquery it searches: loading Order entities
    would also load every order's lines and, through the customer, its owner's roles and tags (issue 6: a fixed,
    small number of statements a page). Built once per process: statements are immutable."""
    from plugins.crm.models import Customer

    # The customer's name as a correlated subquery, not a join: the page's count then reads the orders alone (on
    # PostgreSQL, joining half a million orders to their customers just to count them was most of the page's SQL),
    # and the name is looked up for the rows of the page only.
    customer_name = select(Customer.name).where(Customer.id == Order.customer_id).scalar_subquery()
    # The owner joined for the list's "group by owner" (a many-to-one join on the users' key).
    rows = select(Order.id, Order.number, Order.external_number, Order.channel, Order.status, Order.total,
                  Order.ordered_at, customer_name.label("customer_name")).outerjoin(User, User.id == Order.owner_id)
    return rows, customer_name


def order_status_choices() -> list[tuple[str, str]]:
    return per_request("order_status_choices",
                       lambda: [(s, str(service.STATUS_LABELS[s])) for s in ORDER_STATUSES])


def channel_choices() -> list[tuple[str, str]]:
    return per_request("channel_choices", lambda: [(k, str(v)) for k, v in CHANNEL_LABELS.items()])


def order_owner_choices(user: Any) -> list[tuple[str, str]]:
    """The people whose orders ``user`` may see (the deal list's owners: the same sales scopes)."""
    from plugins.pipeline.views.deals import owner_choices

    return owner_choices(user)


@cache
def order_rows_in_scope(scope: str | None, postgresql: bool) -> Any:
    """order_rows within a scope, the user or team as parameters (core.security.scope_parameters): built once per
    scope and database."""
    rows, _customer_name = order_rows()
    return within_scope(rows, scope, Order.owner_id, postgresql)


ORDER_SORTS = {"number": Order.number, "ordered": Order.ordered_at, "total": Order.total}


@cache
def order_statements(scope: str | None, sort: str, postgresql: bool) -> tuple[Any, Any]:
    """The plain order list's count and page of rows for a scope and a sort, built once (see page_statements)."""
    return page_statements(order_rows_in_scope(scope, postgresql), sort, sorts=ORDER_SORTS,
                           default_sort="-ordered")


def order_listing(user: Any, narrowing: list[Any] | None = None) -> ListQuery:
    """The orders ``user`` may see, as a list (see order_rows); ``narrowing`` narrows them to a customer's or a
    deal's (the smart buttons' links). The list as it opens runs statements built once (order_statements)."""
    _rows, customer_name = order_rows()
    scope = scope_for(user, ORDER_VIEW)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    stmt, chips = order_rows_in_scope(scope, postgresql), []
    if narrowing is not None:
        stmt, chips = narrowed(stmt, request.args, [by_customer(Order.customer_id),
                                                    by_deal(lambda did: Order.deal_id == did)], user)
        narrowing.extend(chips)
    return ParameterListing(
        stmt,
        parameters=scope_parameters(user, scope),
        statements=lambda sort: order_statements(scope, sort, postgresql),
        narrowed=bool(chips),
        sorts=ORDER_SORTS,
        default_sort="-ordered",
        search=[Order.number, Order.external_number, customer_name],
        filters=[Filter.choice("status", _l("Status"), Order.status, order_status_choices),
                 Filter.choice("channel", _l("Channel"), Order.channel, channel_choices),
                 Filter.date_from("since", _l("Ordered from"), Order.ordered_at),
                 Filter.date_to("until", _l("Ordered until"), Order.ordered_at),
                 Filter.choice("owner", _l("Owner"), Order.owner_id, lambda: order_owner_choices(user), coerce=int)],
        # Group by channel, status or owner, with each group's number of orders and total (issue 12).
        groups=[GroupBy("channel", _l("Channel"), Order.channel, value_labels=channel_choices, filter_key="channel"),
                GroupBy("status", _l("Status"), Order.status, value_labels=order_status_choices,
                        filter_key="status"),
                GroupBy("owner", _l("Owner"), Order.owner_id, label_column=User.name, filter_key="owner")],
        sums=[SumColumn("total", _l("Total"), Order.total)],
        per_page=25,
    )


@bp.get("/orders")
@require(ORDER_VIEW)
def orders():  # type: ignore[no-untyped-def]
    chips: list[Any] = []
    listing = order_listing(current_user, chips)
    fmt = wants_export()
    if fmt:
        columns = [ExportColumn("number", _("Number")), ExportColumn("channel", _("Channel")),
                   ExportColumn("external_number", _("Shop order number")),
                   ExportColumn("customer", _("Customer"), value=lambda o: o.customer_name),
                   ExportColumn("status", _("Status")), ExportColumn("total", _("Total")),
                   ExportColumn("ordered_at", _("Ordered"))]
        return export_response(listing.export_rows(), columns, fmt, filename=_("orders"))
    return render_template("pipeline/orders.html", page=listing.page(), may_import=may(ORDER_EDIT), chips=chips,
                           order_base=record_url_prefix("pipeline.order", "order_id"), order_list_rows=order_list_rows,
                           pw=pipeline_words())


@bp.get("/orders/<int:order_id>")
@require(ORDER_VIEW)
def order(order_id: int):  # type: ignore[no-untyped-def]
    from plugins.pipeline.models import Product

    order = order_or_404(order_id)
    changer = aliased(User)
    changes = db.session.execute(select(OrderStatusChange, changer.name).outerjoin(
        changer, changer.id == OrderStatusChange.user_id).where(OrderStatusChange.order_id == order.id)
        .order_by(OrderStatusChange.at, OrderStatusChange.id)).all()
    notices = db.session.scalars(select(OrderNotice).where(OrderNotice.order_id == order.id)
                                 .order_by(OrderNotice.at, OrderNotice.id)).all()
    follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.order_id == order.id)
                                    .order_by(FollowUp.due_on)).all()
    products = dict(db.session.execute(select(Product.id, Product.name).where(
        Product.id.in_({ln.product_id for ln in order.lines}))).all()) if order.lines else {}
    owner = db.session.get(User, order.owner_id)
    from core.notifications.outbox import delivery_states
    from plugins.pipeline.models import Quotation

    # The customer's e-mails as the outbox knows them: "notified" means it left, not that it was queued (issue 12).
    deliveries = delivery_states([service.notice_ref(order, n.status) for n in notices
                                  if n.audience == "customer" and n.channel == "email"])
    # An order from a quotation shows the quotation's lines, discounts, tax and total, and links back to it.
    quotation = db.session.get(Quotation, order.quotation_id) if order.quotation_id else None
    return render_template("pipeline/order.html", order=order, changes=changes, notices=notices,
                           deliveries=deliveries, notice_ref=service.notice_ref, quotation=quotation,
                           follow_ups=follow_ups, products=products, owner=owner,
                           next_statuses=service.TRANSITIONS[order.status], editable=may(ORDER_EDIT, order),
                           status_form=forms.StatusForm(), today=local_today())


@bp.post("/orders/<int:order_id>/status")
@require(ORDER_EDIT)
def order_status(order_id: int):  # type: ignore[no-untyped-def]
    order = order_or_404(order_id, ORDER_EDIT)
    form = forms.StatusForm()
    form.validate_on_submit()
    try:
        service.change_status(db.session, order, form.status.data or "", current_user, carrier=form.carrier.data,
                              tracking_number=form.tracking_number.data,
                              expected_version=whole_number(form.expected_version.data))
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Order %(number)s is now %(status)s.", number=order.number,
                status=service.STATUS_LABELS[order.status]), "success")
    return redirect(url_for("pipeline.order", order_id=order_id))


@bp.post("/follow-ups/<int:follow_up_id>/done")
@require(ORDER_EDIT)
def follow_up_done(follow_up_id: int):  # type: ignore[no-untyped-def]
    follow_up = db.session.get(FollowUp, follow_up_id)
    order = order_or_404(follow_up.order_id if follow_up else 0, ORDER_EDIT)
    try:
        service.record_follow_up(db.session, follow_up, request.form.get("note"))
    except PipelineError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Follow-up recorded."), "success")
    return redirect(url_for("pipeline.order", order_id=order.id))


@bp.route("/orders/import", methods=["GET", "POST"])
@require(ORDER_EDIT)
def import_page():  # type: ignore[no-untyped-def]
    """Upload a shop's order export; a dry run (the default) reports without saving (idempotent either way)."""
    form = forms.ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a CSV or XLSX file.")]
        elif not upload.filename.lower().endswith((".csv", ".xlsx")):
            form.file.errors = [_("Only CSV and XLSX files can be imported.")]
        else:
            try:
                rows = read_rows(upload.filename, upload.read(5 * 1024 * 1024 + 1))
            except Exception as exc:  # noqa: BLE001 - a broken file is the user's to fix, never a 500
                form.file.errors = [_("The file could not be read: %(error)s", error=str(exc)[:200])]
            else:
                report = import_orders(db.session, rows, current_user, dry_run=form.dry_run.data)
                if form.dry_run.data:
                    db.session.rollback()
                else:
                    db.session.commit()
    return render_template("pipeline/import.html", form=form, report=report, columns=COLUMNS,
                           dry_run=form.dry_run.data), 422 if form.errors else 200

