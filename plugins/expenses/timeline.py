"""Timeline entries of expense claims (issue 12: every business record gets the shared chatter).

A claim's timeline tells its review (R9.2.1–R9.2.3): each submission, each decision of the department-level
reviewer and of finance with the reviewer's comment, the payment (date, method, reference) and every change made
after a first submission, line by line. The core timeline adds comments, files and the audited field changes
(Claim.__tracked__). A record that declares ``__expense_claimable__`` (issue 17) shows the submissions and payments
of the claims filed for its cost, those the reader may see.

Texts are labels in the reader's language, never states or field names; times stay UTC here and the timeline shows
them in the company zone. Each source is one query whatever the number of entries."""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.contracts import TimelineEntry
from core.extensions import db
from core.web.locale import date_filter, money
from plugins.expenses.labels import method_label
from plugins.expenses.models import Category, Claim, ClaimEvent
from plugins.expenses.services.categories import category_label
from plugins.expenses.services.queries import can_view_claim, claim_visibility

LIMIT = 100
KIND = "expenses-claim"


def entries_for(obj: Any, user: Any) -> list[TimelineEntry]:
    """The expenses plugin's answer to ``timeline_entries``: a claim's steps, or a claimable record's claims."""
    if user is None:
        return []  # no viewer, nothing the plugin could check visibility against
    if isinstance(obj, Claim):
        return claim_entries(obj) if can_view_claim(user, obj) else []
    if getattr(type(obj), "__expense_claimable__", False) is True:
        return source_entries(obj, user)
    return []


def claim_entries(claim: Claim) -> list[TimelineEntry]:
    events = db.session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id)
                                .order_by(ClaimEvent.id.desc()).limit(LIMIT)).all()
    if not events:
        return []
    categories = _category_names() if any(e.action == "edited" for e in events) else {}
    return [TimelineEntry(at=e.at, kind=KIND, text=step_text(e, claim, categories), user_id=e.user_id)
            for e in events]


def step_text(event: ClaimEvent, claim: Claim, categories: dict[int, str] | None = None) -> str:
    """What happened at ``event``, for the reader: the step, the reviewer's comment, an over-budget warning."""
    details = json.loads(event.details) if event.details else {}
    reason = (event.reason or "").strip()
    action = event.action
    if action == "submit":
        text = _("Submitted for review (%(amount)s)", amount=money(claim.total)) if event.from_state == "draft" \
            else _("Submitted again for review")
    elif action == "approve":
        text = _("Approved by the department-level reviewer")
    elif action == "return":
        text = _("Returned for changes by the department-level reviewer")
    elif action == "reject":
        text = _("Rejected by the department-level reviewer")
    elif action == "finance_approve":
        text = _("Approved for payment by finance")
    elif action == "finance_return":
        text = _("Returned for changes by finance")
    elif action == "finance_reject":
        text = _("Rejected by finance")
    elif action == "pay":
        text = _payment_text(claim)
    elif action == "edited":
        text = _("Changed the claim: %(changes)s",
                 changes="; ".join(change_text(c, categories or {}) for c in details.get("changes", [])))
    else:
        text = _("Claim updated")
    if reason:
        text = _("%(step)s. Comment: %(comment)s", step=text, comment=reason)
    if details.get("warnings"):
        text = _("%(step)s (over budget when this step was taken)", step=text)
    return text


def _payment_text(claim: Claim) -> str:
    payment = claim.payment
    if payment is None:
        return _("Paid")
    text = _("Paid %(amount)s on %(day)s by %(method)s", amount=money(payment.amount), day=date_filter(payment.paid_on),
             method=method_label(payment.method))
    if payment.reference:
        text = _("%(payment)s, reference %(reference)s", payment=text, reference=payment.reference)
    return text


def change_text(change: dict[str, Any], categories: dict[int, str]) -> str:
    """One change of an edited claim (services.claims records them), as a sentence."""
    field, line = change.get("field"), change.get("line")
    if field == "title":
        return _("purpose %(old)s → %(new)s", old=change.get("old"), new=change.get("new"))
    if field == "added":
        return _("line %(n)s added: %(line)s", n=line, line=_line(change.get("new") or {}, categories))
    if field == "removed":
        return _("line %(n)s removed: %(line)s", n=line, line=_line(change.get("old") or {}, categories))
    if field == "receipt":
        if change.get("new"):
            return _("line %(n)s: receipt %(name)s attached", n=line, name=change["new"])
        return _("line %(n)s: receipt %(name)s removed", n=line, name=change.get("old"))
    old, new = change.get("old") or {}, change.get("new") or {}
    return _("line %(n)s changed from %(old)s to %(new)s", n=line, old=_line(old, categories),
             new=_line(new, categories))


def _line(summary: dict[str, Any], categories: dict[int, str]) -> str:
    category = categories.get(_int(summary.get("category_id")), "—")
    day = summary.get("date", "")
    with contextlib.suppress(ValueError):  # stored as ISO dates; an odd one is shown as it is
        day = date_filter(date.fromisoformat(day)) if day else ""
    return " ".join(str(part) for part in (day, category, summary.get("description", ""),
                                           money(summary["amount"]) if summary.get("amount") else "",
                                           summary.get("invoice_number", "")) if part)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _category_names() -> dict[int, str]:
    return {c.id: category_label(c) for c in db.session.scalars(select(Category))}


# ---------------------------------------------------------------------------------------------------- claimable records


def source_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    """The submissions and payments of the claims filed for ``obj``'s cost that ``user`` may see (issue 17)."""
    from flask import url_for

    from core.attachments.records import record_key

    record_type, record_id = record_key(obj)
    claims = db.session.scalars(
        select(Claim).where(Claim.source_type == record_type, Claim.source_id == record_id, claim_visibility(user))
        .options(selectinload(Claim.payment)).order_by(Claim.id.desc()).limit(LIMIT)).all()
    entries = []
    for claim in claims:
        url = url_for("expenses.claim_detail", claim_id=claim.id)
        if claim.first_submitted_at is not None:
            entries.append(TimelineEntry(at=claim.first_submitted_at, kind=KIND, user_id=claim.claimant_id, url=url,
                                         text=_("Expense claim %(number)s submitted: %(amount)s",
                                                number=claim.number, amount=money(claim.total))))
        if claim.paid_at is not None:
            entries.append(TimelineEntry(at=claim.paid_at, kind=KIND, url=url,
                                         user_id=claim.payment.recorded_by_id if claim.payment else None,
                                         text=_("Expense claim %(number)s paid: %(amount)s", number=claim.number,
                                                amount=money(claim.total))))
    return entries
