"""Global search over candidates, for those who may see applications: one statement whatever the number of rows.

A text with a digit and no letters is a mobile number's beginning (through the phone key's index, "+86" and
spaces ignored); a text with "@" an e-mail's beginning (the e-mail key's index); anything else is looked for in
names. Each hit is an application within the user's scope, newest first."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.contracts import SearchResult
from core.db.substring_index import contains_any_case, prefix_match
from core.extensions import db
from core.security import can, scoped
from plugins.recruitment.labels import STAGE_LABELS, STATUS_LABELS
from plugins.recruitment.models import Application, Candidate, Requisition
from plugins.recruitment.services.candidates import phone_key

PERMISSION = "recruitment.application.view"
_PHONE = re.compile(r"^[+\d][\d\s-]*$")


def search(query: str, user: Any, limit: int) -> list[SearchResult]:
    text = (query or "").strip()
    if len(text) < 2 or not can(user, PERMISSION):
        return []
    if _PHONE.match(text) and (key := phone_key(text)) and len(key) >= 3:
        condition = prefix_match(Candidate.phone_key, key)
    elif "@" in text:
        condition = prefix_match(Candidate.email_key, text.lower())
    else:
        condition = contains_any_case(Candidate.name, text)
    stmt = (select(Application.id, Candidate.name, Requisition.title, Application.stage, Application.status)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .join(Requisition, Requisition.id == Application.requisition_id)
            .where(condition, Candidate.anonymised_at.is_(None)))
    rows = db.session.execute(scoped(stmt, Application, PERMISSION, user)
                              .order_by(Application.id.desc()).limit(limit)).all()
    if not rows:
        return []
    kind = _("Candidates")  # the results page shows the kind as the group's heading
    before, _mark, after = url_for("recruitment.application", application_id=918273645).partition("918273645")
    return [SearchResult(title=name, url=f"{before}{app_id}{after}", kind=kind,
                         snippet=f"{title} · {STAGE_LABELS[stage] if status == 'active' else STATUS_LABELS[status]}")
            for app_id, name, title, stage, status in rows]

