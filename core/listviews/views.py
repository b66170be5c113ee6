"""The save and delete buttons of saved views, and what lists.html needs to draw the chips.

Both answer with a redirect to the list (``next``, a path on this site). A view that cannot be saved comes back to
the list with the reason next to the name box and the name as typed (kept in the session for that one drawing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user

from core.auth.redirects import safe_next
from core.auth.sessions import add_signed_in_figure, signed_in_figure
from core.extensions import db
from core.listviews.services import (
    HAS_VIEWS_FIGURE,
    SavedViewError,
    delete_view,
    has_views_column,
    save_view,
    valid_list_key,
    view_chips,
)
from core.security import authenticated

bp = Blueprint("core_listviews", __name__)
ERROR_KEY = "netsales_saved_view_error"


@dataclass
class SavedViews:
    """What the chips row of one list shows: the person's views, and the error of their last attempt to save."""

    list_key: str
    views: list[Any] = field(default_factory=list)  # rows of (id, name, query): services.view_chips
    error: str | None = None
    typed_name: str = ""


def saved_views(list_key: str) -> SavedViews:
    """The signed-in person's views of ``list_key`` (a template global: ``lists.saved_views`` calls it). Read only
    if they keep any view, as the statement that loaded them says (HAS_VIEWS_FIGURE); when it did not say (an API
    token, or this request saved or deleted one), read."""
    user = current_user._get_current_object()
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    kept = signed_in_figure(HAS_VIEWS_FIGURE, user_id) if user_id is not None else None
    none_kept = kept is not None and not kept
    state = SavedViews(list_key, [] if none_kept else view_chips(db.session, user, list_key))
    remembered = session.get(ERROR_KEY)
    if remembered and remembered.get("list_key") == list_key:
        session.pop(ERROR_KEY, None)
        state.error, state.typed_name = remembered.get("message"), remembered.get("name", "")
    return state


@bp.post("/list-views")
@authenticated
def save():  # type: ignore[no-untyped-def]
    list_key = request.form.get("list_key", "")
    back = safe_next(request.form.get("next"))
    if not valid_list_key(list_key):
        abort(400)
    try:
        view = save_view(db.session, current_user, list_key, request.form.get("name"), request.form.get("query"))
    except SavedViewError as exc:
        db.session.rollback()
        session[ERROR_KEY] = {"list_key": list_key, "message": exc.message,
                              "name": str(request.form.get("name") or "")[:200]}
        return redirect(back)
    db.session.commit()
    flash(_("View “%(name)s” saved.", name=view.name), "success")
    return redirect(back)


@bp.post("/list-views/<int:view_id>/delete")
@authenticated
def remove(view_id: int):  # type: ignore[no-untyped-def]
    view = delete_view(db.session, current_user, view_id)
    if view is None:
        abort(404)  # none, or someone else's: the same answer
    db.session.commit()
    flash(_("View “%(name)s” deleted.", name=view.name), "success")
    return redirect(safe_next(request.form.get("next")))


# Whether the person keeps any view comes with the signed-in user, in the statement that loads them (issue 18).
add_signed_in_figure(HAS_VIEWS_FIGURE, has_views_column)


@bp.record_once
def _template_global(state: Any) -> None:
    state.app.jinja_env.globals["netsales_saved_views"] = saved_views
