"""The recruitment tables (all named recruitment_*). Rules live in services/, not here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.identity.positions import POSITION_LABELS
from core.timeutil import utcnow
from plugins.recruitment import labels

MONEY = Numeric(14, 2)

REQUISITION_STATES = ("draft", "pending", "approved", "rejected", "filled", "cancelled")
REASONS = ("growth", "replacement", "other")
REQUIREMENT_KINDS = ("education", "experience", "skill", "language", "other")
CHANNELS = ("careers", "job_site", "social", "campus", "referral", "agency", "manual", "other")
#: The stages of R3.1.3 and R3.1.4, in order; an application starts at screening.
STAGES = ("screening", "test", "interview", "background", "offer", "hired")
APPLICATION_STATUSES = ("active", "rejected", "withdrawn", "hired")
CHECK_KINDS = ("education", "work", "credit", "other")
CHECK_RESULTS = ("pending", "verified", "discrepancy", "not_verifiable", "waived")
OFFER_STATES = ("draft", "sent", "accepted", "declined", "withdrawn")


class Requisition(db.Model):
    """A hiring plan (R3.1.1): what position, how many, why, for how much, by when, to what standards."""

    __tablename__ = "recruitment_requisition"
    __label__ = _l("Hiring plan")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "requested_by_id"
    __view_permission__ = "recruitment.requisition.view"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"), index=True)
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    filled: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(16), default="growth")
    salary_min: Mapped[Decimal | None] = mapped_column(MONEY)
    salary_max: Mapped[Decimal | None] = mapped_column(MONEY)
    required_by: Mapped[date | None]
    description: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    #: The next approval's number (unique per requisition, across resubmissions) and its place in the chain.
    approval_step: Mapped[int] = mapped_column(Integer, default=0)
    chain_index: Mapped[int] = mapped_column(Integer, default=0)
    #: The chain as it was when submitted (comma-separated step codes): a settings change does not move it.
    approval_chain: Mapped[str] = mapped_column(String(200), default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    filled_at: Mapped[datetime | None]
    #: Optimistic lock: two approvers deciding at once end with one decision and one refusal.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    #: What the plan's history shows, in the reader's words (issue 12, core/audit/labels.py); the approval chain's
    #: bookkeeping (step numbers, chain) and the time stamps are left out.
    __tracked__ = {
        "title": _l("Title"),
        "position": (_l("Position"), POSITION_LABELS),
        "department_id": _l("Department"),
        "headcount": _l("Headcount"),
        "reason": (_l("Reason"), labels.REASON_LABELS),
        "salary_min": _l("Salary from"),
        "salary_max": _l("Salary up to"),
        "required_by": _l("Needed by"),
        "description": _l("Description"),
        "state": (_l("State"), labels.REQUISITION_STATE_LABELS),
    }

    requested_by = relationship("User", foreign_keys=[requested_by_id], lazy="joined")
    department = relationship("Department", foreign_keys=[department_id], lazy="joined")
    requirements: Mapped[list[Requirement]] = relationship(
        order_by="plugins.recruitment.models.Requirement.id", cascade="all, delete-orphan", lazy="selectin")


class Requirement(db.Model):
    """One requirement or standard of a requisition; the screening checklist and the scorecard are made of them."""

    __tablename__ = "recruitment_requirement"
    __label__ = _l("Position requirement")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("recruitment_requisition.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="other")
    text: Mapped[str] = mapped_column(String(300))


class Approval(db.Model):
    """One step's decision on a requisition; one row a step, so a step is decided once (the unique key)."""

    __tablename__ = "recruitment_approval"
    __label__ = _l("Hiring approval")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("requisition_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("recruitment_requisition.id"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    step_code: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    approved: Mapped[bool]
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")


class Posting(db.Model):
    """An opening published on one channel (R3.1.2); its source code attributes the applications it brings."""

    __tablename__ = "recruitment_posting"
    __label__ = _l("Job posting")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("recruitment_requisition.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    #: Where exactly: the job site's name, the university of a campus event, the agency.
    venue: Mapped[str | None] = mapped_column(String(200))
    source_code: Mapped[str] = mapped_column(String(32), unique=True)
    url: Mapped[str | None] = mapped_column(String(500))
    event_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    requisition = relationship("plugins.recruitment.models.Requisition", lazy="joined")


class ChannelCost(db.Model):
    """Money spent on a channel (a job site's fee, a campus fair), for cost per hire."""

    __tablename__ = "recruitment_channel_cost"
    __label__ = _l("Channel cost")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("recruitment_posting.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    spent_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))


class Candidate(db.Model):
    """A person who applied; one row per person (same phone or e-mail: the same candidate)."""

    __tablename__ = "recruitment_candidate"
    __label__ = _l("Candidate")  # its name on the audit page (core/audit/labels.py)
    #: Personal data stays out of the audit trail, so anonymising a candidate really erases it (R11/PIPL).
    __audit_redact__ = ("name", "phone", "email", "phone_key", "email_key", "education", "current_employer", "notes")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    #: Digits of the phone and the lower-cased e-mail: what duplicates are found by.
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True)
    email_key: Mapped[str | None] = mapped_column(String(200), index=True)
    education: Mapped[str | None] = mapped_column(String(200))
    current_employer: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Consent to processing for this application (R11, PIPL art. 13-14), and to stay in the talent pool.
    consent_at: Mapped[datetime | None]
    talent_pool: Mapped[bool] = mapped_column(default=False)
    anonymised_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Application(db.Model):
    """A candidate's application to a requisition, moving through STAGES."""

    __tablename__ = "recruitment_application"
    __label__ = _l("Application")  # its name on the audit page (core/audit/labels.py)
    __owner__ = "owner_id"
    __view_permission__ = "recruitment.application.view"
    __audit_redact__ = ("cover_letter", "reject_reason")
    __table_args__ = (
        UniqueConstraint("requisition_id", "candidate_id"),
        # The board reads each stage's active applications of a requisition, newest in the stage first.
        Index("ix_recruitment_application_board", "requisition_id", "status", "stage", "stage_entered_at"),
        # The reports' funnel counts the applications per channel and furthest stage: from this index alone.
        Index("ix_recruitment_application_funnel", "channel", "furthest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requisition_id: Mapped[int] = mapped_column(ForeignKey("recruitment_requisition.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("recruitment_candidate.id"), index=True)
    #: The hiring manager (the requisition's author): record scopes follow them.
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("recruitment_posting.id"), index=True)
    # No index of its own: ix_recruitment_application_funnel (channel, furthest) serves a condition on the channel.
    channel: Mapped[str] = mapped_column(String(16))
    source_detail: Mapped[str | None] = mapped_column(String(200))
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    stage: Mapped[str] = mapped_column(String(16), default="screening")
    #: The furthest stage reached (index into STAGES), for the funnel.
    furthest: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    on_hold: Mapped[bool] = mapped_column(default=False)
    cover_letter: Mapped[str | None] = mapped_column(Text)
    cv_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    hired_user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __tracked__ = {
        "stage": (_l("Stage"), labels.STAGE_LABELS),
        "status": (_l("State"), labels.STATUS_LABELS),
        "on_hold": _l("On hold"),
        "channel": (_l("Channel"), labels.CHANNEL_LABELS),
        "owner_id": _l("Hiring manager"),
    }

    candidate = relationship("plugins.recruitment.models.Candidate", lazy="joined")
    requisition = relationship("plugins.recruitment.models.Requisition", lazy="joined")


class StageChange(db.Model):
    """An application's move between stages (or its closing): time in stage and the funnel are read from here."""

    __tablename__ = "recruitment_stage_change"
    __label__ = _l("Stage change")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16), index=True)
    to_stage: Mapped[str] = mapped_column(String(16))
    #: Seconds the application spent in ``from_stage``.
    seconds_in_stage: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Screening(db.Model):
    """The résumé screening against the requisition's checklist (R3.1.3)."""

    __tablename__ = "recruitment_screening"
    __label__ = _l("Screening")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), index=True)
    decision: Mapped[str] = mapped_column(String(8))  # pass, hold, reject
    reason: Mapped[str | None] = mapped_column(Text)
    #: {requirement id: met?}
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TestPaper(db.Model):
    """A written test: questions, a time limit and a pass mark."""

    __tablename__ = "recruitment_test_paper"
    __label__ = _l("Test paper")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    pass_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("60"))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(order_by="plugins.recruitment.models.Question.id", lazy="selectin",
                                                      cascade="all, delete-orphan")


class Question(db.Model):
    __tablename__ = "recruitment_question"
    __label__ = _l("Test question")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("recruitment_test_paper.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Choices for a choice question (graded automatically); empty for a written answer graded by hand.
    options: Mapped[list] = mapped_column(JSON, default=list)
    correct: Mapped[int | None] = mapped_column(Integer)
    points: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("10"))


class TestSession(db.Model):
    """A written test sent to an applicant (private link) or recorded by hand."""

    __tablename__ = "recruitment_test_session"
    __label__ = _l("Test session")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), index=True)
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("recruitment_test_paper.id"))
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The link must be opened before this; once opened, answers count only within the paper's minutes.
    link_expires_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    max_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    passed: Mapped[bool | None]
    #: True when written answers still wait for a person's marks.
    needs_marking: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    paper = relationship("plugins.recruitment.models.TestPaper", lazy="joined")


class Interview(db.Model):
    """One interview round; its decision waits for every assigned interviewer's scorecard."""

    __tablename__ = "recruitment_interview"
    __label__ = _l("Interview")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    scheduled_at: Mapped[datetime | None]
    location: Mapped[str | None] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(8))  # pass, reject
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    scorecards: Mapped[list[Scorecard]] = relationship(order_by="plugins.recruitment.models.Scorecard.id", lazy="selectin")


class Scorecard(db.Model):
    """An interviewer's marks on one round: 1-5 per requirement, an overall mark, comments."""

    __tablename__ = "recruitment_scorecard"
    __label__ = _l("Scorecard")  # its name on the audit page (core/audit/labels.py)
    __table_args__ = (UniqueConstraint("interview_id", "interviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("recruitment_interview.id"), index=True)
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    #: The interviewer referred the candidate: a conflict of interest shown to whoever decides.
    conflict: Mapped[bool] = mapped_column(default=False)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    overall: Mapped[int | None] = mapped_column(Integer)
    recommendation: Mapped[str | None] = mapped_column(String(8))  # pass, reject
    comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]

    interviewer = relationship("User", lazy="joined")


class BackgroundCheck(db.Model):
    """The background check of R3.1.4, with the candidate's consent."""

    __tablename__ = "recruitment_background_check"
    __label__ = _l("Background check")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), unique=True)
    consent_at: Mapped[datetime | None]
    consent_note: Mapped[str | None] = mapped_column(String(300))
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[CheckItem]] = relationship(order_by="plugins.recruitment.models.CheckItem.id", lazy="selectin")


class CheckItem(db.Model):
    """One fact verified: education, work history, credit record (R3.1.4)."""

    __tablename__ = "recruitment_check_item"
    __label__ = _l("Check item")  # its name on the audit page (core/audit/labels.py)
    #: Evidence (diplomas, credit reports) is for HR only: the item has no owner column to scope it by.
    __view_permission__ = "recruitment.application.manage"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("recruitment_background_check.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str | None] = mapped_column(Text)
    evidence_attachment_id: Mapped[int | None] = mapped_column(ForeignKey("core_attachment.id"))
    waive_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]


class Offer(db.Model):
    """The offer (salary, start date) and the candidate's answer."""

    __tablename__ = "recruitment_offer"
    __label__ = _l("Offer")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("recruitment_application.id"), index=True)
    position: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    salary: Mapped[Decimal] = mapped_column(MONEY)
    start_date: Mapped[date]
    terms: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    #: The background check was complete (or waived item by item) when the offer was made: R3.1.4's measure.
    check_complete: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __tracked__ = {
        "position": (_l("Position"), POSITION_LABELS),
        "department_id": _l("Department"),
        "superior_id": _l("Superior"),
        "salary": _l("Salary"),
        "start_date": _l("Start date"),
        "terms": _l("Terms"),
        "state": (_l("State"), labels.OFFER_STATE_LABELS),
    }


class FormSubmission(db.Model):
    """One submission of the public application form, by client address: the per-address limit lives in the
    database so that it holds across processes."""

    __tablename__ = "recruitment_form_submission"
    __audit__ = False  # bookkeeping, not a business record
    __table_args__ = (Index("ix_recruitment_form_submission_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DataRequest(db.Model):
    """A candidate's access or deletion request (R11/PIPL) and how it was handled."""

    __tablename__ = "recruitment_data_request"
    __label__ = _l("Personal data request")  # its name on the audit page (core/audit/labels.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("recruitment_candidate.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # access, deletion, retention
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
