"""Appraisal templates per position (R4.1): the list, and the editor that saves the next version."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import POSITIONS
from core.security import require
from core.web.params import record_id
from plugins.appraisal.models import Template
from plugins.appraisal.permissions import TEMPLATES
from plugins.appraisal.services.sources import available_kpis
from plugins.appraisal.services.templates import (
    MAX_INDICATORS,
    IndicatorInput,
    TemplateError,
    current_template,
    rows_of,
    save_template,
)
from plugins.appraisal.views.common import bp, decimal_from

BLANK_ROWS = 3


@bp.get("/templates")
@require(TEMPLATES)
def templates():  # type: ignore[no-untyped-def]
    rows = db.session.scalars(select(Template).order_by(Template.position, Template.version.desc())).all()
    kpis = available_kpis()
    return render_template("appraisal/templates.html", templates=rows, kpis=kpis)


@bp.get("/templates/<template_id>")
@require(TEMPLATES)
def template(template_id: str):  # type: ignore[no-untyped-def]
    ident = record_id(template_id)
    found = db.session.get(Template, ident) if ident else None
    if found is None:
        abort(404)
    return render_template("appraisal/template.html", template=found, kpis=available_kpis())


def _rows_from_form(form: Any) -> tuple[list[IndicatorInput], dict[tuple[int | None, str], str]]:
    """The indicator rows typed in (blank rows dropped); numbers that are not numbers are reported per field."""
    rows: list[IndicatorInput] = []
    errors: dict[tuple[int | None, str], str] = {}
    for i in range(MAX_INDICATORS + BLANK_ROWS):
        name = (form.get(f"rows-{i}-name") or "").strip()
        if not name and not (form.get(f"rows-{i}-weight") or "").strip():
            continue
        index = len(rows)
        numbers = {}
        for field in ("weight", "target", "cap"):
            value, ok = decimal_from(form.get(f"rows-{i}-{field}"))
            if not ok:
                errors[(index, field)] = _("Enter a number, such as 12.5.")
            numbers[field] = value
        rows.append(IndicatorInput(
            kind=form.get(f"rows-{i}-kind") or "", name=name[:120], weight=numbers["weight"],
            kpi_key=form.get(f"rows-{i}-kpi_key") or None, team_total=form.get(f"rows-{i}-team_total") == "1",
            target=numbers["target"],
            rule=form.get(f"rows-{i}-rule") or "linear", cap=numbers["cap"],
            bands=(form.get(f"rows-{i}-bands") or "")[:300], anchors=(form.get(f"rows-{i}-anchors") or "")[:4000]))
    return rows, errors


@bp.route("/templates/edit/<position>", methods=["GET", "POST"])
@require(TEMPLATES)
def edit_template(position: str):  # type: ignore[no-untyped-def]
    if position not in POSITIONS:
        abort(404)
    kpis = available_kpis()
    existing = current_template(db.session, position)
    errors: dict[tuple[int | None, str], str] = {}
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()[:120]
        rows, errors = _rows_from_form(request.form)
        if not errors:
            try:
                saved = save_template(db.session, current_user, position, name, rows, kpis,
                                      (request.form.get("note") or "").strip()[:2000] or None)
            except TemplateError as exc:
                db.session.rollback()
                errors = exc.errors
            else:
                db.session.commit()
                flash(_("Template saved as version %(v)s.", v=saved.version), "success")
                return redirect(url_for("appraisal.template", template_id=saved.id))
    else:
        name = existing.name if existing else ""
        rows = rows_of(existing) if existing else []
    shown = rows + [IndicatorInput(kind="behaviour" if rows else "result", name="", weight=None)
                    for _i in range(BLANK_ROWS)]
    return render_template("appraisal/template_form.html", position=position, name=name, rows=shown,
                           errors=errors, kpis=kpis, existing=existing,
                           note=request.form.get("note", "") if request.method == "POST" else ""), \
        422 if errors else 200
