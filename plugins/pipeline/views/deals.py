"""Deals through the six stages of R6: the list (with expected value, stage probability and weighted forecast),
the board (one column per stage, paginated per column), the deal page, and the moves, losing and reopening.

A move is a plain POST carrying the version the user saw (works without JavaScript); board.js sends the same POST
when a card is dropped on another column. Exit-rule refusals come back as messages, never as errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Integer, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from core.auth.redirects import safe_next
from core.extensions import db
from core.identity.models import User
from core.security import require, scope_condition, scope_for, scope_parameters, team_ids, within_scope
from core.web.listing import (
    ExportColumn,
    Filter,
    GroupBy,
    SumColumn,
    export_response,
    wants_export,
)
from core.web.parameter_listing import ParameterListing, page_statements
from core.web.params import record_id, whole_number
from core.web.record_links import record_url_prefix
from plugins.pipeline import forms
from plugins.pipeline.models import STAGES, Contract, Deal, DealStageChange, Order, Quotation
from plugins.pipeline.services import PipelineError, flush_or_conflict
from plugins.pipeline.services.stages import (
    CHANGED,
    DEFAULT_PROBABILITY,
    STAGE_LABELS,
    exit_problems,
    lose_deal,
    move_deal,
)
from plugins.pipeline.services.stages import reopen_deal as reopen_service
from plugins.pipeline.views.board_cards import board_cards
from plugins.pipeline.views.common import (
    DEAL_EDIT,
    DEAL_VIEW,
    FilteredOnce,
    bp,
    deal_or_404,
    label_texts,
    may,
    per_request,
)
from plugins.pipeline.views.deal_cells import deal_list_rows
from plugins.pipeline.views.narrowing import by_customer, narrowed
from plugins.pipeline.views.words import pipeline_words

SALES_POSITIONS = ("sales_rep", "sales_supervisor", "sales_manager")
BOARD_PER_COLUMN = 10


@cache
def probability_case() -> Any:
    """The stage's win probability (percent) as SQL, for the weighted forecast (built once: statements are
    immutable, and building them again each request was a good part of the page's Python, issue 6)."""
    return case(*((Deal.stage == stage, p) for stage, p in DEFAULT_PROBABILITY.items()), else_=0)


def owner_choices(user: Any) -> list[tuple[str, str]]:
    """The people whose deals ``user`` may see, for the owner filter (at most one query, once per request: the
    filter validates a chosen owner with them and the toolbar draws them)."""
    return per_request(("deal_owner_choices", user.id), lambda: _owner_choices(user))


@cache
def _owner_statements() -> dict[str, Any]:
    """The owner filter's select for a team and for everyone, built once (the team is a parameter)."""
    people = select(User.id, User.name).where(User.active).order_by(User.name)
    return {"team": people.where(User.id.in_(bindparam("team", expanding=True))),
            "all": people.where(User.position.in_(SALES_POSITIONS))}


def _owner_choices(user: Any) -> list[tuple[str, str]]:
    scope = scope_for(user, DEAL_VIEW)
    if scope == "own":  # the user alone, if active (as the select of active users by id read): no query
        return [(str(user.id), user.name)] if user.active else []
    # On the session's connection: plain rows, nothing for the ORM to do (its execution costs more than this).
    connection = db.session.connection()
    if scope == "team":
        rows = connection.execute(_owner_statements()["team"], {"team": sorted(team_ids(user))})
    else:
        rows = connection.execute(_owner_statements()["all"])
    return [(str(uid), name) for uid, name in rows]


def stage_choices() -> list[tuple[str, str]]:
    return per_request("stage_choices", lambda: list(label_texts("stage").items()))


def status_choices() -> list[tuple[str, str]]:
    return per_request("deal_status_choices", lambda: list(label_texts("deal_status").items()))


#: What a row of the deal list shows, as plain columns: loading Deal entities would also load, through their
#: eager relationships, each customer's owner and tags and each user's roles and grants (issue 6: a fixed, small
#: number of statements a page, and little Python per row). Built once per process.
@cache
def deal_rows() -> Any:
    from plugins.crm.models import Customer

    return (select(Deal.id, Deal.title, Deal.stage, Deal.status, Deal.expected_value, Deal.expected_close,
                   Deal.version, Deal.created_at, Customer.name.label("customer_name"), User.name.label("owner_name"))
            .join(Customer, Customer.id == Deal.customer_id).join(User, User.id == Deal.owner_id))


class DealListing(FilteredOnce, ParameterListing):
    """The deal list; the page and the forecast above it share one filtered select, and the list as it opens runs
    the forecast built once (``forecast_statement()``) with the list's parameters."""

    def __init__(self, stmt: Any, *, forecast_statement: Callable[[], Any], **options: Any) -> None:
        super().__init__(stmt, **options)
        self.forecast_statement = forecast_statement

    def forecast(self, args: Mapping[str, str]) -> tuple[Decimal, Decimal]:
        """(expected value, weighted forecast) over the selection for ``args``, in one aggregate query."""
        if self.plain(args):  # on the session's connection (the page flushed it): plain numbers, no ORM work
            total, weighted = db.session.connection().execute(self.forecast_statement(), self.parameters).one()
        else:
            total, weighted = db.session.execute(forecast_of(self.filtered(args)[0])).one()
        return (Decimal(str(total)).quantize(Decimal("0.01")),
                (Decimal(str(weighted)) / 100).quantize(Decimal("0.01")))


@cache
def deal_rows_in_scope(scope: str | None, postgresql: bool) -> Any:
    """deal_rows within a scope, the user or team as parameters (core.security.scope_parameters): built once per
    scope and database."""
    return within_scope(deal_rows(), scope, Deal.owner_id, postgresql)


DEAL_SORTS = {"title": Deal.title, "value": Deal.expected_value, "close": Deal.expected_close,
              "created": Deal.created_at, "stage_entered": Deal.stage_entered_at}


@cache
def deal_statements(scope: str | None, sort: str, postgresql: bool) -> tuple[Any, Any]:
    """The plain deal list's count and page of rows for a scope and a sort, built once (see page_statements)."""
    return page_statements(deal_rows_in_scope(scope, postgresql), sort, sorts=DEAL_SORTS, default_sort="-created")


@cache
def forecast_statement(scope: str | None, postgresql: bool) -> Any:
    """The plain deal list's forecast (see forecast_of) for a scope, built once."""
    return forecast_of(deal_rows_in_scope(scope, postgresql))


def deal_listing(user: Any, narrowing: list[Any] | None = None) -> DealListing:
    """The deals ``user`` may see; ``narrowing`` (narrowing.narrowed) narrows them to a customer's. The list as it
    opens runs statements built once (deal_statements) with the user's id or team as parameters."""
    from plugins.crm.models import Customer

    scope = scope_for(user, DEAL_VIEW)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    stmt, chips = deal_rows_in_scope(scope, postgresql), []
    if narrowing is not None:
        stmt, chips = narrowed(stmt, request.args, [by_customer(Deal.customer_id)], user)
        narrowing.extend(chips)
    return DealListing(
        stmt,
        forecast_statement=lambda: forecast_statement(scope, postgresql),
        parameters=scope_parameters(user, scope),
        statements=lambda sort: deal_statements(scope, sort, postgresql),
        narrowed=bool(chips),
        sorts=DEAL_SORTS,
        default_sort="-created",
        search=[Deal.title, Customer.name],
        filters=[Filter.choice("stage", _l("Stage"), Deal.stage, stage_choices),
                 Filter.choice("status", _l("Status"), Deal.status, status_choices),
                 Filter.choice("owner", _l("Owner"), Deal.owner_id, lambda: owner_choices(user), coerce=int)],
        # Group by stage (R6), status or owner, with each group's number of deals and expected value (issue 12).
        groups=[GroupBy("stage", _l("Stage"), Deal.stage, value_labels=stage_choices, filter_key="stage"),
                GroupBy("status", _l("Status"), Deal.status, value_labels=status_choices, filter_key="status"),
                GroupBy("owner", _l("Owner"), Deal.owner_id, label_column=User.name, filter_key="owner")],
        sums=[SumColumn("value", _l("Expected value"), Deal.expected_value)],
        per_page=25,
    )


def forecast_of(stmt: Any) -> Any:
    """SQL: (expected value, expected value × stage probability) summed over the selection ``stmt``."""
    rows = stmt.order_by(None).with_only_columns(Deal.expected_value, probability_case().label("p")).subquery()
    return select(func.coalesce(func.sum(rows.c.expected_value), 0),
                  func.coalesce(func.sum(rows.c.expected_value * rows.c.p), 0))


@bp.get("/deals")
@require(DEAL_VIEW)
def deals():  # type: ignore[no-untyped-def]
    chips: list[Any] = []
    listing = deal_listing(current_user, chips)
    fmt = wants_export()
    if fmt:
        columns = [ExportColumn("id", _("ID")), ExportColumn("title", _("Title")),
                   ExportColumn("customer", _("Customer"), value=lambda d: d.customer_name),
                   ExportColumn("stage", _("Stage"), value=lambda d: str(STAGE_LABELS[d.stage])),
                   ExportColumn("status", _("Status")), ExportColumn("expected_value", _("Expected value")),
                   ExportColumn("owner", _("Owner"), value=lambda d: d.owner_name),
                   ExportColumn("created_at", _("Created"))]
        return export_response(listing.export_rows(), columns, fmt, filename=_("deals"))
    page = listing.page()
    total, weighted = listing.forecast(request.args)
    return render_template("pipeline/deals.html", page=page, total=total, weighted=weighted, chips=chips,
                           may_create=may(DEAL_EDIT), deal_base=record_url_prefix("pipeline.deal", "deal_id"),
                           deal_list_rows=deal_list_rows, pw=pipeline_words())


#: What the board shows (R6): the open deals, or the won or the lost ones.
BOARD_SHOWS = ("open", "won", "lost")


def board_status_choices() -> list[tuple[str, str]]:
    texts = label_texts("board_show")
    return [(key, texts[key]) for key in BOARD_SHOWS]


def open_tickets_exist() -> Any:
    """SQL: the deal has an after-sales ticket not yet resolved, through one of its orders."""
    from plugins.pipeline.models import Ticket

    return select(Ticket.id).join(Order, Order.id == Ticket.order_id).where(
        Order.deal_id == Deal.id, Ticket.state.in_(("open", "in_progress"))).exists()


@cache
def board_statements(scope: str | None, show_open: bool, by_owner: bool) -> tuple[Any, Any]:
    """The board's two statements for a scope, the open deals or the won or lost ones (``show``), all owners or
    one (``owner_id``): the counts and sums by stage, and every column's page of cards (between row numbers
    ``after_<stage>`` and ``upto_<stage>``). Built once per process, with the user, owner and pages as parameters:
    building them and their cache keys each request was a fifth of the board's Python (issue 18).

    "Open" also keeps the won deals whose after-sales tickets are still open in the after-sales column
    (R6.6.1–R6.6.2: the service goes on after the sale)."""
    base = select(Deal)
    condition = scope_condition(scope, Deal.owner_id)
    if condition is not None:
        base = base.where(condition)
    if show_open:
        base = base.where(or_(Deal.status == "open", and_(
            Deal.status == "won", Deal.stage == "after_sales", open_tickets_exist())))
    else:
        base = base.where(Deal.status == bindparam("show"))
    if by_owner:
        base = base.where(Deal.owner_id == bindparam("owner_id"))
    counted = base.order_by(None).with_only_columns(Deal.stage, Deal.expected_value).subquery()
    stats = (select(counted.c.stage, func.count(), func.coalesce(func.sum(counted.c.expected_value), 0))
             .group_by(counted.c.stage))
    numbered = base.order_by(None).with_only_columns(
        Deal.id, Deal.stage, func.row_number().over(
            partition_by=Deal.stage, order_by=(Deal.stage_entered_at.desc(), Deal.id.desc())).label("rn")).subquery()
    window = or_(*(and_(numbered.c.stage == stage, numbered.c.rn > bindparam(f"after_{stage}", type_=Integer),
                        numbered.c.rn <= bindparam(f"upto_{stage}", type_=Integer)) for stage in STAGES))
    cards = deal_rows().join(numbered, numbered.c.id == Deal.id).where(window).order_by(numbered.c.stage, numbered.c.rn)
    return stats, cards


def board_columns(user: Any, args: Any) -> tuple[list[dict[str, Any]], str | None, str]:
    """Each stage's deals, one page a column: one GROUP BY for the counts and sums, one windowed query for every
    column's page of cards, whatever the number of deals."""
    owner_id = record_id(args.get("owner"))
    owner = str(owner_id) if owner_id else None
    show = args.get("show") if args.get("show") in BOARD_SHOWS else "open"
    scope = scope_for(user, DEAL_VIEW)
    stats_statement, cards_statement = board_statements(scope, show == "open", bool(owner_id))
    params = scope_parameters(user, scope)
    if show != "open":
        params["show"] = show
    if owner_id:
        params["owner_id"] = owner_id
    # On the session's connection: plain rows, nothing for the ORM to do (its execution costs more than this).
    connection = db.session.connection()
    stats = {stage: (n, Decimal(str(v))) for stage, n, v in connection.execute(stats_statement, params)}
    pages: dict[str, int] = {}
    for stage in STAGES:
        count = stats.get(stage, (0, Decimal("0")))[0]
        last = max(1, -(-count // BOARD_PER_COLUMN))
        try:
            pages[stage] = min(max(int(args.get(f"page_{stage}", "1")), 1), last)
        except ValueError:
            pages[stage] = 1
    for stage in STAGES:
        params[f"after_{stage}"] = (pages[stage] - 1) * BOARD_PER_COLUMN
        params[f"upto_{stage}"] = pages[stage] * BOARD_PER_COLUMN
    cards = connection.execute(cards_statement, params).all()
    columns = []
    for stage in STAGES:
        count, value = stats.get(stage, (0, Decimal("0")))
        columns.append({"stage": stage, "count": count, "value": value,
                        "weighted": (value * DEFAULT_PROBABILITY[stage] / 100).quantize(Decimal("0.01")),
                        "page": pages[stage], "pages": max(1, -(-count // BOARD_PER_COLUMN)),
                        "cards": [d for d in cards if d.stage == stage]})
    return columns, owner, show


@bp.get("/board")
@require(DEAL_VIEW)
def board():  # type: ignore[no-untyped-def]
    columns, owner, show = board_columns(current_user, request.args)
    # A card links to /deals/<id> and posts moves to /deals/<id>/move: the prefix is built once, not per card.
    deal_base = record_url_prefix("pipeline.deal", "deal_id")
    may_create = may(DEAL_EDIT)
    return render_template("pipeline/board.html", columns=columns, owner=owner, owners=owner_choices(current_user),
                           show=show, shows=board_status_choices(), may_move=may_create, may_create=may_create,
                           quick_form=forms.QuickDealForm() if may_create else None,
                           stages=STAGES, args=request.args.to_dict(), deal_base=deal_base, board_cards=board_cards,
                           pw=pipeline_words())


@bp.post("/board/quick-create")
@require(DEAL_EDIT)
def quick_create():  # type: ignore[no-untyped-def]
    """A deal made from the board's first column (R6.1: every deal starts at customer development); the full form
    takes over when something is missing or wrong, with the answers kept and the error next to its field."""
    form = forms.QuickDealForm()
    if form.validate_on_submit():
        deal = create_deal(title=form.title.data, customer_id=form.customer_id.data,
                           expected_value=form.expected_value.data or Decimal("0"), expected_close=None)
        flash(_("Deal %(title)s created.", title=deal.title), "success")
        return redirect(safe_next(request.form.get("next"), url_for("pipeline.board")))
    full = forms.DealForm(formdata=None, data={"title": form.title.data, "customer_id": form.customer_id.data,
                                                "expected_value": form.expected_value.data})
    for name in ("title", "customer_id", "expected_value"):
        full[name].errors = list(form[name].errors)
    full.form_errors = list(form.form_errors)
    return render_template("pipeline/form.html", form=full, title=_("New deal"),
                           action=url_for("pipeline.new_deal"), cancel_url=url_for("pipeline.board")), 422


def create_deal(*, title: str, customer_id: int, expected_value: Decimal, expected_close: Any,
                situation: str | None = None) -> Deal:
    """A new deal at customer development, owned by the current user, with its opening in the stage history."""
    deal = Deal(title=title.strip(), customer_id=customer_id, owner_id=current_user.id,
                expected_value=expected_value, expected_close=expected_close, situation=situation)
    db.session.add(deal)
    db.session.flush()
    db.session.add(DealStageChange(deal_id=deal.id, from_stage=None, to_stage="development",
                                   user_id=current_user.id))
    db.session.commit()
    return deal


@bp.route("/deals/new", methods=["GET", "POST"])
@require(DEAL_EDIT)
def new_deal():  # type: ignore[no-untyped-def]
    """The new-deal form; ``?customer_id=`` (the customer page's "New deal") preselects the customer and brings the
    needs captured on the customer into the deal's situation (R6.2.1)."""
    form = forms.DealForm()
    if request.method == "GET" and (customer_id := record_id(request.args.get("customer_id"))):
        form.customer_id.data = customer_id
        form.situation.data = customer_needs(customer_id)
    if form.validate_on_submit():
        deal = create_deal(title=form.title.data, customer_id=form.customer_id.data,
                           expected_value=form.expected_value.data, expected_close=form.expected_close.data,
                           situation=(form.situation.data or "").strip() or None)
        flash(_("Deal %(title)s created.", title=deal.title), "success")
        return redirect(url_for("pipeline.deal", deal_id=deal.id))
    return render_template("pipeline/form.html", form=form, title=_("New deal"),
                           cancel_url=url_for("pipeline.deals")), 422 if form.errors else 200


def customer_needs(customer_id: int) -> str | None:
    """The needs the CRM recorded on the customer, if the user may see the customer (pipeline depends on crm)."""
    from plugins.crm.services.customers import needs_for

    return needs_for(db.session, customer_id, current_user)


@bp.get("/deals/<int:deal_id>")
@require(DEAL_VIEW)
def deal(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id)
    mover = aliased(User)
    history = db.session.execute(
        select(DealStageChange, mover.name).join(mover, mover.id == DealStageChange.user_id)
        .where(DealStageChange.deal_id == deal.id).order_by(DealStageChange.at.desc(), DealStageChange.id.desc())
    ).all()
    quotations = db.session.scalars(select(Quotation).where(Quotation.deal_id == deal.id)
                                    .order_by(Quotation.number, Quotation.revision.desc())).all()
    contracts = db.session.scalars(select(Contract).where(Contract.deal_id == deal.id)
                                   .order_by(Contract.id.desc())).all()
    orders = db.session.scalars(select(Order).where(Order.deal_id == deal.id).order_by(Order.id.desc())).all()
    index = STAGES.index(deal.stage)
    editable = may(DEAL_EDIT, deal)
    return render_template(
        "pipeline/deal.html", deal=deal, history=history, quotations=quotations, contracts=contracts,
        orders=orders, editable=editable, problems=exit_problems(db.session, deal) if deal.status == "open" else [],
        next_stage=STAGES[index + 1] if index + 1 < len(STAGES) else None, earlier=STAGES[:index],
        probability=DEFAULT_PROBABILITY[deal.stage], lose_form=forms.LoseForm(), move_form=forms.MoveForm())


@bp.route("/deals/<int:deal_id>/edit", methods=["GET", "POST"])
@require(DEAL_EDIT)
def edit_deal(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    form = forms.DealEditForm(obj=deal)
    if form.validate_on_submit():
        for name in ("expected_value", "expected_close"):
            setattr(deal, name, form[name].data)
        deal.title = form.title.data.strip()
        for name in ("situation", "pain_points", "goals", "concerns", "bottom_line"):
            setattr(deal, name, (form[name].data or "").strip() or None)
        try:  # versioned: a move or an edit by someone else since the deal was read is refused, not a 500
            flush_or_conflict(db.session, CHANGED)
        except PipelineError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Deal saved."), "success")
            return redirect(url_for("pipeline.deal", deal_id=deal.id))
    return render_template("pipeline/form.html", form=form, title=_("Edit deal"), deal=deal,
                           cancel_url=url_for("pipeline.deal", deal_id=deal.id)), 422 if form.errors else 200


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"


@bp.post("/deals/<int:deal_id>/move")
@require(DEAL_EDIT)
def move(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    title = deal.title  # read before a refusal rolls the session back
    back = safe_next(request.form.get("next"), url_for("pipeline.deal", deal_id=deal.id))
    form = forms.MoveForm()
    version = whole_number(request.form.get("expected_version"))
    if not form.validate_on_submit() or version is None:
        message, status = _("“%(title)s” was not moved: %(reason)s", title=title,
                            reason=_("The move was incomplete; reload the page and try again.")), 400
    else:
        try:
            move_deal(db.session, deal, form.stage.data, current_user, expected_version=version,
                      note=(form.note.data or "").strip() or None)
        except PipelineError as exc:
            db.session.rollback()
            # Which deal and why: on the board a refused drop is read beside many cards (issue 12).
            message, status = _("“%(title)s” was not moved: %(reason)s", title=title, reason=str(exc)), 409
        else:
            db.session.commit()
            if _wants_json():
                return jsonify(id=deal.id, stage=deal.stage, status=deal.status, version=deal.version)
            flash(_("Deal moved to %(stage)s.", stage=STAGE_LABELS[deal.stage]), "success")
            return redirect(back)
    if _wants_json():
        return jsonify(error={"message": message}), status
    flash(message, "error")
    return redirect(back)


@bp.post("/deals/<int:deal_id>/lose")
@require(DEAL_EDIT)
def lose(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    form = forms.LoseForm()
    form.validate_on_submit()
    try:
        lose_deal(db.session, deal, current_user, form.reason.data or "", form.competitor.data)
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The deal is marked lost."), "success")
    return redirect(url_for("pipeline.deal", deal_id=deal.id))


@bp.post("/deals/<int:deal_id>/reopen")
@require(DEAL_EDIT)
def reopen(deal_id: int):  # type: ignore[no-untyped-def]
    deal = deal_or_404(deal_id, DEAL_EDIT)
    try:
        reopen_service(db.session, deal)
    except PipelineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The deal is open again."), "success")
    return redirect(url_for("pipeline.deal", deal_id=deal.id))
