"""Text no database stores, refused at the door: a NUL character in a form field or a query parameter.

No one types NUL into a browser; a crafted post carries it, and PostgreSQL then refuses the INSERT ("text fields
cannot contain NUL"), which answered 500 wherever a form's text reached the database unchecked (issue 11, found by
tests/hostile). One check for every page, rather than one per field; the JSON API refuses it per field
(core.api.validation.text_errors)."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _


def _carries_nul() -> bool:
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        sources.append(request.form)
    elif b"%00" not in request.query_string and b"\x00" not in request.query_string:
        return False  # a NUL in the arguments is written one of these two ways: no need to parse them (issue 18)
    return any("\x00" in key or "\x00" in value for source in sources for key, value in source.items(multi=True))


def install(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters() -> None:
        if request.path.startswith(("/static/", "/api/")):
            return  # the API names the field at fault (422) instead
        if _carries_nul():
            abort(400, description=_("Contains characters that are not allowed."))  # as the API says it
