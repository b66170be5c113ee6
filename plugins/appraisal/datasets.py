"""Appraisal results for analytics (R4.3.4): one row per appraisal with a result, by person, team and period,
limited to the appraisals the reader may see."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import Department, User
from core.identity.positions import POSITION_LABELS
from core.security import scoped
from plugins.appraisal.labels import CYCLE_KIND_LABELS, grade_labels
from plugins.appraisal.models import Appraisal
from plugins.appraisal.permissions import VIEW
from plugins.appraisal.services.results import RESULT_STATES


def _labelled(column: Any, labels: dict[str, Any], name: str) -> Any:
    """The column's codes as the reader's labels, in SQL (analytics shows no codes)."""
    return case({code: str(label) for code, label in labels.items()}, value=column, else_=column).label(name)


def results_query(user: Any) -> Any:
    person, superior = aliased(User), aliased(User)
    stmt = (select(Appraisal.period_start.label("period"), _labelled(Appraisal.kind, CYCLE_KIND_LABELS, "kind"),
                   person.name.label("person"), _labelled(person.position, POSITION_LABELS, "position"),
                   superior.name.label("team"), Department.name.label("department"),
                   Appraisal.result_score, Appraisal.self_score, Appraisal.superior_score, Appraisal.customer_score,
                   Appraisal.final_score, _labelled(Appraisal.grade, grade_labels(), "grade"))
            .join(person, person.id == Appraisal.employee_id)
            .outerjoin(superior, superior.id == person.superior_id)
            .outerjoin(Department, Department.id == person.department_id)
            .where(Appraisal.state.in_(RESULT_STATES)))
    return scoped(stmt, Appraisal, VIEW, user)


def definitions() -> list[DatasetDef]:
    return [DatasetDef("appraisal.results", _l("Appraisal results"), (
        DatasetColumn("period", _l("Period"), "date"),
        DatasetColumn("kind", _l("Cycle")),
        DatasetColumn("person", _l("Person")),
        DatasetColumn("position", _l("Position")),
        DatasetColumn("team", _l("Superior")),
        DatasetColumn("department", _l("Department")),
        DatasetColumn("result_score", _l("Results score"), "decimal"),
        DatasetColumn("self_score", _l("Self-assessment"), "decimal"),
        DatasetColumn("superior_score", _l("Superior's evaluation"), "decimal"),
        DatasetColumn("customer_score", _l("Customer evaluation"), "decimal"),
        DatasetColumn("final_score", _l("Final score"), "decimal"),
        DatasetColumn("grade", _l("Grade")),
    ), VIEW, results_query)]
