"""``api_endpoint``: how a JSON API view declares who may call it, what it takes and what it answers.

    @bp.post("/greetings")
    @api_endpoint("hello.greeting.create", summary=_l("Post a greeting"), status=201,
                  body={"type": "object", "properties": {"text": {"type": "string", "maxLength": 280}},
                        "required": ["text"], "additionalProperties": False},
                  response=GREETING_SCHEMA)
    def create(body):
        ...
        return serialize(greeting)

The decorator checks the caller (401 without a valid token or session, 403 without the permission), CSRF for
session callers, validates the query string and the JSON body (422 with field errors), and passes the valid
values to the view as ``query=`` and ``body=``. The view returns a JSON-able value (or ``(value, status)``);
``status`` is the default status. The same metadata builds the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from jsonschema import Draft202012Validator

from core.api.auth import token_in_use
from core.api.errors import ApiError, ValidationError
from core.api.validation import check_schema, coerce_query, storable, text_errors, validate
from core.extensions import csrf
from core.security import ACCESS_ATTRIBUTE, can

F = TypeVar("F", bound=Callable[..., Any])

API_ATTRIBUTE = "_netsales_api"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
#: Deeper JSON bodies are refused before validation (which, like parsing, recurses once a level).
MAX_JSON_DEPTH = 32

PAGE_PARAMETERS: dict[str, Any] = {
    "page": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1,
             "description": "Page number, from 1."},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE,
                 "description": f"Items per page, at most {MAX_PER_PAGE}."},
}


@dataclass(frozen=True)
class ApiOperation:
    """What an API view declared; read by the OpenAPI generator."""

    permission: str | None
    summary: Any
    description: Any = ""
    public: bool = False
    query: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None
    response: Mapping[str, Any] | None = None
    status: int = 200
    paginated: bool = False
    tags: tuple[str, ...] = ()
    #: field (``lines.*.category_id``) → the rule, beyond the schema, for which a valid request is still refused
    #: with 422 naming that field: a record that must exist, a date not in the future, a company setting.
    rules: tuple[tuple[str, Any], ...] = ()
    query_validator: Draft202012Validator | None = field(default=None, compare=False, repr=False)
    body_validator: Draft202012Validator | None = field(default=None, compare=False, repr=False)

    @property
    def query_schema(self) -> dict[str, Any] | None:
        """The declared query schema, with page and per_page added for paginated lists."""
        if not self.paginated:
            return dict(self.query) if self.query else None
        base = dict(self.query or {"type": "object"})
        base["properties"] = {**PAGE_PARAMETERS, **base.get("properties", {})}
        return base


def operation_of(view: Callable[..., Any]) -> ApiOperation | None:
    return getattr(view, API_ATTRIBUTE, None)


def api_endpoint(
    permission: str | None = None,
    *,
    summary: Any,
    description: Any = "",
    public: bool = False,
    query: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
    response: Mapping[str, Any] | None = None,
    status: int = 200,
    paginated: bool = False,
    tags: Sequence[str] = (),
    rules: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """Declare a JSON API view. ``permission`` None means any signed-in caller; ``public=True`` means anyone.

    ``query`` and ``body`` are JSON Schemas of an object (``query``'s properties are the query parameters);
    ``response`` is the schema of the answer (of one item, for ``paginated`` lists: see ``paginate``).
    ``rules`` names the fields that a request valid by the schemas may still get a 422 for, and why (what no
    JSON Schema can say: the record must exist, the date must not be in the future); they are in the document
    (``x-rules``), and the schemathesis test allows a valid request's 422 only on them."""
    if public and permission:
        raise ValueError("an API endpoint is either public or requires a permission, not both")
    query, body = storable(query), storable(body)
    for name, schema in (("query", query), ("body", body), ("response", response)):
        if schema is not None:
            check_schema(schema)
            if name == "query" and schema.get("type") != "object":
                raise ValueError("query must be the schema of an object whose properties are the parameters")
    operation = ApiOperation(permission=permission, summary=summary, description=description, public=public,
                             query=query, body=body, response=response, status=status, paginated=paginated,
                             tags=tuple(tags), rules=tuple((rules or {}).items()))
    query_schema = operation.query_schema
    object.__setattr__(operation, "query_validator", check_schema(query_schema) if query_schema else None)
    object.__setattr__(operation, "body_validator", check_schema(body) if body else None)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _check_caller(operation)
            if operation.query_validator is not None:
                kwargs_query = _valid_query(operation)
                if operation.query is not None:
                    kwargs["query"] = kwargs_query
            if operation.body_validator is not None:
                kwargs["body"] = _valid_body(operation)
            return _to_response(view(*args, **kwargs), operation.status)

        access = ("public", None) if public else ("permission", permission) if permission else ("authenticated", None)
        setattr(wrapper, ACCESS_ATTRIBUTE, access)
        setattr(wrapper, API_ATTRIBUTE, operation)
        # Token callers carry no cookie for a forged request to ride on; session callers are checked below.
        csrf.exempt(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def _check_caller(operation: ApiOperation) -> None:
    if operation.public:
        return
    if not current_user.is_authenticated:
        raise ApiError(401)
    if token_in_use() is None and request.method in current_app.config["WTF_CSRF_METHODS"] \
            and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a browser session calling the API needs the CSRF token like any form
    if operation.permission and not can(current_user, operation.permission):
        raise ApiError(403)


def _valid_query(operation: ApiOperation) -> dict[str, Any]:
    schema = operation.query_schema or {}
    values = coerce_query(schema, request.args)
    # A parameter the document does not list is refused, not ignored: a misspelt filter would silently list all.
    unknown = {name: [_("Unknown parameter.")] for name in request.args if name not in schema.get("properties", {})}
    errors = unknown or text_errors(values) or validate(operation.query_validator, values)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    if operation.paginated:
        g.netsales_page = (values.pop("page", 1), values.pop("per_page", DEFAULT_PER_PAGE))
    return values


def _valid_body(operation: ApiOperation) -> Any:
    raw = request.get_data(cache=True)
    if not request.is_json:
        if raw or request.content_length or request.form:
            raise ApiError(415)
        raise ApiError(400, _("The request needs a JSON body."))
    if not raw.strip():
        raise ApiError(400, _("The request needs a JSON body."))
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser recurses once a level: 1,000 levels exhaust the stack (issue 11 F6)
        data = None
        nested_too_deeply = True
    else:
        nested_too_deeply = data is not None and nesting_depth(data) > MAX_JSON_DEPTH
    if nested_too_deeply:
        raise ApiError(400, _("The JSON body is nested too deeply (at most %(n)d levels).", n=MAX_JSON_DEPTH))
    if data is None and raw.strip() != b"null":
        raise ApiError(400, _("The request body is not valid JSON."))
    errors = text_errors(data) or validate(operation.body_validator, data)  # type: ignore[arg-type]
    if errors:
        raise ValidationError(errors)
    return whole_floats_as_ints(data)


def whole_floats_as_ints(data: Any) -> Any:
    """JSON Schema calls 5.0 an integer: the views get it as 5, as they would for an id or a count written so."""
    if isinstance(data, float) and data.is_integer() and abs(data) <= 2**53:
        return int(data)
    if isinstance(data, dict):
        return {key: whole_floats_as_ints(value) for key, value in data.items()}
    if isinstance(data, list):
        return [whole_floats_as_ints(value) for value in data]
    return data


def nesting_depth(data: Any) -> int:
    """How many arrays and objects deep ``data`` goes (1 for ``[]``, 0 for a number), counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break  # deep enough to refuse: no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _to_response(result: Any, default_status: int) -> Any:
    if isinstance(result, current_app.response_class):
        return result
    status = default_status
    if isinstance(result, tuple):
        result, status = result
    response = jsonify(result)
    response.status_code = status
    return response
