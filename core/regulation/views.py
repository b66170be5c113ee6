"""/regulation: the company's copy of the regulation; /regulation/<clause>/edit for administrators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.regulation.forms import ClauseForm
from core.regulation.services import (
    ClauseError,
    display_text,
    display_title,
    ensure_seeded,
    get_clause,
    refresh_unedited,
    regulation_view,
    update_clause,
)
from core.security import authenticated, can, require

bp = Blueprint("core_regulation", __name__, url_prefix="/regulation")


@bp.get("")
@authenticated
def index():  # type: ignore[no-untyped-def]
    ensure_seeded(db.session)
    refresh_unedited(db.session)
    locale = str(get_locale())
    # The source is in Traditional characters: Chinese readers get Simplified, or the original on request.
    original = request.args.get("script") == "original"
    view = regulation_view(db.session, locale, current_user)
    chapters = [c for c in view.clauses if c.clause.depth == 0]
    return render_template("regulation/index.html", view=view, chapters=chapters, locale=locale,
                           may_edit=can(current_user, "core.regulation.edit"), original=original,
                           title_of=lambda clause: display_title(clause, locale, original),
                           text_of=lambda clause: display_text(clause, locale, original))


@bp.route("/<clause_id>/edit", methods=["GET", "POST"])
@require("core.regulation.edit")
def edit(clause_id: str):  # type: ignore[no-untyped-def]
    ensure_seeded(db.session)
    clause = get_clause(db.session, clause_id)
    if clause is None:
        abort(404)
    form = ClauseForm(obj=clause)
    if form.validate_on_submit():
        try:
            update_clause(clause, current_user, title_zh=form.title_zh.data or "", title_en=form.title_en.data or "",
                          text_zh=form.text_zh.data or "", text_en=form.text_en.data or "")
        except ClauseError as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
        else:
            db.session.commit()
            flash(_("Clause %(id)s saved.", id=clause.clause_id), "success")
            return redirect(url_for("core_regulation.index") + f"#{clause.clause_id}")
    return render_template("regulation/edit.html", clause=clause, form=form, locale=str(get_locale()))
