"""Signing in and out, and changing one's own password (issue 3 §4); the active sessions (issue 11 F2, in
core/auth/account_sessions.py).

Blueprint ``core_auth``: ``login``, ``logout``, ``change_password``, ``sessions``. Every form carries a CSRF token
(Flask-WTF).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.sansio.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from sqlalchemy import select

from core.auth.forms import LoginForm, PasswordChangeForm
from core.auth.redirects import safe_next
from core.auth.sessions import current_session_id, end_session, sign_in, touch_after_request
from core.auth.throttle import Lockout, clear_failures, client_address, lockout_for, record_failure
from core.extensions import db
from core.identity.models import User
from core.identity.passwords import hash_password, verify_password
from core.identity.session import orm_user
from core.identity.users import set_password
from core.security import authenticated, public

bp = Blueprint("core_auth", __name__)

_dummy_hash: list[str] = []


@bp.record_once
def _harden_cookies(state: BlueprintSetupState) -> None:
    """Cookies a script cannot read, not sent on cross-site requests, and only over HTTPS in production."""
    config = state.app.config
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    for name in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if config.get(name) not in ("Lax", "Strict"):
            config[name] = "Lax"
    if config.get("PRODUCTION"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True


@bp.record_once
def _note_session_use(state: BlueprintSetupState) -> None:
    # Registered after Flask-SQLAlchemy's teardown, so it runs first: core/auth/sessions.py touch_after_request.
    state.app.teardown_appcontext(touch_after_request)


def lockout_message(lockout: Lockout) -> str:
    return ngettext("Too many attempts. Try again in %(num)d minute.",
                    "Too many attempts. Try again in %(num)d minutes.", lockout.minutes)


def authenticate(login: str, password: str) -> User | None:
    """The active user with this login and password, else None. Unknown logins cost a hash check too, so the
    response time does not reveal which accounts exist."""
    user = db.session.scalar(select(User).where(User.login == login))
    if user is None or not user.password_hash:
        if not _dummy_hash:
            _dummy_hash.append(hash_password("not-a-real-password"))
        verify_password(_dummy_hash[0], password)
        return None
    if verify_password(user.password_hash, password) and user.active:
        return user
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():  # type: ignore[no-untyped-def]
    target = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(safe_next(target))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        login_name = form.login.data.strip()
        address = client_address()
        lockout = lockout_for(db.session, login_name, address)
        if lockout is None:
            user = authenticate(login_name, form.password.data)
            if user is not None:
                clear_failures(db.session, login_name)
                sign_in(user, remember=bool(form.remember.data))  # a new server-side session; commits
                return redirect(safe_next(target))
            record_failure(db.session, login_name, address)
            db.session.commit()
            lockout = lockout_for(db.session, login_name, address)
        # The same answers whether or not the account exists.
        if lockout is None:
            flash(_("Wrong login or password."), "error")
        else:
            flash(lockout_message(lockout), "error")
            status = 429
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@authenticated
def logout():  # type: ignore[no-untyped-def]
    session_id = current_session_id()
    if session_id is not None:  # ends every copy of this browser's cookies, not only the ones it holds
        end_session(db.session, current_user.id, session_id)
        db.session.commit()
    logout_user()  # also clears the remember-me cookie
    flash(_("You have signed out."), "info")
    return redirect(url_for("core_auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
def change_password():  # type: ignore[no-untyped-def]
    user: Any = orm_user(current_user)  # it is written to (set_password)
    form = PasswordChangeForm(login=user.login)
    status = 200
    if form.validate_on_submit():
        address = client_address()
        lockout = lockout_for(db.session, user.login, address)
        if lockout is not None:
            form.current_password.errors.append(lockout_message(lockout))
            status = 429
        elif not verify_password(user.password_hash, form.current_password.data):
            # Guessing the current password from an unattended session counts like failed sign-ins.
            record_failure(db.session, user.login, address)
            db.session.commit()
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            had_remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            set_password(user, form.new_password.data)  # ends every session, this one too
            clear_failures(db.session, user.login)
            sign_in(user, remember=had_remember_cookie)  # this browser continues in a new session; commits
            flash(_("Your password has been changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("core.dashboard"))
    return render_template("auth/password.html", form=form), status


from core.auth import account_sessions  # noqa: E402,F401  (its routes are on this blueprint)
