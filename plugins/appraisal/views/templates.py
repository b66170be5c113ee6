"""Appraisal templates per position (R4.1): the list, and the editor that saves the next version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.extensions import db
from core.identity.models import POSITIONS
from core.security import require
from core.web.params import record_id
from plugins.appraisal.forms import BLANK_ROWS, indicator_rows
from plugins.appraisal.models import Template
from plugins.appraisal.permissions import TEMPLATES
from plugins.appraisal.services.sources import available_kpis
from plugins.appraisal.services.templates import (
    IndicatorInput,
    TemplateError,
    current_template,
    rows_of,
    save_template,
)
from plugins.appraisal.views.common import bp


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
        rows, errors = indicator_rows(request.form)
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
