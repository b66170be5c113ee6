"""The OpenAPI 3.1 document, built from the url map: every ``api_endpoint`` of the core and of the plugins that
are active now (a disabled plugin's endpoints disappear with its routes)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Rule

from core.api.endpoint import ApiOperation, operation_of
from core.api.pagination import page_schema

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}

_ERROR_TEXT = {
    "400": _l("The request is malformed."),
    "401": _l("No valid API token (or session) was sent."),
    "403": _l("The caller lacks the permission."),
    "404": _l("No such resource, or not in the caller's scope."),
    "405": _l("The method is not allowed on this path."),
    "413": _l("The body is too large."),
    "415": _l("The body is not JSON."),
    "409": _l("The request conflicts with the record's state (a duplicate, a state change or a concurrent edit)."),
    "422": _l("Some inputs are not valid; `fields` says which."),
}
_WRITE_METHODS = {"post", "put", "patch", "delete"}
_CONVERTER_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _path_parameter(rule: Rule, name: str) -> dict[str, Any]:
    converter = rule._converters[name]  # werkzeug keeps no public map of a rule's converters
    kind = type(converter).__name__
    schema: dict[str, Any] = {"type": "string"}
    if isinstance(converter, IntegerConverter):  # also the core's 64-bit bounded int
        schema = {"type": "integer"}
        minimum = converter.min if converter.min is not None else None if converter.signed else 0
        if minimum is not None:
            schema["minimum"] = minimum
        if converter.max is not None:
            schema["maximum"] = converter.max
    elif kind == "FloatConverter":
        schema = {"type": "number"}
    elif kind == "UUIDConverter":
        schema = {"type": "string", "format": "uuid"}
    elif kind == "UnicodeConverter":
        schema = {"type": "string", "minLength": max(1, getattr(converter, "minlength", 1))}
        if getattr(converter, "maxlength", None):
            schema["maxLength"] = converter.maxlength
        schema["pattern"] = "^[^/]+$"
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _error(code: str) -> dict[str, Any]:
    return {"description": str(_ERROR_TEXT[code]), "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _operation(rule: Rule, method: str, op: ApiOperation, owner: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}" if len(rule.methods - {"HEAD", "OPTIONS"}) > 1
        else rule.endpoint,
        "summary": str(op.summary),
        "tags": list(op.tags) or [owner or "core"],
    }
    if op.description:
        doc["description"] = str(op.description)
    if op.permission:
        doc["x-permission"] = op.permission
    parameters = [_path_parameter(rule, name) for name in sorted(rule.arguments)]
    query = op.query_schema
    if query:
        required = set(query.get("required", []))
        for name, schema in query.get("properties", {}).items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if schema.get("description"):
                parameter["description"] = schema["description"]
            parameters.append(parameter)
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": dict(op.body)}}}
    # A paginated endpoint declares the schema of one item; the page around it is added here (once: a response
    # already declared as a page is taken as it is).
    response_schema = page_schema(op.response) if op.paginated else (dict(op.response) if op.response else {})
    responses: dict[str, Any] = {
        str(op.status): {"description": _("Success."), "content": {"application/json": {"schema": response_schema}}},
    }
    # Any request may be malformed for the database even when it fits the schema (a number out of its range).
    responses["400"] = _error("400")
    # werkzeug answers 405 for a method the path does not take (schemathesis calls them).
    responses["405"] = _error("405")
    if op.body is not None:
        responses["413"] = _error("413")
        responses["415"] = _error("415")
    if not op.public:
        responses["401"] = _error("401")
    if op.permission:
        responses["403"] = _error("403")
    if rule.arguments:
        responses["404"] = _error("404")
    if op.body is not None or query or method.lower() in _WRITE_METHODS or op.rules:
        responses["422"] = _error("422")
    if op.rules:
        # What the schemas cannot say (a record that must exist, a date not in the future): named, so that a 422
        # for a request the schemas accept is never a surprise.
        doc["x-rules"] = {name: str(text) for name, text in op.rules}
        responses["422"]["description"] += " " + _("Beyond the schemas: %(rules)s", rules="; ".join(
            f"{name}: {text}" for name, text in op.rules))
    if method.lower() in _WRITE_METHODS:
        responses["409"] = _error("409")  # business rules refuse writes as conflicts (DESIGN: one error format)
    doc["responses"] = responses
    doc["security"] = [] if op.public else [{"bearer": []}]
    return doc


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document as a dict, in the current request's language."""
    from core import CORE_API

    engine = app.extensions["netsales"]
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = operation_of(app.view_functions[rule.endpoint])
        if op is None:
            continue
        owner = engine.blueprint_owner.get(rule.endpoint.split(".")[0])
        if owner is not None and not engine.is_active(owner):
            continue
        path = _CONVERTER_PARAM.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, op, owner)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "NetSales API",
            "version": CORE_API,
            "description": _("The JSON API of NetSales and its enabled modules. Authenticate with a personal API "
                             "token: `Authorization: Bearer <token>` (create one under /account/tokens). Every "
                             "error has one format: {\"error\": {\"status\", \"message\", \"fields\"}}."),
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": _("A personal API token (nsk_…).")}},
        },
    }
