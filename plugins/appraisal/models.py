"""The appraisal's tables (all named appraisal_*). Rules live in services/, not here.

A template is versioned: editing one writes a new version and leaves the old one, which closed appraisals keep
pointing at, untouched. An appraisal freezes what it was scored on (KPI values with their source and the moment they
were read, the target, the customer evaluation), so a later correction elsewhere never changes a closed result.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow

#: Cycle kinds of R4.2.
CYCLE_KINDS = ("monthly", "annual")
#: Indicator kinds of R4.1: results (bound to a KPI) and behaviour (rated 1-5 against anchored descriptions).
INDICATOR_KINDS = ("result", "behaviour")
#: Scoring rules of a result indicator: linear to the target with a cap, or bands of achievement.
RULES = ("linear", "bands")
#: The appraisal's states, in order (services/appraisals.py holds the transitions).
STATES = ("self_assessment", "superior_review", "calibration", "final", "appealed", "closed")
#: Grades, best first; their labels and score thresholds are settings (R4.3.4).
GRADES = ("excellent", "good", "pass", "improve", "fail")

SCORE = Numeric(6, 2)
PERCENT = Numeric(5, 2)
MONEY = Numeric(14, 2)


class Template(db.Model):
    """One version of the appraisal template of a position (R4.1). Only the newest version of a position is
    ``current``; appraisals keep the version they were opened with."""

    __tablename__ = "appraisal_template"
    __label__ = _l("Appraisal template")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("position", "version"),)
    __view_permission__ = "appraisal.template.manage"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(120))
    current: Mapped[bool] = mapped_column(default=True, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicators: Mapped[list[Indicator]] = relationship(back_populates="template", order_by="Indicator.position",
                                                       cascade="all, delete-orphan", lazy="selectin")


class Indicator(db.Model):
    """A line of a template: a result indicator bound to a KPI (R4.1.1) or a behaviour indicator (R4.1.2)."""

    __tablename__ = "appraisal_indicator"
    __label__ = _l("Appraisal indicator")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("appraisal_template.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    #: Percent of the whole template; a template's weights total 100.
    weight: Mapped[Decimal] = mapped_column(PERCENT)
    # Result indicators only.
    kpi_key: Mapped[str | None] = mapped_column(String(100))
    #: Measure the person's whole team (them and everyone below them), summed: a supervisor's team revenue.
    team_total: Mapped[bool] = mapped_column(default=False)
    #: The monthly target in the KPI's unit (annual cycles use twelve times it for amounts and counts).
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    rule: Mapped[str | None] = mapped_column(String(16))
    #: Linear rule: the highest score, in percent of the indicator (e.g. 120).
    cap: Mapped[Decimal | None] = mapped_column(PERCENT)
    #: Bands rule: "achievement%:score" pairs, e.g. "120:120, 100:100, 80:70, 0:0".
    bands: Mapped[str | None] = mapped_column(String(300))
    # Behaviour indicators only: what 1 to 5 mean, one description per line.
    anchors: Mapped[str | None] = mapped_column(Text)

    template: Mapped[Template] = relationship(back_populates="indicators")


class Cycle(db.Model):
    """A monthly or annual appraisal round (R4.2), opened once per period: the unique key makes a second opening,
    in this process or another, a no-op."""

    __tablename__ = "appraisal_cycle"
    __label__ = _l("Appraisal cycle")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("kind", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    #: [period_start, period_end) in the company time zone.
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_on: Mapped[date]
    #: The end of the due day in the company time zone, as naive UTC: finished before it is on time (R4.2).
    closes_at: Mapped[datetime]
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set once the KPIs and customer evaluations were read for every appraisal of the cycle.
    pulled_at: Mapped[datetime | None]


def _label(table: str, code: str | None) -> object:
    """A state's or grade's name for the timeline (plugins.appraisal.labels imports settings: read it when shown)."""
    from plugins.appraisal import labels

    names = labels.grade_labels() if table == "grade" else getattr(labels, table)
    return names.get(code, code or "—")


class Appraisal(db.Model):
    """One person's appraisal for one cycle. ``version`` guards every transition: of two people acting on the same
    appraisal at once, one wins and the other is told."""

    __tablename__ = "appraisal_appraisal"
    __label__ = _l("Appraisal")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "employee_id"
    __view_permission__ = "appraisal.appraisal.view"
    __table_args__ = (
        UniqueConstraint("cycle_id", "employee_id"),
        Index("ix_appraisal_appraisal_employee_period", "employee_id", "period_start"),
        Index("ix_appraisal_appraisal_cycle_state", "cycle_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("appraisal_cycle.id"))
    kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date]
    employee_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("appraisal_template.id"), index=True)
    #: The superior from the org chart when the cycle opened; None: HR appraises (R4.3.2).
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="self_assessment", index=True)
    due_on: Mapped[date]
    #: Share of the period the person was employed (joined mid-period, R4.2 setting); targets scale with it.
    prorata: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("1"))
    # Scores, 0-100 (result indicators may reach their cap above 100).
    result_score: Mapped[Decimal | None] = mapped_column(SCORE)
    self_score: Mapped[Decimal | None] = mapped_column(SCORE)
    superior_score: Mapped[Decimal | None] = mapped_column(SCORE)
    customer_score: Mapped[Decimal | None] = mapped_column(SCORE)
    customer_responses: Mapped[int] = mapped_column(Integer, default=0)
    customer_source: Mapped[str | None] = mapped_column(String(100))
    customer_read_at: Mapped[datetime | None]
    final_score: Mapped[Decimal | None] = mapped_column(SCORE)
    grade: Mapped[str | None] = mapped_column(String(16), index=True)
    #: Sources left out of the final score and why, e.g. "customer"; their weight went to the others.
    missing_sources: Mapped[str | None] = mapped_column(String(100))
    self_comment: Mapped[str | None] = mapped_column(Text)
    superior_comment: Mapped[str | None] = mapped_column(Text)
    calibration_note: Mapped[str | None] = mapped_column(Text)
    self_submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    finalized_at: Mapped[datetime | None]
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    acknowledged_at: Mapped[datetime | None]
    appeal_reason: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None]
    appeal_decision: Mapped[str | None] = mapped_column(Text)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    pulled_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    #: Who-and-when bookkeeping the audit entry itself carries (its user and time) and the appraisal's events narrate;
    #: the substance (state, scores, grade, comments, reasons) stays in the audit trail.
    __audit_exclude__ = ("self_submitted_at", "reviewed_at", "reviewed_by_id", "finalized_at", "finalized_by_id",
                         "acknowledged_at", "appealed_at", "appeal_decided_by_id", "pulled_at", "reminded_at",
                         "customer_read_at", "customer_source", "missing_sources", "version")

    #: What the appraisal's timeline shows of its changes, in the reader's words (issue 12, core/audit/labels.py).
    __tracked__ = {
        "state": (_l("State"), lambda code: _label("STATE_LABELS", code)),
        "reviewer_id": _l("Superior"),
        "due_on": _l("Due on"),
        "result_score": _l("Result indicators' score"),
        "self_score": _l("Self-assessment score"),
        "superior_score": _l("Superior's score"),
        "customer_score": _l("Customer evaluation score"),
        "final_score": _l("Final score"),
        "grade": (_l("Grade"), lambda code: _label("grade", code)),
        "self_comment": _l("Self-assessment comments"),
        "superior_comment": _l("Superior's comments"),
        "calibration_note": _l("Calibration note"),
        "appeal_reason": _l("Reason for the appeal"),
        "appeal_decision": _l("Decision on the appeal"),
    }

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    employee = relationship("User", foreign_keys=[employee_id], lazy="joined")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    template: Mapped[Template] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="appraisal", order_by="Score.indicator_id",
                                               lazy="selectin")


class Score(db.Model):
    """One indicator of one appraisal: the frozen KPI reading and target (result indicators), the 1-5 ratings of the
    self-assessment and of the superior (behaviour indicators)."""

    __tablename__ = "appraisal_score"
    __table_args__ = (UniqueConstraint("appraisal_id", "indicator_id"),)
    __audit__ = False  # written in bulk by the cycle and the KPI pull; the appraisal's own changes are audited

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal_appraisal.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("appraisal_indicator.id"), index=True)
    kpi_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    #: The KPI's key as registered (which plugin answered), None when it could not be read.
    kpi_source: Mapped[str | None] = mapped_column(String(100))
    kpi_read_at: Mapped[datetime | None]
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: 0-cap, from the scoring rule; None while unread or unavailable.
    result_score: Mapped[Decimal | None] = mapped_column(SCORE)
    self_rating: Mapped[int | None] = mapped_column(Integer)
    superior_rating: Mapped[int | None] = mapped_column(Integer)

    appraisal: Mapped[Appraisal] = relationship(back_populates="scores")
    indicator: Mapped[Indicator] = relationship(lazy="joined")


class Event(db.Model):
    """What happened to an appraisal, for its timeline: submissions, re-pulls and reopenings with their reason."""

    __tablename__ = "appraisal_event"
    __audit__ = False  # it is itself the record

    id: Mapped[int] = mapped_column(primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal_appraisal.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PersonRecord(db.Model):
    """A recognition or a warning recorded on a person from their results (R10, R4.4.2)."""

    __tablename__ = "appraisal_person_record"
    __label__ = _l("Personnel record")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "user_id"
    __table_args__ = (UniqueConstraint("appraisal_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    appraisal_id: Mapped[int] = mapped_column(ForeignKey("appraisal_appraisal.id"))
    kind: Mapped[str] = mapped_column(String(16))  # recognition, warning
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def light() -> tuple:
    """Loader options for lists of appraisals: no indicator rows, and the employee without their roles and grants
    (a list shows names; loading roles would make its statement count depend on who is on the page)."""
    from sqlalchemy.orm import defaultload, lazyload

    from core.identity.models import User

    return (lazyload(Appraisal.scores), defaultload(Appraisal.employee).lazyload(User.roles))
