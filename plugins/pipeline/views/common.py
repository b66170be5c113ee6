"""The pipeline blueprint and what its page modules share: record lookups limited to the user's scope (404
outside it: nobody learns whether another person's record exists), labels for templates, the static files."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, g, send_from_directory
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.i18n import label_text
from core.security import can, get_scoped_or_404, public, scoped
from plugins.pipeline.labels import (
    BOARD_SHOW_LABELS,
    CHANNEL_LABELS,
    DEAL_STATUS_LABELS,
    PRIORITY_LABELS,
    QUOTATION_STATE_LABELS,
    TICKET_KIND_LABELS,
    TICKET_STATE_LABELS,
)
from plugins.pipeline.models import Deal, Order, Quotation
from plugins.pipeline.services.orders import STATUS_LABELS
from plugins.pipeline.services.stages import DEFAULT_PROBABILITY, STAGE_LABELS
from plugins.pipeline.views.words import pipeline_words

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("pipeline", __name__, url_prefix="/pipeline", template_folder=str(PLUGIN_DIR / "templates"))

DEAL_VIEW, DEAL_EDIT = "pipeline.deal.view", "pipeline.deal.edit"
ORDER_VIEW, ORDER_EDIT = "pipeline.order.view", "pipeline.order.edit"
TICKET_VIEW, TICKET_EDIT = "pipeline.ticket.view", "pipeline.ticket.edit"


_LABELS = {"stage": STAGE_LABELS, "deal_status": DEAL_STATUS_LABELS, "quotation": QUOTATION_STATE_LABELS,
           "order": STATUS_LABELS, "channel": CHANNEL_LABELS, "ticket_kind": TICKET_KIND_LABELS,
           "ticket_state": TICKET_STATE_LABELS, "priority": PRIORITY_LABELS, "board_show": BOARD_SHOW_LABELS}


def label_texts(group: str) -> dict[str, str]:
    """A group of ``_LABELS`` as plain text in the current language (the same text as ``str(label)``), each label's
    translation kept per locale by core.i18n.label_text (issue 18: a dozen look-ups on the board otherwise)."""
    return {code: label_text(label) for code, label in _LABELS[group].items()}


class TextLabels:
    """The labels as plain text in the current language, for templates (``text_labels.stage[code]``): a list row
    then reads a dict instead of translating a lazy string again (issue 6)."""

    def __getattr__(self, group: str) -> dict[str, str]:
        if group not in _LABELS:
            raise AttributeError(group)
        texts = label_texts(group)
        setattr(self, group, texts)
        return texts


class MoneyTexts(dict):
    """``money_texts[amount]``: the money filter's text for an amount, formatted once per distinct amount in a
    render. A list's or a board's amounts repeat (round deal values, the same weighted figure), and formatting is
    most of what a row costs (issue 6). Same text as ``amount|money``."""

    def __missing__(self, amount: Any) -> str:
        from core.web.locale import money

        text = money(amount)
        # Every zero (0, -0, 0.00) reads as 0 does (money drops a zero's minus sign): kept like any amount (a list
        # of orders without totals formatted its zeros once a row). The keys are amounts (Decimal, int or None).
        self[amount] = text
        return text


@bp.app_context_processor
def pipeline_template_helpers() -> dict[str, Any]:
    return {"text_labels": TextLabels(), "money_texts": MoneyTexts(), "pipeline_words": pipeline_words,
            "pipeline_labels": {
        "stage": STAGE_LABELS, "deal_status": DEAL_STATUS_LABELS, "quotation": QUOTATION_STATE_LABELS,
        "order": STATUS_LABELS, "channel": CHANNEL_LABELS, "ticket_kind": TICKET_KIND_LABELS,
        "ticket_state": TICKET_STATE_LABELS, "priority": PRIORITY_LABELS}, "stage_probability": DEFAULT_PROBABILITY}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (scripts and styles: no inline ones under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "pipeline", filename, max_age=3600)


def deal_or_404(deal_id: int, permission: str = DEAL_VIEW) -> Deal:
    return get_scoped_or_404(Deal, deal_id, permission)


def quotation_or_404(quotation_id: int, permission: str = DEAL_VIEW) -> tuple[Quotation, Deal]:
    """A quotation is reached through its deal's scope (a supervisor's revision does not hide it from the rep)."""
    quotation = db.session.get(Quotation, quotation_id)
    if quotation is None:
        abort(404)
    return quotation, deal_or_404(quotation.deal_id, permission)


def order_or_404(order_id: int, permission: str = ORDER_VIEW) -> Order:
    return get_scoped_or_404(Order, order_id, permission)


def may(permission: str, obj: Any = None) -> bool:
    return can(current_user, permission, obj)


def scoped_deals(user: Any, permission: str = DEAL_VIEW, stmt: Any = None) -> Any:
    return scoped(select(Deal) if stmt is None else stmt, Deal, permission, user)


def per_request(key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per request: a filter's choices are read when a chosen value is checked and again when
    the toolbar draws them (issue 6)."""
    cache = g.setdefault("_pipeline_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]



class FilteredOnce:
    """A ListQuery mixin: the filtered select for the same arguments is built once, for a page that also sums or
    counts over the selection (the deal list's forecast) besides the page itself."""

    _filtered_for: tuple[Any, Any] | None = None

    def filtered(self, args: Mapping[str, str]) -> Any:
        known = self._filtered_for
        if known is None or known[0] is not args:
            known = self._filtered_for = (args, super().filtered(args))  # type: ignore[misc]
        return known[1]


