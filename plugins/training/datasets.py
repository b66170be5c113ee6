"""Data sets that analytics charts and exports: attendance and exam results, limited to the reader's scope."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from core.contracts import DatasetColumn, DatasetDef
from core.identity.models import Department, User
from core.security import scoped
from plugins.training.labels import ATTENDANCE_LABELS, KIND_LABELS
from plugins.training.models import (
    ExamAttempt,
    TrainingCourse,
    TrainingEnrolment,
    TrainingExam,
    TrainingSession,
)
from plugins.training.permissions import RECORD_VIEW


def attendance_query(user: Any) -> Any:
    stmt = (select(TrainingSession.starts_at.label("date"), TrainingCourse.title.label("course"),
                   TrainingCourse.kind, User.name.label("person"), Department.name.label("team"),
                   TrainingEnrolment.attendance, TrainingEnrolment.hours)
            .select_from(TrainingEnrolment)
            .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
            .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
            .join(User, User.id == TrainingEnrolment.user_id)
            .outerjoin(Department, Department.id == User.department_id)
            .where(TrainingEnrolment.state == "enrolled"))
    return scoped(stmt, TrainingEnrolment, RECORD_VIEW, user)


def exam_results_query(user: Any) -> Any:
    stmt = (select(ExamAttempt.submitted_at.label("date"), TrainingExam.title.label("exam"),
                   TrainingCourse.title.label("course"), User.name.label("person"), Department.name.label("team"),
                   ExamAttempt.score, case((ExamAttempt.passed.is_(True), "passed"), else_="failed").label("result"))
            .select_from(ExamAttempt)
            .join(TrainingExam, TrainingExam.id == ExamAttempt.exam_id)
            .join(TrainingCourse, TrainingCourse.id == TrainingExam.course_id)
            .join(User, User.id == ExamAttempt.user_id)
            .outerjoin(Department, Department.id == User.department_id)
            .where(ExamAttempt.state == "graded"))
    return scoped(stmt, ExamAttempt, RECORD_VIEW, user)


RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Not passed")}


def definitions() -> list[DatasetDef]:
    return [
        DatasetDef("training.attendance", _l("Training attendance"), (
            DatasetColumn("date", _l("Date"), "datetime"), DatasetColumn("course", _l("Course")),
            DatasetColumn("kind", _l("Kind of course"), value_labels=KIND_LABELS),
            DatasetColumn("person", _l("Person")), DatasetColumn("team", _l("Department")),
            DatasetColumn("attendance", _l("Attendance"), value_labels=ATTENDANCE_LABELS),
            DatasetColumn("hours", _l("Hours"), "decimal"),
        ), RECORD_VIEW, attendance_query, date_column="date"),
        DatasetDef("training.exam_results", _l("Exam results"), (
            DatasetColumn("date", _l("Date"), "datetime"), DatasetColumn("exam", _l("Exam")),
            DatasetColumn("course", _l("Course")), DatasetColumn("person", _l("Person")),
            DatasetColumn("team", _l("Department")), DatasetColumn("score", _l("Score (%)"), "decimal"),
            DatasetColumn("result", _l("Result"), value_labels=RESULT_LABELS),
        ), RECORD_VIEW, exam_results_query, date_column="date"),
    ]
