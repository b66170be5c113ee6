"""The greetings JSON API (/api/v1/hello): how a plugin offers API endpoints.

Each view declares its permission, summary and schemas with ``api_endpoint``; the core checks the caller, validates
the input (422 with field errors) and lists the endpoints in /api/v1/openapi.json while the plugin is enabled.
Reads go through the record scope (R2: a representative sees their own greetings, a supervisor their team's), so a
greeting outside the caller's scope answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.api import ValidationError, api_endpoint, paginate
from core.extensions import db
from core.security import get_scoped_or_404, scoped
from netsales_hello.models import Greeting
from netsales_hello.services import MAX_LENGTH, VIEW, GreetingError, post_greeting

bp = Blueprint("hello_api", __name__, url_prefix="/api/v1/hello")

CREATE = "hello.greeting.create"

GREETING: dict[str, Any] = {
    "type": "object",
    "required": ["id", "text", "author_id", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "text": {"type": "string", "maxLength": MAX_LENGTH},
        "author_id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time", "description": "UTC"},
    },
}

NEW_GREETING: dict[str, Any] = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH}},
    "additionalProperties": False,
}

LIST_QUERY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "q": {"type": "string", "maxLength": 100, "description": "Only greetings containing this text."},
        "author_id": {"type": "integer", "minimum": 1, "maximum": 2_147_483_647,
                      "description": "Only greetings by this user."},
    },
}


def to_json(greeting: Greeting) -> dict[str, Any]:
    return {"id": greeting.id, "text": greeting.text, "author_id": greeting.author_id,
            "created_at": greeting.created_at.isoformat(timespec="seconds") + "Z"}


@bp.get("/greetings")
@api_endpoint(VIEW, summary=_l("List the greetings you may read"), query=LIST_QUERY, paginated=True,
              response=GREETING)
def list_greetings(query: dict[str, Any]) -> dict[str, Any]:
    statement = select(Greeting).order_by(Greeting.created_at.desc(), Greeting.id.desc())
    if query.get("q"):
        statement = statement.where(Greeting.text.contains(query["q"], autoescape=True))
    if "author_id" in query:
        statement = statement.where(Greeting.author_id == query["author_id"])
    return paginate(scoped(statement, Greeting, VIEW, current_user), to_json)


@bp.get("/greetings/<int(max=2147483647):greeting_id>")
@api_endpoint(VIEW, summary=_l("One greeting"), response=GREETING)
def get_greeting(greeting_id: int) -> dict[str, Any]:
    return to_json(get_scoped_or_404(Greeting, greeting_id, VIEW, current_user))


@bp.post("/greetings")
@api_endpoint(CREATE, summary=_l("Post a greeting"), body=NEW_GREETING, response=GREETING, status=201)
def create_greeting(body: dict[str, Any]) -> dict[str, Any]:
    try:
        greeting = post_greeting(db.session, current_user.id, body["text"])
    except GreetingError:
        db.session.rollback()
        raise ValidationError({"text": [_("Write a greeting of 1 to %(n)d characters.", n=MAX_LENGTH)]}) from None
    db.session.commit()
    return to_json(greeting)
