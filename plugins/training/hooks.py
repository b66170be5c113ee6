"""The training plugin's hook implementations: what it offers the core and the other plugins."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import (
    DashboardWidget,
    DatasetDef,
    LookupDef,
    MenuItem,
    ProfileSection,
    ScheduledJob,
    SearchResult,
    TimelineEntry,
)
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.training.api import bp as api_bp
    from plugins.training.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list:
    from plugins.training.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def register_settings() -> list:
    from plugins.training.settings import setting_definitions

    return setting_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("training", _l("Training"), "training.my_training", permission="training.course.view",
                 icon="graduation-cap", order=400),
        MenuItem("training.my", _l("My training"), "training.my_training", permission="training.course.view",
                 order=401, parent="training"),
        MenuItem("training.courses", _l("Course catalogue"), "training.courses", permission="training.course.view",
                 order=402, parent="training"),
        MenuItem("training.sessions", _l("Sessions"), "training.sessions", permission="training.course.view",
                 order=403, parent="training"),
        MenuItem("training.team", _l("Team progress"), "training.team", permission="training.record.view",
                 order=404, parent="training"),
        MenuItem("training.plans", _l("Personal plans"), "training.plans", permission="training.record.view",
                 order=405, parent="training"),
        MenuItem("training.grading", _l("Exams to grade"), "training.grading", permission="training.exam.grade",
                 order=406, parent="training"),
        MenuItem("training.effect", _l("Training effectiveness"), "training.effectiveness",
                 permission="training.report.view", order=407, parent="training"),
        MenuItem("training.onboarding", _l("Onboarding programmes"), "training.programmes",
                 permission="training.onboarding.manage", order=408, parent="training"),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.training import widgets

    return [DashboardWidget("training.mine", _l("My training"), "training/widgets/mine.html",
                            permission="training.course.view", order=40, context=widgets.my_training)]


@hookimpl
def user_profile_sections(user: Any) -> list[ProfileSection]:
    from plugins.training import widgets

    return [ProfileSection("training.record", _l("Training record"), "training/widgets/record.html", order=50,
                           context=widgets.training_record)]


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from plugins.training.search import search

    return search(query, user, limit)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.training.models import TrainingCourse, TrainingModule, TrainingPlan, TrainingSession

    if isinstance(obj, TrainingCourse):
        return url_for("training.course", course_id=obj.id)
    if isinstance(obj, TrainingModule):
        return url_for("training.course", course_id=obj.course_id)
    if isinstance(obj, TrainingSession):
        return url_for("training.session", session_id=obj.id)
    if isinstance(obj, TrainingPlan):
        return url_for("training.plan", plan_id=obj.id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.training.timeline import entries_for

    return entries_for(obj)


@hookimpl
def register_lookups() -> list[LookupDef]:
    from plugins.training.lookups import lookup_definitions

    return lookup_definitions()


@hookimpl
def register_kpis() -> list:
    from plugins.training.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def register_datasets() -> list[DatasetDef]:
    from plugins.training.datasets import definitions

    return definitions()


@hookimpl
def compliance_checks() -> list:
    from plugins.training.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.training import jobs

    return [
        ScheduledJob("training.onboard_new_hires", jobs.onboard_new_hires, 900,
                     _l("Start onboarding for new hires whom no hiring started it for (R3.2.1)")),
        ScheduledJob("training.remind_overdue", jobs.remind_overdue, 3600,
                     _l("Remind people and their supervisors of overdue onboarding modules (R3.2.1)")),
    ]


@hookimpl
def seed_data(session: Any) -> None:
    from plugins.training.services.onboarding import seed_programme

    seed_programme(session)


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.training.demo import load

    load(session, rng)


@hookimpl
def employee_hired(user: Any) -> None:
    """R3.2.1: the new hire gets the onboarding programme of their position (once, however often this fires)."""
    from core.extensions import db
    from plugins.training.services.onboarding import start_onboarding

    start_onboarding(db.session, user)


@hookimpl
def appraisal_finalized(appraisal: Any) -> None:
    """R4.4.3: a poor result or a weak indicator proposes a draft personal plan to the supervisor."""
    from core.extensions import db
    from plugins.training.services.plans import propose_from_appraisal

    propose_from_appraisal(db.session, appraisal)
