"""The core's own API endpoints: who am I, which modules are enabled, and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.api.endpoint import api_endpoint
from core.api.openapi import build_document
from core.security import granted_scopes, is_admin

bp = Blueprint("core_api", __name__, url_prefix="/api/v1")

ME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "login", "name", "roles", "permissions", "is_admin"],
    "properties": {
        "id": {"type": "integer"},
        "login": {"type": "string"},
        "name": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
        "locale": {"type": ["string", "null"]},
        "position": {"type": "string"},
        "department_id": {"type": ["integer", "null"]},
        "superior_id": {"type": ["integer", "null"]},
        "roles": {"type": "array", "items": {"type": "string"}},
        "is_admin": {"type": "boolean"},
        "permissions": {"type": "object", "additionalProperties": {"enum": ["own", "team", "all"]},
                        "description": "Granted permission codes and their scope (administrators hold all)."},
    },
}

PLUGIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "title", "version", "clauses"],
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "version": {"type": "string"},
        "depends": {"type": "array", "items": {"type": "string"}},
        "clauses": {"type": "array", "items": {"type": "string"}},
    },
}


@bp.get("/me")
@api_endpoint(summary=_l("The calling user"), tags=["core"], response=ME_SCHEMA)
def me() -> dict[str, Any]:
    user = current_user
    return {
        "id": user.id, "login": user.login, "name": user.name, "email": user.email, "phone": user.phone,
        "locale": user.locale, "position": user.position, "department_id": user.department_id,
        "superior_id": user.superior_id, "roles": sorted(role.code for role in user.roles),
        "is_admin": is_admin(user), "permissions": dict(sorted(granted_scopes(user).items())),
    }


@bp.get("/plugins")
@api_endpoint(summary=_l("The enabled modules"), tags=["core"],
              response={"type": "object", "required": ["items"],
                        "properties": {"items": {"type": "array", "items": PLUGIN_SCHEMA}}})
def plugins() -> dict[str, Any]:
    engine = current_app.extensions["netsales"]
    locale = str(get_locale())
    items = []
    for name in engine.active_names():
        manifest = engine.plugins[name].manifest
        items.append({"name": name, "title": manifest.title_for(locale), "summary": manifest.summary_for(locale),
                      "version": manifest.version, "depends": list(manifest.depends),
                      "clauses": list(manifest.clauses)})
    return {"items": items}


@bp.get("/openapi.json")
@api_endpoint(public=True, summary=_l("This OpenAPI document"), tags=["core"],
              response={"type": "object", "required": ["openapi", "paths"]})
def openapi() -> Any:
    return jsonify(build_document(current_app))
