"""/account/tokens: every signed-in user lists, creates and revokes their own API tokens (issue 3)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from core.api.models import ApiToken
from core.api.tokens import NAME_MAX, TokenError, create_token, own_token, revoke_token, user_tokens
from core.extensions import db
from core.security import authenticated
from core.timeutil import utcnow
from core.web.listing import ListQuery

bp = Blueprint("core_tokens", __name__, url_prefix="/account")

PER_PAGE = 20
EXPIRY_CHOICES = [("30", _l("In 30 days")), ("90", _l("In 90 days")), ("365", _l("In a year")),
                  ("never", _l("Never"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the token a name, so that you recognise it "
                                                               "later.")), Length(max=NAME_MAX)],
                       description=_l("What the token is for, e.g. \"Shop sync script\"."))
    expires = SelectField(_l("Expires"), choices=EXPIRY_CHOICES, default="90")


def _render(form: TokenForm, new_secret: str | None = None, status: int = 200) -> Any:
    listing = ListQuery(user_tokens(current_user.id),
                        sorts={"created": ApiToken.created_at, "name": ApiToken.name,
                               "last_used": ApiToken.last_used_at, "expires": ApiToken.expires_at},
                        default_sort="-created", search=[ApiToken.name], per_page=PER_PAGE)
    return render_template("api/tokens.html", form=form, page=listing.page(), new_secret=new_secret,
                           now=utcnow()), status


@bp.route("/tokens", methods=["GET", "POST"])
@authenticated
def tokens():  # type: ignore[no-untyped-def]
    form = TokenForm()
    if form.validate_on_submit():
        expires_at = None if form.expires.data == "never" else utcnow() + timedelta(days=int(form.expires.data))
        try:
            _token, secret = create_token(db.session, current_user.id, form.name.data, expires_at)
        except TokenError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [exc.message]
            return _render(form, status=422)
        db.session.commit()
        # Shown in this answer only: a redirect would have to carry the secret through the session cookie.
        return _render(TokenForm(formdata=None), new_secret=secret)
    return _render(form, status=422 if form.errors else 200)


@bp.post("/tokens/<int:token_id>/revoke")
@authenticated
def revoke(token_id: int):  # type: ignore[no-untyped-def]
    token = own_token(db.session, current_user.id, token_id)
    if token is None:
        abort(404)  # another person's token looks exactly like a missing one
    revoke_token(db.session, token)
    db.session.commit()
    flash(_("Token \"%(name)s\" revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("core_tokens.tokens"))
