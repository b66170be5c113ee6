"""The team blueprint and what its page modules share: labels for templates, choices of departments, the page
number, the static files (people are chosen by searching: core.web.lookup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, request, send_from_directory
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import Department
from core.security import can, public
from core.web.params import whole_number
from plugins.team.labels import ALL

PLUGIN_DIR = Path(__file__).resolve().parent.parent
bp = Blueprint("team", __name__, url_prefix="/team", template_folder=str(PLUGIN_DIR / "templates"))

class TextLabels:
    """``team_labels.severity["high"]``: each group translated once per render, as plain text."""

    def __getattr__(self, group: str) -> dict[Any, str]:
        if group not in ALL:
            raise AttributeError(group)
        texts = {code: str(label) for code, label in ALL[group].items()}
        setattr(self, group, texts)
        return texts


@bp.app_context_processor
def team_template_helpers() -> dict[str, Any]:
    return {"team_labels": TextLabels()}


@bp.get("/assets/<path:filename>")
@public
def asset(filename: str):  # type: ignore[no-untyped-def]
    """The plugin's static files (scripts and styles: no inline ones under the CSP)."""
    return send_from_directory(PLUGIN_DIR / "static" / "team", filename, max_age=3600)


def may(permission: str, obj: Any = None) -> bool:
    return can(current_user, permission, obj)


def page_number() -> int:
    return whole_number(request.args.get("page"), minimum=1, maximum=100000) or 1


def department_choices(empty: Any = None) -> list[tuple[Any, str]]:
    rows = [(d, name) for d, name in db.session.execute(select(Department.id, Department.name).order_by(Department.name))]
    return ([("", empty)] if empty is not None else []) + rows


def or_404(obj: Any) -> Any:
    if obj is None:
        abort(404)
    return obj
