"""The expenses plugin's hook implementations: the only module registered with pluggy. Each hook hands over to the
small module that does the job."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import (
    ComplianceCheck,
    DashboardWidget,
    DatasetDef,
    KPIDef,
    MenuItem,
    PermissionDef,
    ScheduledJob,
    SearchResult,
    SettingDef,
    SmartButton,
    TimelineEntry,
)
from core.hookspecs import hookimpl


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.expenses.api import bp as api_bp
    from plugins.expenses.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list[PermissionDef]:
    from plugins.expenses.permissions import permission_definitions

    return permission_definitions()


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("expenses", _l("Expenses"), "expenses.claims", permission="expenses.claim.create",
                 icon="receipt", order=400),
        MenuItem("expenses.review", _l("Claims to review"), "expenses.review_queue", icon="stamp", order=401,
                 parent="expenses"),
        MenuItem("expenses.finance", _l("Finance review and payment"), "expenses.finance_queue",
                 permission="expenses.claim.finance_review", icon="banknote", order=402, parent="expenses"),
        MenuItem("expenses.budgets", _l("Budgets"), "expenses.budgets", permission="expenses.budget.view",
                 icon="piggy-bank", order=403, parent="expenses"),
        MenuItem("expenses.reports", _l("Expense reports"), "expenses.reports", permission="expenses.report.view",
                 icon="chart-column", order=404, parent="expenses"),
    ]


@hookimpl
def register_settings() -> list[SettingDef]:
    from plugins.expenses.settings import setting_definitions

    return setting_definitions()


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    def run_reminders() -> None:
        from core.extensions import db
        from plugins.expenses.services.notices import remind_overdue_reviewers

        remind_overdue_reviewers(db.session)
        db.session.commit()

    return [ScheduledJob("expenses.remind_reviewers", run_reminders, 6 * 3600,
                         _l("Remind reviewers of expense claims waiting too long"))]


@hookimpl
def seed_data(session: Any) -> None:
    from plugins.expenses.services.categories import ensure_default_categories

    ensure_default_categories(session)


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.expenses.demo import load_demo

    load_demo(session, rng)


@hookimpl
def register_kpis() -> list[KPIDef]:
    from plugins.expenses.kpis import kpi_definitions

    return kpi_definitions()


@hookimpl
def register_datasets() -> list[DatasetDef]:
    from plugins.expenses.datasets import datasets

    return datasets()


@hookimpl
def compliance_checks() -> list[ComplianceCheck]:
    from plugins.expenses.compliance import compliance_definitions

    return compliance_definitions()


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.expenses import widgets

    return widgets.dashboard_widgets(user)  # by what the user does with claims (issue 12)


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from plugins.expenses.search import global_results

    return global_results(query, user, limit)


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.expenses.models import Claim

    if isinstance(obj, Claim):
        return url_for("expenses.claim_detail", claim_id=obj.id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.expenses.timeline import entries_for

    return entries_for(obj, user)


@hookimpl
def record_smart_buttons(obj: Any, user: Any) -> list[SmartButton]:
    from plugins.expenses.smart_buttons import buttons_for

    return buttons_for(obj, user)
