"""JSON API for customers, contacts and interactions (/api/v1/crm), in the OpenAPI document.

The same services and record scopes as the pages: a customer outside the caller's scope is a 404, a refused value a
422 naming its field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.api.validation import SOME_TEXT, WHITESPACE
from core.extensions import db
from core.money import money_schema
from plugins.crm.access import EDIT, VIEW, get_customer_or_404, scoped_customers
from plugins.crm.models import INTERACTION_KINDS, KINDS, SOURCES, STATES, Contact, Customer, Interaction
from plugins.crm.services import contacts, customers, interactions
from plugins.crm.services.errors import Conflict, CRMError, FieldErrors
from plugins.crm.services.search_terms import customer_search

bp = Blueprint("crm_api", __name__, url_prefix="/api/v1/crm")
TAGS = ("CRM",)

NULLABLE_TEXT = {"type": ["string", "null"]}
# What the services accept, said in the schema (issue 11 F7): a phone of 5 to 20 digits (a +86 / 0086 country code
# is dropped first), a plausible e-mail address, a name that is not blank; empty text is "none".
_WS = WHITESPACE
_PHONE_MARKS = rf"[{_WS}+\-().]"
PHONE_INPUT = {"type": ["string", "null"], "maxLength": 40,
               "pattern": rf"^[{_WS}]*$|^{_PHONE_MARKS}*([0-9]{_PHONE_MARKS}*){{5,20}}$",
               "not": {"type": "string", "pattern": rf"^{_PHONE_MARKS}*0{_PHONE_MARKS}*0{_PHONE_MARKS}*8{_PHONE_MARKS}*6"
                                                    rf"({_PHONE_MARKS}*[0-9]){{0,4}}{_PHONE_MARKS}*$"},
               "description": "5 to 20 digits; spaces, +, -, (, ) and . may separate them"}
EMAIL_INPUT = {"type": ["string", "null"], "maxLength": 200,
               "pattern": rf"^[{_WS}]*$|^[{_WS}]*[^@{_WS}\x00]+@[^@{_WS}\x00]+\.[^@{_WS}\x00]+[{_WS}]*$"}
CUSTOMER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "kind": {"enum": list(KINDS)}, "name": {"type": "string"},
        "state": {"enum": list(STATES)}, "source": {"type": ["string", "null"]},
        "industry": NULLABLE_TEXT, "region": NULLABLE_TEXT, "phone": NULLABLE_TEXT, "email": NULLABLE_TEXT,
        "wechat": NULLABLE_TEXT, "needs": NULLABLE_TEXT, "potential_value": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}}, "owner_id": {"type": ["integer", "null"]},
        "grade": {"type": ["string", "null"]}, "completeness": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
CUSTOMER_INPUT = {
    "type": "object",
    "properties": {
        "kind": {"enum": list(KINDS)}, "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": SOME_TEXT},
        "state": {"enum": list(STATES)}, "source": {"enum": [*SOURCES, None]},
        "industry": {"type": ["string", "null"], "maxLength": 100},
        "region": {"type": ["string", "null"], "maxLength": 100},
        "phone": PHONE_INPUT, "email": EMAIL_INPUT,
        "wechat": {"type": ["string", "null"], "maxLength": 100}, "needs": {"type": ["string", "null"]},
        "potential_value": money_schema(nullable=True, description="CNY, 0 or more; empty or null is 0"),
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 50}},
        "allow_duplicate": {"type": "boolean"},
    },
    "additionalProperties": False,
}
CONTACT = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "customer_id": {"type": "integer"}, "name": {"type": "string"},
                   "title": NULLABLE_TEXT, "phone": NULLABLE_TEXT, "email": NULLABLE_TEXT, "wechat": NULLABLE_TEXT,
                   "is_primary": {"type": "boolean"}, "anonymised": {"type": "boolean"}},
}
CONTACT_INPUT = {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": SOME_TEXT},
                   "title": {"type": ["string", "null"], "maxLength": 100},
                   "phone": PHONE_INPUT, "email": EMAIL_INPUT,
                   "wechat": {"type": ["string", "null"], "maxLength": 100}, "is_primary": {"type": "boolean"}},
    "required": ["name"], "additionalProperties": False,
}
INTERACTION = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "customer_id": {"type": "integer"},
                   "contact_id": {"type": ["integer", "null"]}, "user_id": {"type": "integer"},
                   "kind": {"enum": list(INTERACTION_KINDS)}, "occurred_at": {"type": "string", "format": "date-time"},
                   "summary": {"type": "string"}, "outcome": NULLABLE_TEXT, "next_step": NULLABLE_TEXT,
                   "next_step_on": {"type": ["string", "null"], "format": "date"}},
}
INTERACTION_INPUT = {
    "type": "object",
    "properties": {"kind": {"enum": list(INTERACTION_KINDS)},
                   "summary": {"type": "string", "minLength": 1, "pattern": SOME_TEXT},
                   "outcome": {"type": ["string", "null"]}, "occurred_at": {"type": "string", "format": "date-time"},
                   "contact_id": {"type": ["integer", "null"], "minimum": 1}, "next_step": {"type": ["string", "null"],
                                                                             "maxLength": 300},
                   "next_step_on": {"type": ["string", "null"], "format": "date"}},
    "required": ["kind", "summary"], "additionalProperties": False,
}
LIST_QUERY = {"type": "object", "properties": {
    "q": {"type": "string", "maxLength": 100, "description": "Customers whose name, phone or e-mail contains this text (as the list page searches)."},
    "grade": {"enum": ["A", "B", "C"]}, "state": {"enum": list(STATES)}, "owner_id": {"type": "integer"}}}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def customer_json(c: Customer) -> dict[str, Any]:
    return {"id": c.id, "kind": c.kind, "name": c.name, "state": c.state, "source": c.source,
            "industry": c.industry, "region": c.region, "phone": c.phone, "email": c.email, "wechat": c.wechat,
            "needs": c.needs, "potential_value": str(c.potential_value), "tags": c.tag_names,
            "owner_id": c.owner_id, "grade": c.grade, "completeness": c.completeness,
            "created_at": _stamp(c.created_at), "updated_at": _stamp(c.updated_at)}


def contact_json(c: Contact) -> dict[str, Any]:
    return {"id": c.id, "customer_id": c.customer_id, "name": c.name, "title": c.title, "phone": c.phone,
            "email": c.email, "wechat": c.wechat, "is_primary": c.is_primary, "anonymised": c.anonymised_at is not None}


def interaction_json(i: Interaction) -> dict[str, Any]:
    return {"id": i.id, "customer_id": i.customer_id, "contact_id": i.contact_id, "user_id": i.user_id,
            "kind": i.kind, "occurred_at": _stamp(i.occurred_at), "summary": i.summary, "outcome": i.outcome,
            "next_step": i.next_step, "next_step_on": _stamp(i.next_step_on)}


def _refused(exc: CRMError) -> ApiError:
    db.session.rollback()
    if isinstance(exc, customers.DuplicateFound):
        return ApiError(409, exc.message, {"name": [f"#{d.customer_id} {d.name} ({', '.join(d.reasons)})"
                                                    for d in exc.duplicates]})
    if isinstance(exc, FieldErrors):
        return ValidationError({k: [v] for k, v in exc.errors.items()})
    if isinstance(exc, Conflict):  # someone else changed it since the caller read it (a lost race)
        return ApiError(409, exc.message)
    return ValidationError({exc.field or "request": [exc.message]})


@bp.get("/customers")
@api_endpoint(VIEW, summary=_l("List customers"), query=LIST_QUERY, paginated=True, response=CUSTOMER,
              tags=TAGS)
def list_customers(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = scoped_customers(current_user).order_by(Customer.id)
    if query.get("q"):  # the list page's search: name, phone or e-mail containing q, from the search index
        stmt = stmt.where(customer_search(query["q"]))
    for key, column in (("grade", Customer.grade), ("state", Customer.state), ("owner_id", Customer.owner_id)):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    return paginate(stmt, customer_json)


@bp.post("/customers")
@api_endpoint(EDIT, summary=_l("Create a customer"), body={**CUSTOMER_INPUT, "required": ["name"]}, status=201,
              response=CUSTOMER, tags=TAGS)
def create_customer(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    allow = bool(body.pop("allow_duplicate", False))
    try:
        customer = customers.create_customer(db.session, body, current_user, allow_duplicate=allow)
    except CRMError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return customer_json(customer)


@bp.get("/customers/<int:customer_id>")
@api_endpoint(VIEW, summary=_l("Read a customer"), response=CUSTOMER, tags=TAGS)
def get_customer(customer_id: int):  # type: ignore[no-untyped-def]
    return customer_json(get_customer_or_404(customer_id, current_user))


@bp.patch("/customers/<int:customer_id>")
@api_endpoint(EDIT, summary=_l("Change a customer"), body=CUSTOMER_INPUT, response=CUSTOMER, tags=TAGS,
              rules={"state": _l("only the moves its lifecycle allows from the customer's present state")},
              description=_l("A changed state moves the customer along its lifecycle (lead, prospect, customer, "
                             "inactive, lost) if that move is allowed."))
def update_customer(customer_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    body.pop("allow_duplicate", None)
    state = body.pop("state", None)
    try:
        customers.update_customer(db.session, customer, body, current_user)
        if state is not None and state != customer.state:
            customers.change_state(db.session, customer, state, current_user)
    except CRMError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return customer_json(customer)


@bp.get("/customers/<int:customer_id>/contacts")
@api_endpoint(VIEW, summary=_l("List a customer's contacts"), paginated=True, response=CONTACT,
              tags=TAGS)
def list_contacts(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    return paginate(select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id), contact_json)


@bp.post("/customers/<int:customer_id>/contacts")
@api_endpoint(EDIT, summary=_l("Add a contact"), body=CONTACT_INPUT, status=201, response=CONTACT, tags=TAGS)
def create_contact(customer_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    try:
        contact = contacts.add_contact(db.session, customer, body, current_user)
    except CRMError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return contact_json(contact)


@bp.get("/customers/<int:customer_id>/interactions")
@api_endpoint(VIEW, summary=_l("List a customer's interactions"), paginated=True,
              response=INTERACTION, tags=TAGS)
def list_interactions(customer_id: int):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user)
    return paginate(select(Interaction).where(Interaction.customer_id == customer.id)
                    .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()), interaction_json)


@bp.post("/customers/<int:customer_id>/interactions")
@api_endpoint(EDIT, summary=_l("Record an interaction"), body=INTERACTION_INPUT, status=201, response=INTERACTION,
              tags=TAGS, rules={
                  "contact_id": _l("one of this customer's contacts"),
                  "occurred_at": _l("not in the future"),
                  "next_step": _l("given together with next_step_on"),
                  "next_step_on": _l("given together with next_step")})
def create_interaction(customer_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    customer = get_customer_or_404(customer_id, current_user, EDIT)
    data = dict(body)
    errors: dict[str, list[str]] = {}
    if data.get("occurred_at"):
        try:
            moment = datetime.fromisoformat(data["occurred_at"].replace("Z", "+00:00"))
            # Naive times are taken as UTC, as the API answers them.
            data["occurred_at"] = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except ValueError:
            errors["occurred_at"] = [_("Give the date and time.")]
    if data.get("next_step_on"):
        try:
            data["next_step_on"] = date.fromisoformat(data["next_step_on"])
        except ValueError:
            errors["next_step_on"] = [_("Give a date.")]
    if errors:
        raise ValidationError(errors)
    try:
        interaction = interactions.log_interaction(db.session, customer, data, current_user)
    except CRMError as exc:
        raise _refused(exc) from None
    db.session.commit()
    return interaction_json(interaction)
