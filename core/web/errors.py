"""Error pages that tell the user what happened, in their language."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from core.extensions import db

MESSAGES = {
    400: lambda: (_("Bad request"), _("The request could not be understood. Please check what you entered.")),
    403: lambda: (_("Not allowed"), _("You do not have permission to open this page.")),
    404: lambda: (_("Not found"), _("There is no such page, or it is not available to you.")),
    405: lambda: (_("Not allowed"), _("This action cannot be done this way.")),
    500: lambda: (_("Something went wrong"), _("The error has been logged. Please try again.")),
    503: lambda: (_("Temporarily unavailable"), _("The database cannot be reached. Please try again shortly.")),
}


def _render(code: int):  # type: ignore[no-untyped-def]
    title, text = MESSAGES[code]()
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": text}}, code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def register(app: Flask) -> None:
    for code in (400, 403, 404, 405, 500):
        app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(OperationalError)
    def database_unreachable(exc: OperationalError):  # type: ignore[no-untyped-def]
        app.logger.error("database error: %s", exc)
        db.session.rollback()
        return _render(503)
