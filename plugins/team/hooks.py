"""The team plugin's hook implementations: what it offers the core and the other plugins (wired here, written
in small modules of their own)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DashboardWidget, MenuItem, ProfileSection, SearchResult, TimelineEntry
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.team.api import bp as api_bp
    from plugins.team.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list:
    from plugins.team.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.team.settings import setting_definitions

    return setting_definitions()


@hookimpl
def register_scheduled_jobs() -> list:
    from plugins.team.jobs import job_definitions

    return job_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("team", _l("Team"), "team.notices", permission="team.notice.view", icon="megaphone", order=600),
        MenuItem("team.notices", _l("Notice board"), "team.notices", permission="team.notice.view", order=601,
                 parent="team"),
        MenuItem("team.meetings", _l("Sales meetings"), "team.meetings", permission="team.meeting.view", order=602,
                 parent="team"),
        MenuItem("team.actions", _l("My action items"), "team.my_actions", permission="team.meeting.view",
                 order=603, parent="team"),
        MenuItem("team.issues", _l("Cross-department issues"), "team.issues", permission="team.issue.view",
                 order=604, parent="team"),
        MenuItem("team.posts", _l("Shared experience"), "team.posts", permission="team.post.view", order=605,
                 parent="team"),
        MenuItem("team.recognition", _l("Recognition"), "team.recognition", permission="team.recognition.view",
                 order=606, parent="team"),
        MenuItem("team.activities", _l("Team activities"), "team.activities", permission="team.activity.view",
                 order=607, parent="team"),
        MenuItem("team.robots", _l("Group robots"), "team.robots", permission="team.robot.manage", order=608,
                 parent="team"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.team import widgets

    return [
        DashboardWidget("team.action_items", _l("My action items"), "team/widgets/action_items.html",
                        permission="team.meeting.view", order=20, context=widgets.my_action_items),
        DashboardWidget("team.required_reading", _l("Notices to read"), "team/widgets/required_reading.html",
                        permission="team.notice.view", order=21, context=widgets.required_reading),
    ]


@hookimpl
def user_profile_sections(user: Any) -> list[ProfileSection]:
    from plugins.team import widgets

    return [ProfileSection("team.recognition", _l("Awards and kudos"), "team/profile/recognition.html", order=50,
                           context=widgets.profile_recognition)]


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from plugins.team.search import search

    return search(query, user, limit)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.team.models import Activity, Issue, Meeting, Notice, Post

    if isinstance(obj, Notice):
        return url_for("team.notice", notice_id=obj.id)
    if isinstance(obj, Meeting):
        return url_for("team.meeting", meeting_id=obj.id)
    if isinstance(obj, Issue):
        return url_for("team.issue", issue_id=obj.id)
    if isinstance(obj, Post):
        return url_for("team.post", post_id=obj.id)
    if isinstance(obj, Activity):
        return url_for("team.activity", activity_id=obj.id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.team.timeline import entries_for

    return entries_for(obj)


@hookimpl
def register_datasets() -> list:
    from plugins.team.datasets import definitions

    return definitions()


@hookimpl
def register_kpis() -> list:
    from plugins.team.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.team.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.team.demo import load

    load(session, rng)


@hookimpl
def deal_won(deal: Any, user: Any) -> None:
    """Tell the winner's team robot, when the company wants it (setting team.announce_won_deals)."""
    from core.extensions import db
    from core.settings import get_setting
    from plugins.team.services import robots

    if not get_setting("team.announce_won_deals"):
        return
    owner = getattr(deal, "owner", None)
    if owner is None or not owner.superior_id:
        return
    robots.queue(db.session, audience="team", department_id=None, team_leader_id=owner.superior_id,
                 title=str(_l("Deal won")) + ": " + str(getattr(deal, "title", "")), text=owner.name, sender=user)


@hookimpl
def appraisal_finalized(appraisal: Any) -> None:
    """A top appraisal result suggests the person for an award and asks their superior to recognise them (R10,
    R8.1.3); in a savepoint, so that a failure here never undoes the appraisal."""
    from core.extensions import db
    from plugins.team.services.recognition import recognise_appraisal

    try:
        with db.session.begin_nested():
            recognise_appraisal(db.session, appraisal)
    except Exception:  # the appraisal's own transaction must go on: logged, not raised
        from flask import current_app

        current_app.logger.exception("team: recognition of appraisal %s failed", getattr(appraisal, "id", "?"))
