"""The expenses blueprint and what its page modules share: the claim lookup limited to what the user may see (404
outside it: nobody learns whether another person's claim exists), category choices, form errors, template
filters and the plugin's static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, request, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.security import can, public
from core.web.locale import money
from plugins.expenses import platform
from plugins.expenses.models import Claim
from plugins.expenses.services.budgets import BudgetWarning, budget_room
from plugins.expenses.services.categories import active_categories, category_label
from plugins.expenses.services.queries import can_view_claim
from plugins.expenses.views import rendering

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("expenses", __name__, url_prefix="/expenses", template_folder=str(PLUGIN_DIR / "templates"))
STATIC_DIR = PLUGIN_DIR / "static" / "expenses"


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    return {"can": can}


@bp.get("/static/<path:filename>")
@public
def static(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's stylesheet (public, like the core's static files)."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


def visible_claim_or_404(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or not can_view_claim(current_user, claim):
        abort(404)  # not 403: nobody learns whether another person's claim exists
    return claim


def category_choices() -> list[tuple[int, str]]:
    return [(c.id, category_label(c)) for c in active_categories(db.session)]


def apply_errors(form: Any, errors: dict[str, str]) -> list[str]:
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


def flash_warnings(warnings: list[BudgetWarning]) -> None:
    for w in warnings:
        flash(_("Over budget: %(category)s %(year)s: %(room)s, this claim needs %(amount)s.",
                category=w.category_name, year=w.year, room=budget_room(w.remaining), amount=money(w.amount)),
              "warning")


def year_arg() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else platform.local_today().year


@bp.app_template_filter("yuan")
def yuan(value: Any) -> str:
    return rendering.yuan(value)


@bp.app_template_filter("budget_left")
def budget_left(value: Any) -> str:
    return rendering.left(value)


@bp.app_template_filter("budget_room")
def budget_room_filter(value: Any) -> str:
    return budget_room(value)
