"""Calibration (R4.3.4): the manager sees a cycle's results side by side, the grade distribution, a warning when
more of the team is graded excellent than the forced distribution allows, and finalises. The page runs a fixed
number of statements whatever the headcount: the cycles (the one shown among them), one grouped count (the
distribution, and the number of rows of the page as it opens), one page of rows.

Its statements are built once per process, scope and sort, with the cycle, the reader and their scope as bound
parameters, and run on the session's connection as plain rows (issue 18: building the select, its count and their
cache keys, and the ORM's work per statement, cost more Python than the page's SQL)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, func, select

from core.extensions import db
from core.identity.models import User
from core.security import require, scope_for, scope_parameters, within_scope
from core.web.parameter_listing import ParameterListing, page_statements
from core.web.params import record_id
from plugins.appraisal.labels import grade_labels
from plugins.appraisal.models import GRADES, Appraisal
from plugins.appraisal.permissions import CALIBRATE
from plugins.appraisal.services import AppraisalError, StaleError
from plugins.appraisal.services import appraisals as flow
from plugins.appraisal.settings import setting
from plugins.appraisal.views.cells import calibration_rows
from plugins.appraisal.views.common import bp, cycle_and_choices, label_text, trusted_label
from plugins.appraisal.views.words import calibration_words

#: What a row of the results shows, read as plain values (the page only displays them): no Appraisal, User and
#: Cycle object built per row, nor their columns read (issue 18).
_ROW_COLUMNS = (Appraisal.id, Appraisal.state, Appraisal.version, Appraisal.result_score, Appraisal.self_score,
                Appraisal.superior_score, Appraisal.customer_score, Appraisal.final_score, Appraisal.grade,
                User.name.label("employee_name"))
_SORTS = {"name": User.name, "score": Appraisal.final_score}
_DEFAULT_SORT = "-score"


def _in_scope(stmt: Any, scope: str | None, postgresql: bool) -> Any:
    """``stmt`` limited to the cycle (``cycle_id``), without the reader's own appraisal (``reader_id``: nobody
    calibrates themselves) and within their calibration scope (core.security.scope_condition's parameters)."""
    stmt = stmt.where(Appraisal.cycle_id == bindparam("cycle_id"), Appraisal.employee_id != bindparam("reader_id"))
    return within_scope(stmt, scope, Appraisal.employee_id, postgresql)


@cache
def _rows_in_scope(scope: str | None, postgresql: bool) -> Any:
    """The results' rows with the person's name, built once per scope and database."""
    return _in_scope(select(*_ROW_COLUMNS).join(User, User.id == Appraisal.employee_id), scope, postgresql)


@cache
def _row_statements(scope: str | None, sort: str, postgresql: bool) -> tuple[Any, Any]:
    """The plain page's count and rows for a scope and sort, built once (core.web.parameter_listing); the count is
    not run (see CalibrationListing)."""
    return page_statements(_rows_in_scope(scope, postgresql), sort, sorts=_SORTS, default_sort=_DEFAULT_SORT)


@cache
def _grades_in_scope(scope: str | None, postgresql: bool) -> Any:
    """How many of the results carry each grade, no grade (NULL) included: the distribution, and in all the number
    of rows of the page as it opens (every appraisal has its employee: the rows' join to the users drops none)."""
    return _in_scope(select(Appraisal.grade, func.count()), scope, postgresql).group_by(Appraisal.grade)


class CalibrationListing(ParameterListing):
    """The results list: its page as it opens (any sort, page and size) runs the rows statement built once, and
    takes its number of rows from the grade counts (``total``) instead of a count of its own; a search builds its
    statements for the request (ListQuery), with the parameters bound."""

    def __init__(self, stmt: Any, *, total: int, **options: Any) -> None:
        super().__init__(stmt, **options)
        self.total = total

    def page_total(self, connection: Any, count: Any, parameters: Mapping[str, Any], key: Hashable) -> int:
        return self.total


def reader_parameters(cycle_id: int) -> tuple[str | None, bool, dict[str, Any]]:
    """The reader's calibration scope, whether the database is PostgreSQL, and the parameters of the statements
    built once: the cycle, the reader, their scope's."""
    scope = scope_for(current_user, CALIBRATE)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    return scope, postgresql, {"cycle_id": cycle_id, "reader_id": current_user.id,
                               **scope_parameters(current_user, scope)}


def grade_counts(reader: tuple[str | None, bool, dict[str, Any]]) -> dict[Any, int]:
    """How many of the cycle's appraisals the reader calibrates carry each grade (None: not graded yet);
    ``reader``: reader_parameters'."""
    scope, postgresql, parameters = reader
    return dict(db.session.connection().execute(_grades_in_scope(scope, postgresql), parameters).all())


def distribution(found: Mapping[Any, int]) -> dict[str, int]:
    """Grades of the cycle's appraisals the reader calibrates (provisional ones included), from grade_counts'."""
    return {grade: int(found.get(grade, 0)) for grade in GRADES}


def results_listing(reader: tuple[str | None, bool, dict[str, Any]], total: int) -> CalibrationListing:
    """The cycle's results the reader calibrates (``reader``: reader_parameters'), ``total`` of them (grade_counts'
    sum)."""
    scope, postgresql, parameters = reader
    return CalibrationListing(_rows_in_scope(scope, postgresql), total=total, parameters=parameters,
                              statements=lambda sort: _row_statements(scope, sort, postgresql),
                              sorts=_SORTS, default_sort=_DEFAULT_SORT, search=[User.name], per_page=50)


@bp.get("/calibration")
@require(CALIBRATE)
def calibration():  # type: ignore[no-untyped-def]
    db.session.flush()  # the statements below run on the connection: pending changes count, as with the ORM's
    cycle, cycles = cycle_and_choices(request.args.get("cycle"))
    if cycle is None:
        return render_template("appraisal/calibration.html", cycle=None, page=None, cycles=[], w=calibration_words())
    reader = reader_parameters(cycle.id)
    found = grade_counts(reader)
    page = results_listing(reader, sum(found.values())).page()
    counts = distribution(found)
    graded = sum(counts.values())
    share = Decimal(setting("excellent_max_share"))
    warning = bool(share > 0 and graded and Decimal(counts["excellent"]) * 100 / graded > share)
    names = grade_labels()
    chart = {"type": "bar", "data": {"labels": [label_text(names[g]) for g in GRADES],
                                     "datasets": [{"label": _("People"), "data": [counts[g] for g in GRADES]}]},
             "options": {"animation": False, "plugins": {"legend": {"display": False}},
                         "scales": {"y": {"beginAtZero": True, "ticks": {"precision": 0}}}}}
    # The grades' names as appraisal_labels.grade draws them, from the names read above (not read again per request).
    grade_names = {code: trusted_label(label) for code, label in names.items()}
    return render_template("appraisal/calibration.html", cycle=cycle, page=page, counts=counts, graded=graded,
                           warning=warning, share=share, chart=chart, cycles=cycles, grade_names=grade_names,
                           calibration_rows=calibration_rows, w=calibration_words())


@bp.post("/calibration/finalize")
@require(CALIBRATE)
def calibration_finalize():  # type: ignore[no-untyped-def]
    """Finalise the ticked appraisals at their provisional scores; each is checked again (scope, state, version)."""
    cycle_id = record_id(request.form.get("cycle"))
    done = stale = refused = 0
    for raw in request.form.getlist("ids"):
        ident = record_id(raw)
        appraisal = db.session.get(Appraisal, ident) if ident else None
        if appraisal is None or not flow.may_calibrate(current_user, appraisal):
            refused += 1
            continue
        try:
            flow.finalize(db.session, appraisal, current_user, record_id(request.form.get(f"version-{ident}")))
        except StaleError:
            db.session.rollback()
            stale += 1
            continue
        except AppraisalError:
            db.session.rollback()
            refused += 1
            continue
        db.session.commit()
        done += 1
    if done:
        flash(_("%(n)s results made final.", n=done), "success")
    if stale:
        flash(_("%(n)s had changed meanwhile and were left as they are; check them again.", n=stale), "warning")
    if refused:
        flash(_("%(n)s could not be finalised yet (no evaluation, or not yours to finalise).", n=refused), "warning")
    if not (done or stale or refused):
        flash(_("Tick the appraisals to finalise first."), "warning")
    return redirect(url_for("appraisal.calibration", cycle=cycle_id) if cycle_id else url_for("appraisal.calibration"))
