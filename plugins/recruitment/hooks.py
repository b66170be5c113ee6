"""The recruitment plugin's hook implementations: what it offers the core and the other plugins."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DashboardWidget, MenuItem, ScheduledJob, TimelineEntry
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.recruitment.api import bp as api_bp
    from plugins.recruitment.views import bp, public_bp

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list:
    from plugins.recruitment.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.recruitment.settings import setting_definitions

    return setting_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("recruitment", _l("Recruitment"), "recruitment.requisitions",
                 permission="recruitment.requisition.view", icon="user-plus", order=450),
        MenuItem("recruitment.requisitions", _l("Hiring plans"), "recruitment.requisitions",
                 permission="recruitment.requisition.view", order=451, parent="recruitment"),
        MenuItem("recruitment.candidates", _l("Candidates"), "recruitment.candidates",
                 permission="recruitment.application.view", order=452, parent="recruitment"),
        MenuItem("recruitment.interviews", _l("My interviews"), "recruitment.my_interviews",
                 permission="recruitment.interview", icon="messages-square", order=453),
        MenuItem("recruitment.papers", _l("Written tests"), "recruitment.papers",
                 permission="recruitment.application.manage", order=454, parent="recruitment"),
        MenuItem("recruitment.postings", _l("Postings and costs"), "recruitment.postings",
                 permission="recruitment.posting.manage", order=455, parent="recruitment"),
        MenuItem("recruitment.reports", _l("Recruitment reports"), "recruitment.reports",
                 permission="recruitment.report.view", order=456, parent="recruitment"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.recruitment import widgets

    return widgets.dashboard_widgets(user)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.recruitment.models import Application, CheckItem, Requisition

    if isinstance(obj, Application):
        return url_for("recruitment.application", application_id=obj.id)
    if isinstance(obj, Requisition):
        return url_for("recruitment.requisition", requisition_id=obj.id)
    if isinstance(obj, CheckItem):
        from core.extensions import db
        from plugins.recruitment.models import BackgroundCheck

        check = db.session.get(BackgroundCheck, obj.check_id)
        return url_for("recruitment.application", application_id=check.application_id) if check else None
    return None


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list:
    from plugins.recruitment.search import search

    return search(query, user, limit)


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.recruitment.timeline import entries_for

    return entries_for(obj)


@hookimpl
def register_datasets() -> list:
    from plugins.recruitment.datasets import definitions

    return definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.recruitment.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.recruitment.demo import load

    load(session, rng)


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.recruitment.jobs import retention

    return [ScheduledJob("recruitment.retention", retention, 24 * 3600,
                         _l("Anonymise rejected candidates after the retention period (R11, PIPL)"))]
