"""The team plugin's tables (all named team_*). Rules live in services/, not here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.timeutil import utcnow
from plugins.team.labels import (
    ACTION_STATE_LABELS,
    ACTIVITY_KIND_LABELS,
    AUDIENCE_LABELS,
    AWARD_STATE_LABELS,
    ISSUE_STATE_LABELS,
    MEETING_STATE_LABELS,
    POST_KIND_LABELS,
    PROVIDER_LABELS,
    RECURRENCE_LABELS,
    SEVERITY_LABELS,
)


def people_without_roles(*relationships: Any) -> list[Any]:
    """Loader options: the people these relationships join, without selecting their roles (User.roles loads
    eagerly for the signed-in user; a list showing names does not need them, and each path would cost a
    statement of its own)."""
    from sqlalchemy.orm import joinedload

    from core.identity.models import User

    return [joinedload(rel).lazyload(User.roles) for rel in relationships]


AUDIENCES = ("all", "department", "team")
SEVERITIES = ("critical", "high", "normal", "low")
ISSUE_STATES = ("open", "in_progress", "resolved", "closed")
RECURRENCES = ("weekly", "monthly")
MEETING_STATES = ("scheduled", "closed")
POST_KINDS = ("tip", "case", "product", "other")
ACTIVITY_KINDS = ("outdoor", "dinner", "training", "other")
AWARD_STATES = ("suggested", "confirmed", "rejected")
PROVIDERS = ("wecom", "dingtalk", "feishu")
ROBOT_STATES = ("pending", "sent", "failed")

# What timelines and the audit page show of each record (``__tracked__``, core/audit/labels.py): labels with msgids of
# their own (the merged catalogues let another module's "Title" win), codes by their labels; counters, stamps,
# versions, search copies and secrets (a robot's webhook and signing secret) are recorded but never shown.


def _criterion_label(key: Any) -> str:
    """An award's "measured by": the KPI's label, or the appraisal criterion's (never the key)."""
    from plugins.team.services.recognition import criteria

    return criteria().get(str(key), str(_l("a KPI of a disabled module")))


class Notice(db.Model):
    """An announcement to everyone, one department or one team (a leader and everyone below them), R8.2.1.

    No ``__view_permission__``: who may see a notice depends on its audience, which the core's record look-up does
    not know; its attachments are served by the notice's own page (views/notices.py)."""

    __tablename__ = "team_notice"
    __label__ = _l("Notice")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Notice title"), "body": _l("Notice text"),
                   "audience": (_l("Notice for"), AUDIENCE_LABELS), "pinned": _l("Pinned to the top"),
                   "required": _l("Required reading"), "expires_at": _l("Shown until")}
    __table_args__ = (
        # The board: pinned first, newest first, read in index order and stopped after one page.
        Index("ix_team_notice_board", "pinned", "published_at"),
        Index("ix_team_notice_author", "author_id", "published_at"),
        # The dashboard's unconfirmed required reading of the last months.
        Index("ix_team_notice_required", "required", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(12), default="all")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    team_leader_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    pinned: Mapped[bool] = mapped_column(default=False)
    required: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    #: Set once the expiry job has cleared the notice's unread notifications.
    expiry_done: Mapped[bool] = mapped_column(default=False)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    department = relationship("Department", foreign_keys=[department_id], lazy="joined")
    team_leader = relationship("User", foreign_keys=[team_leader_id], lazy="joined")


class NoticeRead(db.Model):
    """A read receipt: who read (or, for required reading, confirmed) which notice, and when."""

    __tablename__ = "team_notice_read"
    __audit__ = False

    notice_id: Mapped[int] = mapped_column(ForeignKey("team_notice.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingSeries(db.Model):
    """A recurring sales meeting (weekly team meeting, monthly sales meeting), R8.2.2."""

    __tablename__ = "team_meeting_series"
    __label__ = _l("Meeting series")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Series title"), "recurrence": (_l("How often"), RECURRENCE_LABELS),
                   "day": _l("Meeting day"), "start_time": _l("Meeting start time"),
                   "duration_minutes": _l("Meeting length (minutes)"), "location": _l("Meeting place"),
                   "agenda_template": _l("Agenda template"), "leader_id": _l("Team leader"),
                   "active": _l("Series in use")}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    recurrence: Mapped[str] = mapped_column(String(10), default="weekly")
    #: Weekly: 0 = Monday; monthly: the day of the month (1-28).
    day: Mapped[int] = mapped_column(Integer, default=0)
    #: Local wall-clock start, "HH:MM" in the company time zone.
    start_time: Mapped[str] = mapped_column(String(5), default="09:00")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str | None] = mapped_column(String(200))
    agenda_template: Mapped[str | None] = mapped_column(Text)
    #: KPI keys (register_kpis) inserted into each agenda, comma-separated.
    kpi_keys: Mapped[str | None] = mapped_column(String(500))
    #: The team: this leader and everyone below them.
    leader_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    leader = relationship("User", foreign_keys=[leader_id], lazy="joined")


class Meeting(db.Model):
    """One meeting: its agenda (template, KPIs, open items of the last meeting) and its minutes. Seen by its
    attendees and their superiors (services/meetings.py), so not offered to the core's record look-up."""

    __tablename__ = "team_meeting"
    __label__ = _l("Meeting")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Meeting title"), "starts_at": _l("Meeting starts"), "location": _l("Meeting place"),
                   "agenda": _l("Agenda"), "state": (_l("Minutes state"), MEETING_STATE_LABELS),
                   "progress": _l("Minutes: progress"), "problems": _l("Minutes: problems"),
                   "solutions": _l("Minutes: solutions"), "priorities": _l("Minutes: priorities"),
                   "decisions": _l("Minutes: decisions")}
    __table_args__ = (Index("ix_team_meeting_series_starts", "series_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("team_meeting_series.id"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(200))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    agenda: Mapped[str | None] = mapped_column(Text)
    #: [{"key", "label", "unit", "value"}]: the team's KPIs for the period before the meeting.
    kpi_snapshot: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    kpi_period_start: Mapped[date | None]
    kpi_period_end: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(10), default="scheduled")
    progress: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    solutions: Mapped[str | None] = mapped_column(Text)
    priorities: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    series = relationship("MeetingSeries", lazy="joined")
    organizer = relationship("User", foreign_keys=[organizer_id], lazy="joined")


class MeetingAttendee(db.Model):
    __tablename__ = "team_meeting_attendee"
    __audit__ = False

    meeting_id: Mapped[int] = mapped_column(ForeignKey("team_meeting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), primary_key=True, index=True)
    invited_at: Mapped[datetime | None]


class ActionItem(db.Model):
    """A task decided in a meeting, with an owner and a due date; shown on the owner's dashboard and reminded."""

    __tablename__ = "team_action_item"
    __label__ = _l("Action item")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("What is to be done"), "owner_id": _l("Action item owner"),
                   "due_on": _l("Action item due"), "state": (_l("Action item state"), ACTION_STATE_LABELS),
                   "done_by_id": _l("Done by"), "reassigned_from_id": _l("Handed over from")}
    __owner__ = "owner_id"
    __table_args__ = (Index("ix_team_action_item_owner_state_due", "owner_id", "state", "due_on"),
                      Index("ix_team_action_item_state_due", "state", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("team_meeting.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(8), default="open")
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    #: The last company-local day a reminder went out (one a day at most).
    reminded_on: Mapped[date | None]
    reassigned_from_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    meeting = relationship("Meeting", lazy="joined")


class Issue(db.Model):
    """A problem raised to another department (R8.2.3, R2.2.5, R2.3.5) with a severity and its SLA."""

    __tablename__ = "team_issue"
    __label__ = _l("Issue")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Issue title"), "description": _l("Issue description"),
                   "severity": (_l("Issue severity"), SEVERITY_LABELS), "state": (_l("Issue state"), ISSUE_STATE_LABELS),
                   "assignee_id": _l("Issue assignee"), "sla_due_at": _l("Issue deadline"),
                   "escalated_to_id": _l("Escalated to"), "resolution": _l("Issue resolution")}
    __view_permission__ = "team.issue.view"
    __table_args__ = (Index("ix_team_issue_state_due", "state", "sla_due_at"),
                      Index("ix_team_issue_target_state", "target_department_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10), default="normal")
    state: Mapped[str] = mapped_column(String(12), default="open")
    source_department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    target_department_id: Mapped[int] = mapped_column(ForeignKey("core_department.id"))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    sla_due_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    raised_by = relationship("User", foreign_keys=[raised_by_id], lazy="joined")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")
    escalated_to = relationship("User", foreign_keys=[escalated_to_id], lazy="joined")
    target_department = relationship("Department", foreign_keys=[target_department_id], lazy="joined")
    source_department = relationship("Department", foreign_keys=[source_department_id], lazy="joined")

    def __visible_to__(self, user: Any) -> bool:
        """Who may see this issue's files and comments through the core's record look-up: whoever sees its page
        (services.issues.visible), not every holder of team.issue.view."""
        from plugins.team.services.issues import may_see

        return may_see(user, self)


class Post(db.Model):
    """Shared experience (R8.1.2): a sales tip, a case study, product know-how. ``body_html`` is sanitised."""

    __tablename__ = "team_post"
    __label__ = _l("Shared experience")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Post title"), "kind": (_l("Post kind"), POST_KIND_LABELS),
                   "body_text": _l("Post text"), "tags": _l("Post tags")}
    __view_permission__ = "team.post.view"
    __table_args__ = (Index("ix_team_post_created", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="tip")
    body_html: Mapped[str] = mapped_column(Text)
    #: The same text without markup, for search.
    body_text: Mapped[str] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(String(300))
    #: The record the post is about, as a searchable select's kind and id (``crm.customer``, ``pipeline.deal``,
    #: ``training.course``): no module is imported, and the reader sees it only if they may (its kind's ``label_for``).
    related_kind: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")


class PostTag(db.Model):
    __tablename__ = "team_post_tag"
    __audit__ = False

    post_id: Mapped[int] = mapped_column(ForeignKey("team_post.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class PostLike(db.Model):
    __tablename__ = "team_post_like"
    __audit__ = False
    __table_args__ = (Index("ix_team_post_like_created", "created_at", "post_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("team_post.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Kudos(db.Model):
    """Thanks from anyone to anyone, with a reason (R8.1.3)."""

    __tablename__ = "team_kudos"
    __label__ = _l("Kudos")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"to_id": _l("Thanked"), "reason": _l("Reason for the thanks")}
    __table_args__ = (Index("ix_team_kudos_to_created", "to_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    to_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    sender = relationship("User", foreign_keys=[from_id], lazy="joined")
    recipient = relationship("User", foreign_keys=[to_id], lazy="joined")


class AwardType(db.Model):
    """A formal award defined by HR (monthly sales champion, best newcomer …) with a KPI as its criterion."""

    __tablename__ = "team_award_type"
    __label__ = _l("Award type")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Award name"), "description": _l("Award criteria"),
                   "kpi_key": (_l("Award measured by"), _criterion_label), "winners": _l("Winners a month"),
                   "min_value": _l("Award minimum value"), "newcomer_days": _l("Hired within (days)"),
                   "active": _l("Award in use")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    kpi_key: Mapped[str] = mapped_column(String(100))
    #: How many people are suggested each month.
    winners: Mapped[int] = mapped_column(Integer, default=1)
    #: Only people at least this good are suggested (None: anyone with a value).
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: Only people hired within this many days (best newcomer); None: everyone.
    newcomer_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Award(db.Model):
    """An award suggested from the KPIs at the end of a month, then confirmed (or rejected) by a manager."""

    __tablename__ = "team_award"
    __label__ = _l("Award")  # its name on the audit page (core/audit/labels.py)
    # Not its value: for an award measured by an appraisal it is the person's confidential score.
    __tracked__ = {"user_id": _l("Award winner"), "state": (_l("Award state"), AWARD_STATE_LABELS),
                   "decided_by_id": _l("Decided by")}
    __table_args__ = (UniqueConstraint("award_type_id", "period_start", "user_id"),
                      Index("ix_team_award_user_state", "user_id", "state"))

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("team_award_type.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    kpi_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(10), default="suggested", index=True)
    suggested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]

    award_type = relationship("AwardType", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    decided_by = relationship("User", foreign_keys=[decided_by_id], lazy="joined")


class Activity(db.Model):
    """A team activity (R8.1.1): outdoor event, dinner, training day; sign-up within the capacity."""

    __tablename__ = "team_activity"
    __label__ = _l("Team activity")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"title": _l("Activity title"), "kind": (_l("Activity kind"), ACTIVITY_KIND_LABELS),
                   "starts_at": _l("Activity starts"), "location": _l("Activity place"),
                   "capacity": _l("Activity places"), "cost": _l("Activity cost (CNY)"),
                   "description": _l("Activity description"), "cancelled": _l("Activity cancelled")}
    __view_permission__ = "team.activity.view"
    #: Its cost can be claimed (R8.1.1 with R9.2.1): the expenses module, when enabled, offers "File an expense
    #: claim" and the claims' count on the page, and lists those claims on its timeline. No import either way.
    __expense_claimable__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="other")
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    location: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    signup_count: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organizer = relationship("User", foreign_keys=[organizer_id], lazy="joined")


class ActivitySignup(db.Model):
    __tablename__ = "team_activity_signup"
    __audit__ = False

    activity_id: Mapped[int] = mapped_column(ForeignKey("team_activity.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RobotChannel(db.Model):
    """A group-chat robot of WeCom, DingTalk or Feishu for one team or department (or everyone), R8.2.1."""

    __tablename__ = "team_robot_channel"
    __label__ = _l("Robot channel")  # its name on the audit page (core/audit/labels.py)
    __tracked__ = {"name": _l("Robot name"), "provider": (_l("Robot provider"), PROVIDER_LABELS),
                   "audience": (_l("Robot tells"), AUDIENCE_LABELS), "active": _l("Robot in use")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    provider: Mapped[str] = mapped_column(String(10))
    webhook_url: Mapped[str] = mapped_column(String(500))
    #: DingTalk and Feishu sign each message with it; WeCom's key is part of the webhook URL.
    secret: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(12), default="all")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("core_department.id"))
    team_leader_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RobotMessage(db.Model):
    """A message waiting for (or done with) a robot; the job sends it with retries, never the request."""

    __tablename__ = "team_robot_message"
    __audit__ = False
    __table_args__ = (Index("ix_team_robot_message_due", "state", "next_attempt_at"),
                      Index("ix_team_robot_message_sender", "sender_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("team_robot_channel.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    channel = relationship("RobotChannel", lazy="joined")
