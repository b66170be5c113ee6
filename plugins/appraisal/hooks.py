"""The appraisal's hook implementations: what it offers the core and the other plugins."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DashboardWidget, MenuItem, ProfileSection, ScheduledJob, TimelineEntry
from core.hookspecs import hookimpl
from core.security import can, has_team

HOUR = 3600


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.appraisal.api import bp as api_bp
    from plugins.appraisal.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list:
    from plugins.appraisal.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.appraisal.settings import setting_definitions

    return setting_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    from plugins.appraisal import permissions as p

    items = [
        MenuItem("appraisal", _l("Appraisals"), "appraisal.mine", permission=p.VIEW, icon="award",
                 order=400),
        MenuItem("appraisal.mine", _l("My appraisals"), "appraisal.mine", permission=p.VIEW, order=401,
                 parent="appraisal"),
    ]
    if has_team(user) or can(user, p.HR) or can(user, p.CALIBRATE):
        items.append(MenuItem("appraisal.team", _l("Team appraisals"), "appraisal.team", permission=p.VIEW,
                              order=402, parent="appraisal"))
    items += [
        MenuItem("appraisal.calibration", _l("Calibration"), "appraisal.calibration", permission=p.CALIBRATE,
                 order=403, parent="appraisal"),
        MenuItem("appraisal.overview", _l("HR overview"), "appraisal.overview", permission=p.HR, order=404,
                 parent="appraisal"),
        MenuItem("appraisal.bonus", _l("Performance bonus"), "appraisal.bonus", permission=p.BONUS, order=405,
                 parent="appraisal"),
        MenuItem("appraisal.candidates", _l("Promotion and demotion"), "appraisal.candidates_page",
                 permission=p.CALIBRATE, order=406, parent="appraisal"),
        MenuItem("appraisal.templates", _l("Appraisal templates"), "appraisal.templates", permission=p.TEMPLATES,
                 order=407, parent="appraisal"),
    ]
    return items


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.appraisal import widgets
    from plugins.appraisal.permissions import VIEW

    return [DashboardWidget("appraisal.mine", _l("My appraisal"), "appraisal/widgets/mine.html", permission=VIEW,
                            order=30, context=widgets.my_appraisal)]


@hookimpl
def user_profile_sections(user: Any) -> list[ProfileSection]:
    from plugins.appraisal import widgets

    return [ProfileSection("appraisal.results", _l("Appraisal results"), "appraisal/profile/results.html", order=40,
                           context=widgets.profile_results)]


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.appraisal.models import Appraisal

    if isinstance(obj, Appraisal):
        return url_for("appraisal.detail", appraisal_id=obj.id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.appraisal.timeline import entries_for

    return entries_for(obj)


@hookimpl
def register_kpis() -> list:
    from plugins.appraisal.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def register_datasets() -> list:
    from plugins.appraisal.datasets import definitions

    return definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.appraisal.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.appraisal import jobs

    return [
        ScheduledJob("appraisal.open_cycles", jobs.open_cycles, HOUR,
                     _l("Open the monthly and annual appraisals and read their results (R4.2)")),
        ScheduledJob("appraisal.reminders", jobs.reminders, 6 * HOUR,
                     _l("Remind people of self-assessments and reviews coming due (R4.2)")),
    ]


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.appraisal.demo import load

    load(session, rng)
