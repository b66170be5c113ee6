"""One error format for every API answer that is not a success, 404/405/500 included:

    {"error": {"status": 422, "message": "...", "fields": {"field": ["msg"]}}}

``fields`` is present only when particular inputs are at fault.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from core.extensions import db

API_PREFIX = "/api/"


class ApiError(Exception):
    """Raise from an API view to answer with the error format: ``raise ApiError(409, _("Already done."))``."""

    def __init__(self, status: int, message: str | None = None,
                 fields: Mapping[str, Sequence[str]] | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = {key: [str(m) for m in messages] for key, messages in (fields or {}).items()}
        self.headers = dict(headers or {})


class ValidationError(ApiError):
    """422 with the message of each field at fault: ``raise ValidationError({"text": [_("Too long.")]})``."""

    def __init__(self, fields: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        super().__init__(422, message, fields)


def _default_message(status: int) -> str:
    messages = {
        400: lambda: _("The request could not be understood."),
        401: lambda: _("Authentication is required: send a valid API token as \"Authorization: Bearer <token>\"."),
        403: lambda: _("You do not have permission to do this."),
        404: lambda: _("There is no such resource, or it is not available to you."),
        405: lambda: _("This method is not allowed here."),
        409: lambda: _("The request conflicts with the current state of the resource."),
        413: lambda: _("The request is too large."),
        415: lambda: _("The request body must be JSON."),
        422: lambda: _("Some fields are not valid."),
        429: lambda: _("Too many requests. Please wait and try again."),
        503: lambda: _("The service is temporarily unavailable. Please try again shortly."),
    }
    if status in messages:
        return messages[status]()
    if status >= 500:
        return _("Something went wrong. The error has been logged.")
    return _("The request could not be completed.")


def error_response(status: int, message: str | None = None, fields: Mapping[str, Sequence[str]] | None = None,
                   headers: Mapping[str, str] | None = None) -> Response:
    """The API's error answer; the message defaults to a translated one for the status."""
    body: dict[str, Any] = {"status": status, "message": str(message) if message else _default_message(status)}
    if fields:
        body["fields"] = {key: [str(m) for m in messages] for key, messages in fields.items()}
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="NetSales"'
    response.headers.update(dict(headers or {}))
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _no_such_path(exc: HTTPException) -> bool:
    """A 405 that werkzeug gives for a path no rule takes: it compares methods before converting the path, so
    /customers/<a 21-digit id>/contacts "allows" the GET rule's methods although that rule refuses the id too."""
    if not isinstance(exc, MethodNotAllowed) or not exc.valid_methods:
        return False
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in exc.valid_methods:
        try:
            adapter.match(request.path, method=method)
        except (NotFound, MethodNotAllowed):
            continue
        except HTTPException:  # a redirect (strict slashes): the path exists
            return False
        return False
    return True


def _from_http_exception(exc: HTTPException) -> Response:
    if _no_such_path(exc):
        return error_response(404)
    status = exc.code or 500
    # A view's abort(404, description=...) keeps its own words; werkzeug's stock English texts do not.
    custom = exc.description if exc.description != type(exc).description else None
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type", "content-length")}
    return error_response(status, custom if status < 500 else None, headers=headers)


def _api_first(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Wrap an existing page-rendering handler: API paths get the error format, pages stay as they were."""

    def handle(exc: Any) -> Any:
        if is_api_request():
            if (getattr(exc, "code", None) or 500) >= 500:
                with contextlib.suppress(Exception):  # a failed transaction must not outlive its request
                    db.session.rollback()
            if isinstance(exc, HTTPException):
                return _from_http_exception(exc)
            return error_response(getattr(exc, "code", None) or 500)
        return handler(exc)

    handle.__wrapped__ = handler  # type: ignore[attr-defined]
    return handle


def install(app: Flask) -> None:
    """Answer in the error format under /api/: wraps the app's error handlers registered so far (the HTML error
    pages) and adds handlers for the statuses that have none."""
    for code, handlers in app.error_handler_spec.setdefault(None, {}).items():
        if code is None:
            continue
        for exc_class, handler in list(handlers.items()):
            handlers[exc_class] = _api_first(handler)
    earlier = app.error_handler_spec[None].get(None, {}).get(HTTPException)

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.fields, exc.headers)

    @app.errorhandler(DataError)
    def value_out_of_range(exc: DataError) -> Any:
        # A value the database refuses (a number out of range, text too long) is the caller's input, not a crash.
        with contextlib.suppress(Exception):
            db.session.rollback()
        if is_api_request():
            return error_response(400, _("A value in the request is out of range or too long."))
        raise exc

    @app.errorhandler(HTTPException)
    def other_http_errors(exc: HTTPException) -> Any:
        if is_api_request():
            return _from_http_exception(exc)
        return earlier(exc) if earlier else exc  # pages: as before
