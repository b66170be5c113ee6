"""JSON API of the team module (/api/v1/team), in the OpenAPI document: the notice board with read receipts
(R8.2.1), meetings and their action items (R8.2.2), cross-department issues with comments and state changes
(R8.2.3), kudos (R8.1.3). The same services, permissions and visibility as the pages: what the caller may not see
is a 404; a change someone else made first is a 409."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from core.api import ApiError, ValidationError, api_endpoint, paginate
from core.api.validation import SOME_TEXT
from core.extensions import db
from core.timeutil import utcnow
from plugins.team.models import (
    AUDIENCES,
    ISSUE_STATES,
    MEETING_STATES,
    SEVERITIES,
    ActionItem,
    Issue,
    Kudos,
    Meeting,
    Notice,
    NoticeRead,
)
from plugins.team.services import TeamError, actions, issues, meetings, notices, recognition

bp = Blueprint("team_api", __name__, url_prefix="/api/v1/team")
TAGS = ("Team",)
NOTICE_VIEW, MEETING_VIEW, ISSUE_VIEW, RECOGNITION_VIEW = (
    "team.notice.view", "team.meeting.view", "team.issue.view", "team.recognition.view")

STAMP = {"type": "string", "format": "date-time"}
STAMP_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
ID_OR_NULL = {"type": ["integer", "null"]}
TEXT_OR_NULL = {"type": ["string", "null"]}

NOTICE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
    "audience": {"enum": list(AUDIENCES)}, "department_id": ID_OR_NULL, "author_id": {"type": "integer"},
    "pinned": {"type": "boolean"}, "required": {"type": "boolean"}, "published_at": STAMP,
    "expires_at": STAMP_OR_NULL, "read_at": STAMP_OR_NULL}}
RECEIPT = {"type": "object", "properties": {
    "notice_id": {"type": "integer"}, "read_at": STAMP,
    "recorded": {"type": "boolean", "description": "false when the receipt was recorded before"}}}
MEETING = {"type": "object", "properties": {
    "id": {"type": "integer"}, "series_id": ID_OR_NULL, "title": {"type": "string"}, "starts_at": STAMP,
    "ends_at": STAMP, "location": TEXT_OR_NULL, "organizer_id": {"type": "integer"},
    "state": {"enum": list(MEETING_STATES)}, "agenda": TEXT_OR_NULL, "version": {"type": "integer"}}}
ACTION_ITEM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "meeting_id": {"type": "integer"}, "title": {"type": "string"},
    "owner_id": {"type": "integer"}, "due_on": {"type": "string", "format": "date"},
    "state": {"enum": ["open", "done"]}, "done_at": STAMP_OR_NULL, "done_by_id": ID_OR_NULL}}
ISSUE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"},
    "severity": {"enum": list(SEVERITIES)}, "state": {"enum": list(ISSUE_STATES)},
    "source_department_id": ID_OR_NULL, "target_department_id": {"type": "integer"},
    "raised_by_id": {"type": "integer"}, "assignee_id": ID_OR_NULL, "sla_due_at": STAMP,
    "overdue": {"type": "boolean"}, "escalated_at": STAMP_OR_NULL, "escalated_to_id": ID_OR_NULL,
    "resolution": TEXT_OR_NULL, "resolved_at": STAMP_OR_NULL, "created_at": STAMP, "version": {"type": "integer"}}}
COMMENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "issue_id": {"type": "integer"}, "author_id": {"type": "integer"},
    "body": {"type": "string"}, "created_at": STAMP}}
KUDOS = {"type": "object", "properties": {
    "id": {"type": "integer"}, "from_id": {"type": "integer"}, "to_id": {"type": "integer"},
    "reason": {"type": "string"}, "created_at": STAMP}}


def _text(max_length: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": SOME_TEXT}


ISSUE_INPUT = {"type": "object", "properties": {
    "title": _text(200), "description": _text(20000), "severity": {"enum": list(SEVERITIES)},
    "target_department_id": {"type": "integer", "minimum": 1},
    "assignee_id": {"type": ["integer", "null"], "minimum": 1}},
    "required": ["title", "description", "severity", "target_department_id"], "additionalProperties": False}
STATE_INPUT = {"type": "object", "properties": {
    "state": {"enum": ["in_progress", "resolved", "closed", "open"]},
    "expected_version": {"type": "integer", "minimum": 1},
    "resolution": {"type": ["string", "null"], "maxLength": 20000}},
    "required": ["state", "expected_version"], "additionalProperties": False}
COMMENT_INPUT = {"type": "object", "properties": {"body": _text(5000)}, "required": ["body"],
                 "additionalProperties": False}
KUDOS_INPUT = {"type": "object", "properties": {"to_id": {"type": "integer", "minimum": 1}, "reason": _text(2000)},
               "required": ["to_id", "reason"], "additionalProperties": False}


def _stamp(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() + ("Z" if isinstance(value, datetime) else "")


def _refused(exc: TeamError, field: str) -> ValidationError:
    """A service's refusal as a 422 naming its field (the form field's name is the API's)."""
    return ValidationError({exc.field or field: [str(exc)]})


# ---------------------------------------------------------------------------------------------------- notices


def notice_json(n: Notice, read_at: datetime | None = None) -> dict[str, Any]:
    return {"id": n.id, "title": n.title, "body": n.body, "audience": n.audience, "department_id": n.department_id,
            "author_id": n.author_id, "pinned": n.pinned, "required": n.required,
            "published_at": _stamp(n.published_at), "expires_at": _stamp(n.expires_at), "read_at": _stamp(read_at)}


def _visible_notice(notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or not notices.may_see(current_user, notice):
        raise ApiError(404)
    return notice


@bp.get("/notices")
@api_endpoint(NOTICE_VIEW, summary=_l("List the notice board"), paginated=True, response=NOTICE, tags=TAGS,
              description=_l("Pinned first, then the newest; read_at is when you read it (null: unread)."),
              query={"type": "object", "properties": {
                  "expired": {"type": "boolean", "default": False, "description": "also notices past their expiry"},
                  "unread": {"type": "boolean", "default": False, "description": "only those you have not read"}}})
def list_notices(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(Notice).where(notices.visible(current_user))
    if not query.get("expired"):
        stmt = stmt.where(or_(Notice.expires_at.is_(None), Notice.expires_at > utcnow()))
    if query.get("unread"):
        stmt = stmt.where(~select(NoticeRead.notice_id).where(NoticeRead.notice_id == Notice.id,
                                                              NoticeRead.user_id == current_user.id).exists())
    page = paginate(stmt.order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc()), notice_json)
    ids = [item["id"] for item in page["items"]]
    reads = dict(db.session.execute(select(NoticeRead.notice_id, NoticeRead.read_at).where(
        NoticeRead.user_id == current_user.id, NoticeRead.notice_id.in_(ids))).all()) if ids else {}
    for item in page["items"]:
        item["read_at"] = _stamp(reads.get(item["id"]))
    return page


@bp.get("/notices/<int:notice_id>")
@api_endpoint(NOTICE_VIEW, summary=_l("Read a notice"), response=NOTICE, tags=TAGS,
              description=_l("Reading it here records no receipt: post to its read address for that."))
def get_notice(notice_id: int):  # type: ignore[no-untyped-def]
    notice = _visible_notice(notice_id)
    return notice_json(notice, notices.has_read(db.session, notice, current_user))


@bp.post("/notices/<int:notice_id>/read")
@api_endpoint(NOTICE_VIEW, summary=_l("Record that you read a notice"), response=RECEIPT, tags=TAGS,
              description=_l("The read receipt (for required reading, the confirmation); recorded once, so posting "
                             "it again answers the first receipt with recorded false."))
def read_notice(notice_id: int):  # type: ignore[no-untyped-def]
    notice = _visible_notice(notice_id)
    recorded = notices.mark_read(db.session, notice, current_user)
    db.session.commit()
    return {"notice_id": notice.id, "read_at": _stamp(notices.has_read(db.session, notice, current_user)),
            "recorded": recorded}


# ---------------------------------------------------------------------------------------------------- meetings


def meeting_json(m: Meeting) -> dict[str, Any]:
    return {"id": m.id, "series_id": m.series_id, "title": m.title, "starts_at": _stamp(m.starts_at),
            "ends_at": _stamp(m.ends_at), "location": m.location, "organizer_id": m.organizer_id, "state": m.state,
            "agenda": m.agenda, "version": m.version}


def item_json(i: ActionItem) -> dict[str, Any]:
    return {"id": i.id, "meeting_id": i.meeting_id, "title": i.title, "owner_id": i.owner_id,
            "due_on": _stamp(i.due_on), "state": i.state, "done_at": _stamp(i.done_at), "done_by_id": i.done_by_id}


@bp.get("/meetings")
@api_endpoint(MEETING_VIEW, summary=_l("List meetings"), paginated=True, response=MEETING, tags=TAGS,
              description=_l("Your meetings, your team's, or all for managers of meetings; newest first."),
              query={"type": "object", "properties": {"state": {"enum": list(MEETING_STATES)}}})
def list_meetings(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(Meeting).where(meetings.visible(current_user))
    if query.get("state"):
        stmt = stmt.where(Meeting.state == query["state"])
    return paginate(stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc()), meeting_json)


@bp.get("/meetings/<int:meeting_id>")
@api_endpoint(MEETING_VIEW, summary=_l("Read a meeting"), response=MEETING, tags=TAGS)
def get_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meetings.may_see(db.session, current_user, meeting):
        raise ApiError(404)
    return meeting_json(meeting)


def _visible_items() -> Any:
    """Action items the caller may see: their own, and those of the meetings they may see."""
    seen = select(Meeting.id).where(meetings.visible(current_user))
    return or_(ActionItem.owner_id == current_user.id, ActionItem.meeting_id.in_(seen))


@bp.get("/action-items")
@api_endpoint(MEETING_VIEW, summary=_l("List action items"), paginated=True, response=ACTION_ITEM, tags=TAGS,
              description=_l("Soonest due first. mine=true: only yours (the dashboard's list)."),
              query={"type": "object", "properties": {
                  "state": {"enum": ["open", "done"]}, "mine": {"type": "boolean", "default": False},
                  "meeting_id": {"type": "integer", "minimum": 1}}})
def list_items(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(ActionItem).where(_visible_items())
    if query.get("mine"):
        stmt = stmt.where(ActionItem.owner_id == current_user.id)
    if query.get("state"):
        stmt = stmt.where(ActionItem.state == query["state"])
    if query.get("meeting_id"):
        stmt = stmt.where(ActionItem.meeting_id == query["meeting_id"])
    return paginate(stmt.order_by(ActionItem.due_on, ActionItem.id), item_json)


@bp.post("/action-items/<int:item_id>/done")
@api_endpoint(MEETING_VIEW, summary=_l("Mark an action item done"), response=ACTION_ITEM, tags=TAGS,
              description=_l("By its owner, the meeting's organizer or team leader, or a manager of meetings. "
                             "An item is done once: if it is done already (someone was quicker), 409."))
def item_done(item_id: int):  # type: ignore[no-untyped-def]
    item = db.session.scalar(select(ActionItem).where(ActionItem.id == item_id, _visible_items()))
    if item is None:
        raise ApiError(404)
    if not actions.may_complete(current_user, item):
        raise ApiError(403, str(_l("Only the owner or the meeting's organizer marks this item done.")))
    try:
        actions.complete(db.session, item, current_user)
    except TeamError as exc:
        db.session.rollback()
        raise ApiError(409, str(exc)) from None
    db.session.commit()
    return item_json(item)


# ---------------------------------------------------------------------------------------------------- issues


def issue_json(i: Issue) -> dict[str, Any]:
    return {"id": i.id, "title": i.title, "description": i.description, "severity": i.severity, "state": i.state,
            "source_department_id": i.source_department_id, "target_department_id": i.target_department_id,
            "raised_by_id": i.raised_by_id, "assignee_id": i.assignee_id, "sla_due_at": _stamp(i.sla_due_at),
            "overdue": i.state in ("open", "in_progress") and i.sla_due_at < utcnow(),
            "escalated_at": _stamp(i.escalated_at), "escalated_to_id": i.escalated_to_id,
            "resolution": i.resolution, "resolved_at": _stamp(i.resolved_at), "created_at": _stamp(i.created_at),
            "version": i.version}


def _visible_issue(issue_id: int) -> Issue:
    issue = db.session.scalar(select(Issue).where(Issue.id == issue_id, issues.visible(current_user)))
    if issue is None:
        raise ApiError(404)
    return issue


@bp.get("/issues")
@api_endpoint(ISSUE_VIEW, summary=_l("List cross-department issues"), paginated=True, response=ISSUE, tags=TAGS,
              description=_l("Issues of your department (either side), yours, or all for managers of issues; "
                             "soonest deadline first. state=active: open or in progress."),
              query={"type": "object", "properties": {
                  "state": {"enum": ["active", *ISSUE_STATES]}, "overdue": {"type": "boolean", "default": False},
                  "target_department_id": {"type": "integer", "minimum": 1}}})
def list_issues(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    stmt = select(Issue).where(issues.visible(current_user))
    state = query.get("state")
    if state == "active":
        stmt = stmt.where(Issue.state.in_(("open", "in_progress")))
    elif state:
        stmt = stmt.where(Issue.state == state)
    if query.get("overdue"):
        stmt = stmt.where(Issue.state.in_(("open", "in_progress")), Issue.sla_due_at < utcnow())
    if query.get("target_department_id"):
        stmt = stmt.where(Issue.target_department_id == query["target_department_id"])
    return paginate(stmt.order_by(Issue.sla_due_at, Issue.id), issue_json)


@bp.get("/issues/<int:issue_id>")
@api_endpoint(ISSUE_VIEW, summary=_l("Read a cross-department issue"), response=ISSUE, tags=TAGS)
def get_issue(issue_id: int):  # type: ignore[no-untyped-def]
    return issue_json(_visible_issue(issue_id))


@bp.post("/issues")
@api_endpoint(ISSUE_VIEW, summary=_l("Raise a cross-department issue"), body=ISSUE_INPUT, status=201,
              response=ISSUE, tags=TAGS,
              description=_l("To another department; due within its severity's SLA (R8.2.3). Without an assignee "
                             "the department's head is told and assigns it."),
              rules={"target_department_id": _l("an existing department other than your own"),
                     "assignee_id": _l("an active member of that department")})
def create_issue(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    try:
        issue = issues.raise_issue(db.session, current_user, title=body["title"], description=body["description"],
                                   severity=body["severity"], target_department_id=body["target_department_id"],
                                   assignee_id=body.get("assignee_id"))
    except TeamError as exc:
        db.session.rollback()
        raise _refused(exc, "title") from None
    db.session.commit()
    return issue_json(issue)


@bp.post("/issues/<int:issue_id>/state")
@api_endpoint(ISSUE_VIEW, summary=_l("Move a cross-department issue on"), body=STATE_INPUT, response=ISSUE,
              tags=TAGS,
              description=_l("open → in progress → resolved (with a resolution; by the department it is for) → "
                             "closed or reopened (by whoever raised it). expected_version is the version you read: "
                             "if the issue changed since, 409."),
              rules={"state": _l("a next state open to you from the issue's present state"),
                     "resolution": _l("required to resolve")})
def issue_state(issue_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    issue = _visible_issue(issue_id)
    if issue.version != body["expected_version"]:
        raise ApiError(409, str(_l("Someone else changed this issue meanwhile. Reload the page and try again.")))
    try:
        issues.change_state(db.session, issue, current_user, body["state"], resolution=body.get("resolution"),
                            expected_version=body["expected_version"])
    except TeamError as exc:
        db.session.rollback()
        if exc.field is None:  # the version moved between the check above and the write
            raise ApiError(409, str(exc)) from None
        raise _refused(exc, "state") from None
    db.session.commit()
    return issue_json(issue)


@bp.post("/issues/<int:issue_id>/comments")
@api_endpoint(ISSUE_VIEW, summary=_l("Comment on a cross-department issue"), body=COMMENT_INPUT, status=201,
              response=COMMENT, tags=TAGS,
              description=_l("On the issue's timeline, as on its page; people mentioned with @login who may see "
                             "the issue are told."))
def comment_issue(issue_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    from core.timeline.services import CommentError, CommentRefused, add_comment

    issue = _visible_issue(issue_id)
    try:
        comment = add_comment(issue, body["body"], current_user).comment
    except CommentRefused as exc:
        db.session.rollback()
        raise ApiError(403, str(exc)) from None
    except CommentError as exc:
        db.session.rollback()
        raise ValidationError({"body": [str(exc)]}) from None
    db.session.commit()
    return {"id": comment.id, "issue_id": issue.id, "author_id": comment.author_id, "body": comment.body,
            "created_at": _stamp(comment.created_at)}


# ---------------------------------------------------------------------------------------------------- kudos


@bp.post("/kudos")
@api_endpoint(RECOGNITION_VIEW, summary=_l("Give kudos"), body=KUDOS_INPUT, status=201, response=KUDOS, tags=TAGS,
              description=_l("Thank someone else with a reason (R8.1.3); they are told."),
              rules={"to_id": _l("an active person other than you")})
def give_kudos(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    try:
        kudos: Kudos = recognition.give_kudos(db.session, current_user, to_id=body["to_id"], reason=body["reason"])
    except TeamError as exc:
        db.session.rollback()
        raise _refused(exc, "to_id") from None
    db.session.commit()
    return {"id": kudos.id, "from_id": kudos.from_id, "to_id": kudos.to_id, "reason": kudos.reason,
            "created_at": _stamp(kudos.created_at)}

