"""What the list pages repeat on every row, resolved once per page (issue 7 "Performance").

State labels and link prefixes are looked up once per page instead of per row (url_for per row costs as much as the
rest of the row). Dates use the core ``|datetime("short")`` filter, which resolves the locale, zone and patterns
once per request (core/web/locale.py).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from plugins.expenses import services
from plugins.expenses.models import CLAIM_STATES


def claim_rows() -> dict[str, Any]:
    """Template values for a page of claim rows: the state labels and the link prefix of a claim
    (``claim_href ~ claim.id``; url_for per row costs as much as the rest of the row)."""
    return {
        "state_labels": {state: services.state_label(state) for state in CLAIM_STATES},
        "claim_href": url_for("expenses.claim_detail", claim_id=0)[:-1],
    }


def budget_rows() -> dict[str, Any]:
    """Template values for a page of budget lines: the link prefix of a line (``budget_href ~ id ~ "/edit"``, and
    ``"/approve"`` or ``"/reopen"``: both routes start with /budgets/<id>/)."""
    return {"budget_href": url_for("expenses.budget_edit", budget_id=0)[:-len("0/edit")]}
