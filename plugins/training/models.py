"""The training plugin's tables (all named training_*). Rules live in services/, not here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow

#: TrainingCourse kinds (R3.2.1 onboarding, R3.2.2 periodic, R3.2.3 personalised, product knowledge, compliance).
COURSE_KINDS = ("onboarding", "periodic", "personalised", "product", "compliance")
#: Where an assignment came from.
ASSIGNMENT_SOURCES = ("onboarding", "plan", "manual", "mandatory")
ENROLMENT_STATES = ("enrolled", "waiting", "cancelled")
#: Attendance taken by the trainer (R3.2.2).
ATTENDANCE = ("present", "late", "absent", "excused")
PLAN_STATES = ("draft", "active", "completed", "cancelled")
PLAN_ITEM_KINDS = ("course", "coaching", "goal")
QUESTION_KINDS = ("single", "multiple", "short")
ATTEMPT_STATES = ("open", "submitted", "graded")

HOURS = Numeric(6, 2)
SCORE = Numeric(5, 2)


class TrainingCourse(db.Model):
    """A course of the catalogue. Archived, never deleted, once anyone was assigned to it."""

    __tablename__ = "training_course"
    __label__ = _l("Course")  # its name on the audit page (core/audit/labels.py)
    __view_permission__ = "training.course.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    duration_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal("0"))
    #: An internal trainer is a person of the company; an external one is a name (a company or a coach).
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    trainer_name: Mapped[str | None] = mapped_column(String(200))
    #: Position codes (core POSITIONS) the course is mandatory for, comma-separated.
    mandatory_positions: Mapped[str] = mapped_column(String(200), default="")
    archived: Mapped[bool] = mapped_column(default=False, index=True)
    #: The practical assessment's rubric (R3.2.4): one criterion a line, "name: most points".
    rubric: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trainer = relationship("User", foreign_keys=[trainer_id])
    modules: Mapped[list[TrainingModule]] = relationship(back_populates="course", order_by="TrainingModule.position",
                                                 cascade="all, delete-orphan")

    @property
    def positions(self) -> list[str]:
        return [p for p in (self.mandatory_positions or "").split(",") if p]


class TrainingModule(db.Model):
    """A part of a course: a text page, a link, and files (core attachments on the module)."""

    __tablename__ = "training_module"
    __label__ = _l("Training module")  # its name on the audit page (core/audit/labels.py)
    __view_permission__ = "training.course.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    link_url: Mapped[str | None] = mapped_column(String(500))
    #: For onboarding: the module is due this many days after the hire date (R3.2.1).
    due_day: Mapped[int] = mapped_column(Integer, default=0)

    course: Mapped[TrainingCourse] = relationship(back_populates="modules")


class OnboardingProgramme(db.Model):
    """The onboarding programme of a position: which onboarding course a new hire of that position gets."""

    __tablename__ = "training_programme"
    __label__ = _l("Onboarding programme")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[str] = mapped_column(String(32), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)

    course = relationship("TrainingCourse")


class TrainingAssignment(db.Model):
    """A person has to take a course: onboarding, from a personal plan, or assigned by hand. One per person and
    course (the unique key is what keeps a second employee_hired from adding a second programme)."""

    __tablename__ = "training_assignment"
    __label__ = _l("Training assignment")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),
                      Index("ix_training_assignment_source_completed", "source", "completed_at"),
                      # The progress page's default order (newest start first) read from the index, page by page.
                      Index("ix_training_assignment_base_date", "base_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    #: The day due dates count from: the hire date for onboarding, the assignment day otherwise.
    base_date: Mapped[date]
    due_date: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    cancelled: Mapped[bool] = mapped_column(default=False)

    course = relationship("TrainingCourse", lazy="joined")
    user = relationship("User", foreign_keys=[user_id])
    steps: Mapped[list[TrainingStep]] = relationship(back_populates="assignment", order_by="TrainingStep.due_date",
                                             cascade="all, delete-orphan")


class TrainingStep(db.Model):
    """One module of an assignment: the new hire's checklist line (R3.2.1), with its due date."""

    __tablename__ = "training_step"
    __label__ = _l("Onboarding step")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("assignment_id", "module_id"),
                      Index("ix_training_step_open_due", "done_at", "due_date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("training_assignment.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id"), index=True)
    due_date: Mapped[date]
    done_at: Mapped[datetime | None]
    #: When the overdue reminder went out (once per step).
    reminded_at: Mapped[datetime | None]

    assignment: Mapped[TrainingAssignment] = relationship(back_populates="steps")
    module = relationship("TrainingModule", lazy="joined")


class TrainingSession(db.Model):
    """A dated session of a course (R3.2.2): place or online link, capacity, trainer, audience."""

    __tablename__ = "training_session"
    __label__ = _l("Training session")  # its name on the audit page (core/audit/labels.py)
    __view_permission__ = "training.course.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column(Integer)
    #: Seats taken, changed only by conditional UPDATEs (seats_taken < capacity): no overbooking under
    #: concurrent enrolment, on any database.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    trainer_name: Mapped[str | None] = mapped_column(String(200))
    #: Audience: position codes (comma-separated) and/or the team of a supervisor.
    audience_positions: Mapped[str] = mapped_column(String(200), default="")
    audience_team_of_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("TrainingCourse", lazy="joined")
    trainer = relationship("User", foreign_keys=[trainer_id], lazy="joined")

    @property
    def hours(self) -> Decimal:
        return (Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600).quantize(Decimal("0.01"))


class TrainingEnrolment(db.Model):
    """A person's place in a session, or on its waiting list; attendance once it took place."""

    __tablename__ = "training_enrolment"
    __label__ = _l("Enrolment")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),
                      Index("ix_training_enrolment_user_attendance", "user_id", "attendance"),
                      # Who attended a course's sessions (effectiveness: participants and the comparison group's
                      # exclusion) is read from the index alone, without visiting the enrolment rows.
                      Index("ix_training_enrolment_session_attendance_user", "session_id", "attendance", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    state: Mapped[str] = mapped_column(String(12), default="enrolled")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    attendance: Mapped[str | None] = mapped_column(String(12))
    #: Hours counted for the person (R3.2.2): the session's length when present or late, else 0.
    hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal("0"))
    #: The session's start, copied so that hours per person and year read one table.
    session_starts_at: Mapped[datetime]

    session = relationship("TrainingSession", lazy="joined")
    user = relationship("User", foreign_keys=[user_id])


def _plan_label(table: str, code: str | None) -> object:
    from plugins.training import labels

    return getattr(labels, table).get(code, code or "—")


class TrainingPlan(db.Model):
    """A personal training plan (R3.2.3, R4.4.3): built by a supervisor, or proposed as a draft when an appraisal
    result is poor, for the supervisor to confirm."""

    __tablename__ = "training_plan"
    __label__ = _l("Training plan")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    #: The appraisal it came from, as "<id>" (the appraisal plugin's own record; no foreign key across plugins).
    appraisal_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    reason: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    #: What the plan's timeline shows of its changes, in the reader's words (issue 12, core/audit/labels.py).
    __tracked__ = {
        "title": _l("Title"),
        "state": (_l("State"), lambda code: _plan_label("PLAN_STATE_LABELS", code)),
        "source": (_l("Origin"), lambda code: _plan_label("PLAN_SOURCE_LABELS", code)),
        "reason": _l("Why this plan"),
        "goals": _l("Goals"),
    }

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    items: Mapped[list[TrainingPlanItem]] = relationship(back_populates="plan", order_by="TrainingPlanItem.id",
                                                 cascade="all, delete-orphan")


class TrainingPlanItem(db.Model):
    __tablename__ = "training_plan_item"
    __label__ = _l("Training plan item")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("training_plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("training_course.id"))
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None]
    done_at: Mapped[datetime | None]

    plan: Mapped[TrainingPlan] = relationship(back_populates="items")
    course = relationship("TrainingCourse")


class IndicatorCourse(db.Model):
    """HR's mapping from an appraisal indicator (a KPI key) to the courses that train it (R3.2.3)."""

    __tablename__ = "training_indicator_course"
    __label__ = _l("Indicator course")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("indicator", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(100), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"))

    course = relationship("TrainingCourse", lazy="joined")


class BankQuestion(db.Model):
    """A question of a course's bank: single or multiple choice (graded automatically) or a short answer (graded
    by the trainer)."""

    __tablename__ = "training_question"
    __label__ = _l("Question bank entry")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    #: The choices' texts, in order, and the indexes of the right ones (choice questions only).
    options: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[int] = mapped_column(Integer, default=1)
    archived: Mapped[bool] = mapped_column(default=False)


class TrainingExam(db.Model):
    __tablename__ = "training_exam"
    __label__ = _l("Exam")  # its name on the audit page (core/audit/labels.py)
    __view_permission__ = "training.course.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    #: Percent of the points needed to pass.
    pass_mark: Mapped[Decimal] = mapped_column(SCORE, default=Decimal("60"))
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("TrainingCourse", lazy="joined")
    questions: Mapped[list[BankQuestion]] = relationship(secondary="training_exam_question", order_by="BankQuestion.id")


class TrainingExamQuestion(db.Model):
    __tablename__ = "training_exam_question"
    __label__ = _l("Exam question")  # its name on the audit page (core/audit/labels.py)

    exam_id: Mapped[int] = mapped_column(ForeignKey("training_exam.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("training_question.id"), primary_key=True)


class TrainingExtraAttempts(db.Model):
    """More attempts the trainer allowed one person (the default is the exam's max_attempts)."""

    __tablename__ = "training_extra_attempts"
    __label__ = _l("Extra attempts")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("exam_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("training_exam.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    extra: Mapped[int] = mapped_column(Integer, default=1)


class ExamAttempt(db.Model):
    """One sitting of an exam. (exam, person, number) is unique: two starts at once make one attempt."""

    __tablename__ = "training_attempt"
    __label__ = _l("Exam attempt")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"
    __table_args__ = (UniqueConstraint("exam_id", "user_id", "number"),
                      Index("ix_training_attempt_user_submitted", "user_id", "submitted_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("training_exam.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    number: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    #: Submitted after the time limit: the answers are kept, the attempt does not pass.
    late: Mapped[bool] = mapped_column(default=False)
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    passed: Mapped[bool | None]

    exam = relationship("TrainingExam", lazy="joined")
    user = relationship("User", foreign_keys=[user_id])
    answers: Mapped[list[ExamAnswer]] = relationship(back_populates="attempt", order_by="ExamAnswer.question_id",
                                                 cascade="all, delete-orphan")


class ExamAnswer(db.Model):
    __tablename__ = "training_answer"
    __label__ = _l("Exam answer")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempt.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("training_question.id"))
    choices: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text)
    #: None until graded (short answers wait for the trainer).
    points: Mapped[Decimal | None] = mapped_column(SCORE)

    attempt: Mapped[ExamAttempt] = relationship(back_populates="answers")
    question = relationship("BankQuestion", lazy="joined")


class TrainingCertificate(db.Model):
    """Issued when a person passes a course's exam; printed as PDF on demand."""

    __tablename__ = "training_certificate"
    __label__ = _l("Training certificate")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempt.id"))
    score: Mapped[Decimal] = mapped_column(SCORE)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("TrainingCourse", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class TrainingFeedback(db.Model):
    """A participant's feedback on a course (R3.2.4): a rating and comments, once per person and course."""

    __tablename__ = "training_feedback"
    __label__ = _l("Training feedback")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    rating: Mapped[int] = mapped_column(Integer)
    useful: Mapped[str | None] = mapped_column(Text)
    improve: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PracticalAssessment(db.Model):
    """A practical task scored by the trainer on the course's rubric (R3.2.4): the points of each criterion."""

    __tablename__ = "training_assessment"
    __label__ = _l("Practical assessment")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __view_permission__ = "training.record.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    #: [[criterion, points given, most points], ...] as scored (the rubric may change later).
    scores: Mapped[list] = mapped_column(JSON, default=list)
    #: Percent of the rubric's points.
    total: Mapped[Decimal] = mapped_column(SCORE)
    note: Mapped[str | None] = mapped_column(Text)
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("TrainingCourse", lazy="joined")
    user = relationship("User", foreign_keys=[user_id])
    assessor = relationship("User", foreign_keys=[assessor_id])
