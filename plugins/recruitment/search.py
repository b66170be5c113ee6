"""Global search over candidates, for those who may see applications: one statement whatever the number of rows.

A text with a digit and no letters is a mobile number's beginning (through the phone key's index, "+86" and
spaces ignored); a text with "@" an e-mail's beginning (the e-mail key's index); anything else is looked for in
names. Each hit is an application within the user's scope, newest first.

The statement is built once per process for each shape it can take (scope, database, which condition the text
takes and whether it needs a range or lower()) with the text, the user and the limit as parameters, and runs on
the session's connection: building and caching it at every search cost more than running it (issue 18). The SQL
is what prefix_match, contains_any_case and core.security.scoped write, with the text bound as parameters."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from core.contracts import SearchResult
from core.db.substring_index import (
    bound_contains,
    bound_prefix_match,
    contains_pattern,
    needs_lower,
    prefix_parameters,
    prefix_upper,
    sqlite_unindexed,
)
from core.extensions import db
from core.i18n import label_text
from core.security import can, scope_condition, scope_for, scope_parameters
from core.web.record_links import record_url_prefix
from plugins.recruitment.labels import STAGE_LABELS, STATUS_LABELS
from plugins.recruitment.models import Application, Candidate, Requisition
from plugins.recruitment.services.candidates import phone_key
from plugins.recruitment.services.plain_rows import flushed_connection

PERMISSION = "recruitment.application.view"
_PHONE = re.compile(r"^[+\d][\d\s-]*$")


# Built once for each shape (functools.cache): four scopes (None included) × two databases × three fields × two
# shapes at the very most.
@cache
def _statement(scope: str | None, postgresql: bool, field: str, shape: bool) -> Select:
    """(application id, candidate name, plan title, stage, status) of the applications in ``scope`` whose candidate
    matches the text (``field`` "phone" or "email": a prefix, ``shape`` whether a range; "name": contained,
    ``shape`` whether lower() is needed), newest first (:limit)."""
    if field == "phone":
        condition = bound_prefix_match(Candidate.phone_key, "text", shape)
    elif field == "email":
        condition = bound_prefix_match(Candidate.email_key, "text", shape)
    else:
        condition = bound_contains(Candidate.name, "text", shape)
    # Kept off their indexes on SQLite, which has no statistics to weigh them (core.db.substring_index): the
    # anonymised_at index for "IS NULL" reads nearly every candidate; the owner index reads the scope's every
    # application where the phone's or e-mail's index finds the few that match. A name has no index: a
    # representative's or a team's applications, by the owner index, are then the fewest rows to read.
    stmt = (select(Application.id, Candidate.name, Requisition.title, Application.stage, Application.status)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .join(Requisition, Requisition.id == Application.requisition_id)
            .where(condition, sqlite_unindexed(Candidate.anonymised_at).is_(None)))
    owner = Application.owner_id if field == "name" else sqlite_unindexed(Application.owner_id)
    in_scope = scope_condition(scope, owner, postgresql)
    if in_scope is not None:
        stmt = stmt.where(in_scope)
    return stmt.order_by(Application.id.desc()).limit(bindparam("limit"))


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if len(text) < 2 or not can(user, PERMISSION):
        return []
    # Plain rows on the session's connection (nothing for the ORM to do), pending changes flushed first.
    connection = flushed_connection(db.session)
    postgresql = connection.dialect.name == "postgresql"
    if _PHONE.match(text) and (key := phone_key(text)) and len(key) >= 3:
        field, shape, parameters = "phone", prefix_upper(key) is not None, prefix_parameters("text", key)
    elif "@" in text:
        lowered = text.lower()
        field, shape, parameters = "email", prefix_upper(lowered) is not None, prefix_parameters("text", lowered)
    else:
        field, shape, parameters = "name", needs_lower(text, postgresql), {"text": contains_pattern(text)}
    scope = scope_for(user, PERMISSION)
    stmt = _statement(scope, postgresql, field, shape)
    rows = connection.execute(stmt, {"limit": limit, **parameters, **scope_parameters(user, scope)}).all()
    if not rows:
        return []
    kind = _("Candidates")  # the results page shows the kind as the group's heading
    url = record_url_prefix("recruitment.application", "application_id")
    # Each stage's or status's words kept per locale (label_text).
    return [SearchResult(title=name, url=f"{url}{app_id}", kind=kind, snippet=f"{title} · " + label_text(
                STAGE_LABELS[stage] if status == "active" else STATUS_LABELS[status]))
            for app_id, name, title, stage, status in rows]
