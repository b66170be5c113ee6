"""The save and delete buttons of saved views, and what lists.html needs to draw the chips.

Both answer with a redirect to the list (``next``, a path on this site). A view that cannot be saved comes back to
the list with the reason next to the name box and the name as typed (kept in the session for that one drawing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

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


def saved_views_markup(page: Any, list_key: str) -> Markup:
    """lists.html's ``saved_views``: the person's views of ``list_key`` as chips (the current one marked), each
    with its delete button, and "Save this view". Drawn in Python, as the rest of a list's toolbar (issue 18): the
    same HTML as the macro drew, byte for byte."""
    from flask_wtf.csrf import generate_csrf

    from core.i18n import gettext_noop, module_translations
    from core.web.icons import icon

    state = saved_views(list_key)
    words = page.words
    current = page.saved_query()
    here = escape(page.url())
    token = escape(generate_csrf())
    field_id = escape("saved-view-" + list_key.replace(".", "-"))
    # The macro's three {% set %} lines each left a line break.
    parts = [f'\n\n\n<div class="saved-views" role="region" aria-label="{words["Saved views"]}">\n  ']
    if state.views:
        # As the macro's _(): the merged catalogues (a core template's), the name escaped into the translation.
        translations = module_translations(None)
        confirm, label = (Markup(translations.ugettext(text)) for text in (
            gettext_noop("Delete the view “%(name)s”?"), gettext_noop("Delete the view “%(name)s”")))
        base = page.base_url()
        parts.append('\n  <ul class="chips">\n    ')
        for view in state.views:
            chosen = view.query == current
            marked = ' aria-current="true"' if chosen else ""
            href = escape(base) + (escape("?" + view.query) if view.query else "")
            parts.append(
                f'\n    <li class="chip{" is-current" if chosen else ""}">\n      <a href="{href}"'
                f'{marked}>{icon("bookmark")} {escape(view.name)}</a>\n'
                f'      <form method="post" action="{escape(url_for("core_listviews.remove", view_id=view.id))}" '
                f'class="chip-delete">\n        <input type="hidden" name="csrf_token" value="{token}">\n'
                f'        <input type="hidden" name="next" value="{here}">\n'
                f'        <button type="submit" class="chip-button" data-confirm="{confirm % {"name": view.name}}">'
                f'{icon("x", label=label % {"name": view.name})}</button>\n      </form>\n    </li>\n    ')
        parts.append("\n  </ul>\n  ")
    error = state.error
    invalid = f' aria-invalid="true" aria-describedby="{field_id}-error"' if error else ""
    parts.append(
        f'\n  <details class="save-view"{" open" if error else ""}>\n    <summary>{icon("bookmark-plus")} '
        f'{words["Save this view"]}</summary>\n    <form method="post" action="{escape(url_for("core_listviews.save"))}" '
        f'class="save-view-form" novalidate>\n      <input type="hidden" name="csrf_token" value="{token}">\n'
        f'      <input type="hidden" name="list_key" value="{escape(list_key)}">\n'
        f'      <input type="hidden" name="query" value="{escape(current)}">\n'
        f'      <input type="hidden" name="next" value="{here}">\n'
        f'      <div class="field{" has-error" if error else ""}">\n        <label for="{field_id}">'
        f'{words["Name of the view"]}<span class="required-mark" aria-hidden="true">*</span></label>\n'
        f'        <input type="text" id="{field_id}" name="name" maxlength="60" required aria-required="true" '
        f'value="{escape(state.typed_name)}"'
        f'{invalid}>\n        ')
    if error:
        parts.append(f'<p class="field-error" id="{field_id}-error">{icon("circle-alert")} {escape(error)}</p>')
    parts.append(f'\n      </div>\n      <button type="submit" class="button secondary">{words["Save view"]}</button>\n'
                 f'    </form>\n  </details>\n</div>')
    return Markup("".join(parts))


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
    state.app.jinja_env.globals["netsales_saved_views_markup"] = saved_views_markup
