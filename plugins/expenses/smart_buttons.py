"""The plugin's smart buttons (record_smart_buttons, issue 12 record hubs):

- on a person's page, their expense claims that the viewer may see, with the amount (one aggregate statement);
- on the page of any record that declares ``__expense_claimable__ = True`` (issue 17: a team activity), the action
  "File an expense claim" (the new-claim form, filed for that record) and the claims filed for it that the viewer
  may see, with the amount (one aggregate statement).

Each count links to the claim list filtered the same way (views/lists.py: ?claimant=, ?source=)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.attachments.records import record_key
from core.contracts import SmartButton
from core.extensions import db
from core.identity.models import User
from core.security import can
from core.web.locale import money
from plugins.expenses.models import Claim
from plugins.expenses.services.common import CREATE, VIEW
from plugins.expenses.services.queries import claim_visibility
from plugins.expenses.services.sources import is_claimable, source_key

ICON = "receipt"


def buttons_for(obj: Any, user: Any) -> list[SmartButton]:
    if user is None or getattr(obj, "id", None) is None:
        return []
    if isinstance(obj, User):
        return person_buttons(obj, user)
    if is_claimable(type(obj)):
        return record_buttons(obj, user)
    return []


def _count_and_total(*conditions: Any, user: Any) -> tuple[int, Any]:
    count, total = db.session.execute(
        select(func.count(Claim.id), func.coalesce(func.sum(Claim.total), 0)).where(*conditions,
                                                                                 claim_visibility(user))).one()
    return int(count), total


def person_buttons(person: User, user: Any) -> list[SmartButton]:
    """``person``'s claims that ``user`` may see (their own, their team's, or all, R2 and R9.2)."""
    if not can(user, VIEW):
        return []
    count, total = _count_and_total(Claim.claimant_id == person.id, user=user)
    return [SmartButton("expenses.claims", _("Expense claims"), url_for("expenses.claims", claimant=person.id),
                        count=count, figure=money(total) if count else "", icon=ICON, order=400)]


def record_buttons(obj: Any, user: Any) -> list[SmartButton]:
    """Filing a claim for ``obj``'s cost, and the claims filed for it that ``user`` may see (issue 17)."""
    key = source_key(obj)
    buttons = []
    if can(user, VIEW):
        record_type, record_id = record_key(obj)
        count, total = _count_and_total(Claim.source_type == record_type, Claim.source_id == record_id, user=user)
        buttons.append(SmartButton("expenses.source_claims", _("Expense claims"), url_for("expenses.claims", source=key),
                                   count=count, figure=money(total) if count else "", icon=ICON, order=400))
    if can(user, CREATE):
        buttons.append(SmartButton("expenses.file_claim", _("File an expense claim"),
                                   url_for("expenses.claim_new", **{"for": key}), icon=ICON, order=401))
    return buttons
