"""The greetings pages: read them (within one's scope), post one, open one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from core.extensions import db
from core.security import can, get_scoped_or_404, require
from netsales_hello.models import Greeting
from netsales_hello.services import MAX_LENGTH, VIEW, post_greeting, visible_greetings

bp = Blueprint("hello", __name__, url_prefix="/hello", template_folder="templates")


class GreetingForm(FlaskForm):
    text = TextAreaField(_l("Greeting"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


@bp.route("/", methods=["GET", "POST"])
@require("hello.greeting.view")
def index():  # type: ignore[no-untyped-def]
    form = GreetingForm()
    if form.validate_on_submit():
        if not can(current_user, "hello.greeting.create"):
            flash(_("You may read greetings but not post them."), "error")
        else:
            post_greeting(db.session, current_user.id, form.text.data)
            db.session.commit()
            flash(_("Greeting posted."), "success")
            return redirect(url_for("hello.index"))
    greetings = visible_greetings(db.session, current_user)
    return render_template("hello/index.html", form=form, greetings=greetings)


@bp.get("/<int:greeting_id>")
@require(VIEW)
def detail(greeting_id: int):  # type: ignore[no-untyped-def]
    # Another person's greeting outside the reader's scope answers 404, as if it did not exist (IDOR).
    greeting = get_scoped_or_404(Greeting, greeting_id, VIEW)
    return render_template("hello/detail.html", greeting=greeting)
