"""The account page of active sessions (issue 11 F2): where the user is signed in, with a button to end each
session and one to sign out everywhere. Routes on the ``core_auth`` blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from core.auth.devices import describe_user_agent
from core.auth.sessions import active_sessions, current_session_id, end_all_sessions, end_session
from core.auth.views import bp
from core.extensions import db
from core.security import authenticated
from core.timeutil import utcnow


@bp.get("/account/sessions")
@authenticated
def sessions():  # type: ignore[no-untyped-def]
    this = current_session_id()
    rows = [{"id": row.id, "device": describe_user_agent(row.user_agent), "address": row.address,
             "created_at": row.created_at, "last_seen_at": row.last_seen_at, "remember": row.remember,
             "this": row.id == this}
            for row in active_sessions(db.session, current_user.id, utcnow())]
    rows.sort(key=lambda row: not row["this"])  # this device first, then by last use
    return render_template("auth/sessions.html", sessions=rows)


@bp.post("/account/sessions/<int:session_id>/end")
@authenticated
def end(session_id: int):  # type: ignore[no-untyped-def]
    ended = end_session(db.session, current_user.id, session_id)
    db.session.commit()
    if ended and session_id == current_session_id():
        logout_user()
        flash(_("You have signed out."), "info")
        return redirect(url_for("core_auth.login"))
    if ended:
        flash(_("The session has been ended: that device is signed out."), "success")
    else:  # ended meanwhile, or not one of yours: the same answer
        flash(_("That session had already ended."), "info")
    return redirect(url_for("core_auth.sessions"))


@bp.post("/account/sessions/end-all")
@authenticated
def end_all():  # type: ignore[no-untyped-def]
    end_all_sessions(current_user._get_current_object(), db.session)
    db.session.commit()
    logout_user()
    flash(_("You have been signed out everywhere, on this device too. Sign in again to continue."), "info")
    return redirect(url_for("core_auth.login"))
