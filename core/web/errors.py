"""Error pages that tell the user what happened, in their language.

JSON under /api/ (one error format), HTML elsewhere. When the database is unreachable the page is drawn without
anything that needs it (no signed-in user, no menu), so the user sees a clear 503 instead of a second failure.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import OperationalError

from core.extensions import db
from core.pdf_worker import PdfWorkerError

MESSAGES = {
    400: lambda: (_("Bad request"), _("The request could not be understood. Please check what you entered.")),
    403: lambda: (_("Not allowed"), _("You do not have permission to open this page.")),
    404: lambda: (_("Not found"), _("There is no such page, or it is not available to you.")),
    405: lambda: (_("Not allowed"), _("This action cannot be done this way.")),
    413: lambda: (_("Too large"), _("What you sent is larger than allowed.")),
    429: lambda: (_("Too many requests"), _("Please wait a moment and try again.")),
    500: lambda: (_("Something went wrong"), _("The error has been logged. Please try again.")),
    503: lambda: (_("Temporarily unavailable"), _("The database cannot be reached. Please try again shortly.")),
}
HANDLED = (400, 403, 404, 405, 413, 429)


def _render(code: int, bare: bool = False, text: str | None = None) -> Any:
    title, default_text = MESSAGES[code]()
    text = text or default_text
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": text}}, code
    try:
        return render_template("errors/error.html", code=code, title=title, text=text, bare=bare), code
    except Exception:  # noqa: BLE001 - the full layout failed (a broken session or plugin): draw the bare one
        db.session.rollback()
        return render_template("errors/error.html", code=code, title=title, text=text, bare=True), code


def _forget_user() -> None:
    """Treat the request as anonymous: loading (or refreshing) the signed-in user would query the database."""
    g._login_user = AnonymousUserMixin()


def register(app: Flask) -> None:
    for code in HANDLED:
        app.register_error_handler(code, lambda exc, code=code: _render(code))

    @app.errorhandler(OperationalError)
    def database_unreachable(exc: OperationalError) -> Any:
        app.logger.error("database error: %s", exc)
        with contextlib.suppress(Exception):  # the connection is gone; nothing left to roll back
            db.session.rollback()
        _forget_user()
        body, code = _render(503, bare=True)
        return body, code, {"Retry-After": "30"}

    @app.errorhandler(PdfWorkerError)
    def pdf_not_printed(exc: PdfWorkerError) -> Any:
        # The PDF process died or ran out of time (core.pdf_worker): nothing was changed, so say so and let the user
        # ask again; the next print starts a fresh process.
        app.logger.error("PDF not printed: %s", exc)
        with contextlib.suppress(Exception):
            db.session.rollback()
        body, code = _render(503, text=_("The PDF could not be printed just now. Please try again in a moment."))
        return body, code, {"Retry-After": "10"}

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        try:
            db.session.rollback()  # a failed transaction must not break the page that reports it
        except Exception:  # noqa: BLE001
            _forget_user()
        return _render(500)
