"""Saving, listing and deleting a person's views of a list. No request objects: the views module and tests call
these with a session and the acting user."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError

from core.listviews.models import LIST_KEY_LENGTH, NAME_LENGTH, QUERY_LENGTH, SavedView
from core.web.listing import QUERY_SAFE, TRANSIENT_ARGS

#: Enough for anyone's habits, and a bound on what one person can store.
MAX_VIEWS_PER_LIST = 50
MAX_ARGUMENTS = 30
LIST_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
#: Form fields of the save form itself, never part of a list's arguments.
NOT_LIST_ARGUMENTS = frozenset(TRANSIENT_ARGS) | {"csrf_token", "next"}


class SavedViewError(ValueError):
    """A view that cannot be saved; ``field`` is the form field to show ``message`` next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def valid_list_key(list_key: Any) -> bool:
    return isinstance(list_key, str) and len(list_key) <= LIST_KEY_LENGTH and bool(LIST_KEY.fullmatch(list_key))


def clean_name(raw: Any) -> str:
    """The name as typed, whitespace collapsed; refused if empty or too long."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise SavedViewError("name", _("Give the view a name."))
    if len(name) > NAME_LENGTH:
        raise SavedViewError("name", _("A view's name has at most %(n)d characters.", n=NAME_LENGTH))
    return name


def clean_query(raw: Any) -> str:
    """The list's arguments as one canonical query string (sorted, first value of each, no page number): the same
    text core.web.listing.Page.saved_query() gives for the page it came from, so the list can mark its chip."""
    text = str(raw or "").lstrip("?")
    pairs: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=False):
        if key not in NOT_LIST_ARGUMENTS:
            pairs.setdefault(key, value)
    query = urlencode(sorted(pairs.items()), safe=QUERY_SAFE)
    if len(pairs) > MAX_ARGUMENTS or len(query) > QUERY_LENGTH:
        raise SavedViewError("name", _("This list's filters are too long to save as a view."))
    return query


#: Whether the signed-in person keeps any view (of any list), read in the statement that loads them
#: (core/auth/sessions.py add_signed_in_figure, registered by views.py): a list page of someone without one, most
#: people, runs no statement for its chips (issue 18).
HAS_VIEWS_FIGURE = "core.has_saved_views"


def has_views_column(user_id: Any) -> Any:
    """True when the user whose id is ``user_id`` (a column) keeps a view: a scalar subquery, an index look-up."""
    return exists().where(SavedView.user_id == user_id)


def _forget_has_views() -> None:
    """This request added or deleted a view: its later list pages read the chips again (no figure to trust)."""
    from core.auth.sessions import forget_signed_in_figure

    forget_signed_in_figure(HAS_VIEWS_FIGURE)


def view_chips(session: Any, user: Any, list_key: str) -> list[Any]:
    """What the chips of ``user``'s views of ``list_key`` show, by name: rows of (id, name, query). Plain rows on
    the session's connection, not SavedView objects: every list page asks, and most people have none (issue 18)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    stmt = (select(SavedView.id, SavedView.name, SavedView.query)
            .where(SavedView.user_id == user.id, SavedView.list_key == list_key)
            .order_by(SavedView.name, SavedView.id))
    return list(session.connection().execute(stmt))


def save_view(session: Any, user: Any, list_key: str, name: Any, query: Any) -> SavedView:
    """Keep ``query`` as ``user``'s view ``name`` of ``list_key``. Raises SavedViewError (nothing saved) for a bad
    list key, an empty, long or taken name, too many views, or arguments too long to keep."""
    if not valid_list_key(list_key):
        raise SavedViewError("list_key", _("This list cannot keep views."))
    name = clean_name(name)
    query = clean_query(query)
    mine = select(func.count()).select_from(SavedView).where(SavedView.user_id == user.id,
                                                              SavedView.list_key == list_key)
    if (session.scalar(mine) or 0) >= MAX_VIEWS_PER_LIST:
        raise SavedViewError("name", _("You have %(n)d views of this list; delete one first.", n=MAX_VIEWS_PER_LIST))
    taken = _("You already have a view called “%(name)s” on this list; choose another name.", name=name)
    if session.scalar(select(SavedView.id).where(SavedView.user_id == user.id, SavedView.list_key == list_key,
                                                 SavedView.name == name)) is not None:
        raise SavedViewError("name", taken)
    view = SavedView(user_id=user.id, list_key=list_key, name=name, query=query)
    _forget_has_views()
    try:
        with session.begin_nested():  # the same name saved twice at once: the unique constraint decides
            session.add(view)
    except IntegrityError:
        raise SavedViewError("name", taken) from None
    return view


def delete_view(session: Any, user: Any, view_id: int) -> SavedView | None:
    """Delete ``user``'s view ``view_id``; None if there is no such view of theirs (someone else's is not found)."""
    view = session.scalar(select(SavedView).where(SavedView.id == view_id, SavedView.user_id == user.id))
    if view is not None:
        _forget_has_views()
        session.execute(delete(SavedView).where(SavedView.id == view.id))
    return view
