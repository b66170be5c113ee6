"""Searchable selects (issue 12: a dropdown of a whole table stopped at 500 entries; the 501st could not be chosen).

A kind of record that a form can point at is a ``LookupDef`` (core/contracts.py) that a plugin returns from
``register_lookups()``; the core adds its own kind ``core.user``. This module gives:

- ``GET /lookup/<kind>?q=&page=``: one page of ``{"results": [{"id", "label"}], "more", "page"}`` for the signed-in
  user: 404 for a kind no enabled module offers, 403 without the kind's permission. Paging, never a cap.
- ``LookupField(label, kind=…, validators=…)``: a WTForms field whose data is the chosen id (int or None). It refuses,
  as a field error, an id that is not a number or that the user may not see (``label_for``): a forged id is never
  saved and never a 500. It renders as a plain text input holding the id, with the current value's label beside it;
  core/static/js/lookup.js turns it into an ARIA combobox that searches the endpoint (docs/ui.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, or_, select
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from core.contracts import LookupDef
from core.extensions import db
from core.security import authenticated, can
from core.web.params import record_id, whole_number

#: Results per page of the endpoint: enough to pick from, small enough to draw at once.
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 100

bp = Blueprint("core_lookup", __name__)


# ------------------------------------------------------------------------------------------------ the kinds


def _user_label(name: str, login: str) -> str:
    return f"{name} ({login})"  # two people may share a name: the login tells them apart


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_users(query: str, user: Any, limit: int, offset: int) -> list[tuple[int, str]]:
    """Active users whose name or login contains every word of ``query``, by name."""
    from core.identity.models import User

    stmt = select(User.id, User.name, User.login).where(User.active.is_(True))
    words = query.split()
    if words:
        stmt = stmt.where(and_(*(or_(User.name.ilike(_like(w), escape="\\"), User.login.ilike(_like(w), escape="\\"))
                                 for w in words)))
    rows = db.session.execute(stmt.order_by(User.name, User.id).limit(limit).offset(offset))
    return [(row.id, _user_label(row.name, row.login)) for row in rows]


def user_labels(ids: list[int], user: Any) -> dict[int, str]:
    """Labels of the active users among ``ids`` (a deactivated person cannot be chosen any more)."""
    from core.identity.models import User

    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.login)
                              .where(User.id.in_(ids), User.active.is_(True)))
    return {row.id: _user_label(row.name, row.login) for row in rows}


#: The core's own kinds: colleagues' names are no secret on the intranet, so any signed-in user may look them up.
CORE_LOOKUPS = (LookupDef("core.user", _l("User"), search=search_users, label_for=user_labels),)


def lookup_kinds() -> dict[str, LookupDef]:
    """Every kind the core and the enabled modules offer, by ``kind`` (gathered once a request)."""
    kinds = g.get("_netsales_lookups")
    if kinds is None:
        engine = current_app.extensions["netsales"]
        kinds = {d.kind: d for d in CORE_LOOKUPS}
        for definition in engine.collect("register_lookups", LookupDef):
            kinds.setdefault(definition.kind, definition)  # the core's kinds cannot be replaced by a plugin
        g._netsales_lookups = kinds
    return kinds


def get_lookup(kind: str) -> LookupDef | None:
    """The kind's definition, or None when no enabled module offers it."""
    return lookup_kinds().get(kind)


def may_use(definition: LookupDef, user: Any) -> bool:
    return definition.permission is None or can(user, definition.permission)


def linked_record(kind: str | None, record_id: int | None, user: Any) -> tuple[str, str | None] | None:
    """``(label, page path or None)`` of a record another module points at by kind and id, if ``user`` may see it;
    None when the kind's module is off, the record is gone, or it is not the user's to see."""
    definition = get_lookup(kind) if kind else None
    if definition is None or record_id is None or not may_use(definition, user):
        return None
    label = definition.label_for([record_id], user).get(record_id)
    if label is None:
        return None
    return str(label), definition.url(record_id) if definition.url else None


def clean_query(raw: Any) -> str:
    """What the user typed, whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(str(raw or "").split())[:MAX_QUERY_LENGTH]


def search_page(definition: LookupDef, query: str, user: Any, page: int) -> tuple[list[tuple[int, str]], bool]:
    """One page of matches and whether there is another: asks for one row more than it shows."""
    found = list(definition.search(query, user, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE))
    return [(int(i), str(label)) for i, label in found[:PAGE_SIZE]], len(found) > PAGE_SIZE


# ------------------------------------------------------------------------------------------------ the endpoint


@bp.get("/lookup/<kind>")
@authenticated
def lookup(kind: str):  # type: ignore[no-untyped-def]
    definition = get_lookup(kind)
    if definition is None:
        abort(404)
    if not may_use(definition, current_user):
        abort(403)
    page = whole_number(request.args.get("page", "1"), minimum=1) or 1
    found, more = search_page(definition, clean_query(request.args.get("q")), current_user, page)
    response = jsonify(results=[{"id": i, "label": label} for i, label in found], more=more, page=page)
    response.headers["Cache-Control"] = "private, no-store"  # scoped to the user: no shared cache keeps it
    return response


# ------------------------------------------------------------------------------------------------ the field


class LookupWidget:
    """A text input holding the id, marked for core/static/js/lookup.js, and the current value's label."""

    def __call__(self, field: LookupField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        label = field.current_label()
        value = field._value()
        input_attrs = {"type": "text", "inputmode": "numeric", "name": field.name, "value": value,
                       "autocomplete": "off", **kwargs}
        if field.flags.required:
            input_attrs.setdefault("required", True)
        wrapper = {
            "class": "lookup",
            "data-lookup": url_for("core_lookup.lookup", kind=field.kind),
            "data-lookup-script": url_for("static", filename="js/lookup.js"),
            "data-lookup-label": label or "",
            # What lookup.js says, in the page's language (no strings in the script).
            "data-text-loading": _("Searching…"),
            "data-text-none": _("Nothing found."),
            "data-text-more": _("Show more"),
            "data-text-count": _("Results: %(n)s", n="{n}"),
            "data-text-error": _("The search failed. Try again."),
            "data-text-clear": _("Clear"),
        }
        note = ""
        if label:
            note = Markup('<span class="lookup-current" id="{}-current">{}</span>').format(field.id, label)
        elif value and not field.errors:
            note = Markup('<span class="lookup-current muted" id="{}-current">{}</span>').format(
                field.id, _("Not available to you"))
        hint = Markup('<span class="lookup-nojs hint">{}</span>').format(
            _("Enter the number of the record, or turn on JavaScript to search."))
        return Markup("<div {}><input {}>{}{}</div>").format(
            Markup(html_params(**wrapper)), Markup(html_params(**input_attrs)), note, hint)


class LookupField(Field):
    """A reference to a record of ``kind`` chosen by searching (``LookupField(_l("Customer"), kind="crm.customer",
    validators=[DataRequired()])``). ``data`` is the id (int) or None. Validation asks the kind's ``label_for``
    whether the signed-in user (or ``user``, a callable returning one) may see that id: if not, it is a field
    error. A kind that is not offered (its module disabled) makes every non-empty value an error, not a 500."""

    widget = LookupWidget()

    def __init__(self, label: Any = None, validators: Sequence[Any] | None = None, *, kind: str,
                 user: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.kind = kind
        self._user = user
        self._labels: tuple[int | None, dict[int, str]] | None = None
        self._not_an_id = False

    # -- values ------------------------------------------------------------------------------------------------

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = record_id(raw)
        # Not an id: said in pre_validate, which stops the chain (DataRequired would clear the message and say
        # "required" about a box that is not empty).
        self._not_an_id = self.data is None and str(raw).strip() != ""

    def process_data(self, value: Any) -> None:
        value = getattr(value, "id", value)  # FlaskForm(obj=deal) on a field named after the relationship
        self.data = record_id(value) if value is not None else None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)

    # -- what the user may see -----------------------------------------------------------------------------------

    def viewer(self) -> Any:
        user = self._user() if callable(self._user) else self._user
        return current_user._get_current_object() if user is None else user

    def labels(self) -> dict[int, str]:
        """``{id: label}`` for the current value, if the user may see it (asked once per field)."""
        if self._labels is None or self._labels[0] != self.data:  # a view may set .data after processing
            labels: dict[int, str] = {}
            definition = get_lookup(self.kind)
            if self.data is not None and definition is not None and may_use(definition, self.viewer()):
                labels = {int(k): str(v) for k, v in definition.label_for([self.data], self.viewer()).items()}
            self._labels = (self.data, labels)
        return self._labels[1]

    def current_label(self) -> str | None:
        return self.labels().get(self.data) if self.data is not None else None

    def pre_validate(self, form: Any) -> None:
        if self._not_an_id or (self.data is not None and self.current_label() is None):
            raise StopValidation(_("Choose a value from the list: this one does not exist or is not available to you."))
