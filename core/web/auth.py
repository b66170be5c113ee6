"""Signing in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core.extensions import db
from core.identity.models import User
from core.identity.passwords import verify_password
from core.security import authenticated, public

bp = Blueprint("core_auth", __name__)


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


def safe_next(target: str | None) -> str:
    """Only local paths: an attacker's link must not send a user elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("core.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.login == form.login.data.strip()))
        if user is not None and user.active and verify_password(user.password_hash, form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        # One message whether or not the account exists.
        flash(_("Wrong login or password."), "error")
    return render_template("core/login.html", form=form)


@bp.post("/logout")
@authenticated
def logout():  # type: ignore[no-untyped-def]
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core_auth.login"))
