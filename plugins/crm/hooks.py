"""The CRM's hook implementations: the only module registered with pluggy."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import (
    ComplianceCheck,
    DashboardWidget,
    DatasetDef,
    KPIDef,
    LookupDef,
    MenuItem,
    PermissionDef,
    PurchaseStats,
    ScheduledJob,
    SearchResult,
    SettingDef,
    SmartButton,
    TimelineEntry,
)
from core.hookspecs import hookimpl
from plugins.crm.evaluations import customer_evaluations  # noqa: F401  (hook: R4.3.3 for appraisals)

REP, SUPERVISOR, MANAGER, HEAD = "sales_rep", "sales_supervisor", "sales_manager", "department_head"
DAY = 86400


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.crm.api import bp as api_bp
    from plugins.crm.public import bp as public_bp
    from plugins.crm.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_cli_commands(cli: Any) -> None:
    from plugins.crm.cli import crm_group

    if "crm" not in cli.commands:
        cli.add_command(crm_group)


@hookimpl
def register_permissions() -> list[PermissionDef]:
    record = {"record_level": True}
    return [
        # R2.1 own, R2.2 team, R2.3 all; department heads read their team's (R11: only whose role allows).
        PermissionDef("crm.customer.view", _l("See customer files"), **record,
                      default_grants=((REP, "own"), (SUPERVISOR, "team"), (MANAGER, "all"), (HEAD, "team"))),
        PermissionDef("crm.customer.edit", _l("Record and change customers, contacts and interactions"), **record,
                      default_grants=((REP, "own"), (SUPERVISOR, "team"), (MANAGER, "all"))),
        PermissionDef("crm.customer.assign", _l("Allocate customers and distribute leads (R2.2.3)"), **record,
                      default_grants=((SUPERVISOR, "team"), (MANAGER, "all"))),
        PermissionDef("crm.customer.merge", _l("Merge duplicate customer files"), **record,
                      default_grants=((SUPERVISOR, "team"), (MANAGER, "all"))),
        PermissionDef("crm.customer.import", _l("Import customers and purchases"),
                      default_grants=((REP, "all"), (SUPERVISOR, "all"), (MANAGER, "all"))),
        PermissionDef("crm.customer.export", _l("Export customer data (R11)"),
                      default_grants=((SUPERVISOR, "all"), (MANAGER, "all"))),
        PermissionDef("crm.grade.override", _l("Override a customer's grade"), default_grants=((MANAGER, "all"),)),
        PermissionDef("crm.plan.manage", _l("Edit the service plans per grade"), default_grants=((MANAGER, "all"),)),
        PermissionDef("crm.campaign.manage", _l("Create and send campaigns"),
                      default_grants=((SUPERVISOR, "all"), (MANAGER, "all"))),
        PermissionDef("crm.event.manage", _l("Organise customer events"),
                      default_grants=((REP, "all"), (SUPERVISOR, "all"), (MANAGER, "all"))),
        PermissionDef("crm.privacy.manage", _l("Answer personal-data access and deletion requests (PIPL)"),
                      default_grants=((MANAGER, "all"),)),
    ]


@hookimpl
def menu_items(user: Any) -> list[MenuItem]:
    return [
        MenuItem("crm", _l("Customers"), "crm.customers", permission="crm.customer.view", icon="users", order=100),
        MenuItem("crm.revisits", _l("Revisits"), "crm.revisits", permission="crm.customer.view", order=101,
                 parent="crm"),
        MenuItem("crm.interactions", _l("Interactions"), "crm.interactions", permission="crm.customer.view",
                 order=101, parent="crm"),
        MenuItem("crm.cleanup", _l("Clean-up"), "crm.cleanup", permission="crm.customer.edit", order=102,
                 parent="crm"),
        MenuItem("crm.allocation", _l("Allocation"), "crm.allocation", permission="crm.customer.assign",
                 order=103, parent="crm"),
        MenuItem("crm.reps", _l("Per representative"), "crm.reps", permission="crm.customer.assign",
                 order=104, parent="crm"),
        MenuItem("crm.campaigns", _l("Campaigns"), "crm.campaigns", permission="crm.campaign.manage", order=105,
                 parent="crm"),
        MenuItem("crm.events", _l("Customer events"), "crm.events", permission="crm.event.manage", order=106,
                 parent="crm"),
        MenuItem("crm.import", _l("Import"), "crm.import_page", permission="crm.customer.import", order=107,
                 parent="crm"),
        MenuItem("crm.plans", _l("Service plans"), "crm.plans", permission="crm.customer.view", order=108,
                 parent="crm"),
    ]


@hookimpl
def register_settings() -> list[SettingDef]:
    from plugins.crm.settings import DEFINITIONS

    return list(DEFINITIONS)


@hookimpl
def seed_data(session: Any) -> None:
    from plugins.crm.services.revisits import seed_plans

    seed_plans(session)


@hookimpl
def register_kpis() -> list[KPIDef]:
    from plugins.crm import kpis

    return [
        KPIDef("crm.new_customers", _l("New customers"), "count", kpis.new_customers),
        KPIDef("crm.satisfaction", _l("Customer satisfaction"), "score 1-5", kpis.satisfaction),
        KPIDef("crm.revisits_on_time", _l("Revisits on time"), "%", kpis.revisits_on_time),
    ]


@hookimpl
def register_datasets() -> list[DatasetDef]:
    from plugins.crm import datasets

    return datasets.definitions()


@hookimpl
def customer_purchase_stats(customer_ids: list, since: Any) -> list[PurchaseStats]:
    from core.extensions import db
    from plugins.crm.services.grading import own_purchase_stats

    return own_purchase_stats(db.session, list(customer_ids), since)


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from plugins.crm.search import search

    return search(query, user, limit)


@hookimpl
def object_url(obj: Any) -> str | None:
    """A path, not a full URL; works in jobs as in requests (notification links)."""
    from plugins.crm.models import Contact, Customer
    from plugins.crm.services.links import customer_path

    if isinstance(obj, Customer):
        return customer_path(obj.id)
    if isinstance(obj, Contact):
        return customer_path(obj.customer_id)
    return None


@hookimpl
def timeline_entries(obj: Any, user: Any) -> list[TimelineEntry]:
    from plugins.crm.models import Customer
    from plugins.crm.timeline import entries_for

    return entries_for(obj) if isinstance(obj, Customer) else []


@hookimpl
def record_smart_buttons(obj: Any, user: Any) -> list[SmartButton]:
    """A customer's contacts, interactions, open revisits and events, as counts on its page (issue 12)."""
    from plugins.crm.smart_buttons import buttons_for

    return buttons_for(obj, user)


@hookimpl
def register_lookups() -> list[LookupDef]:
    """Searchable selects of customers and contacts (issue 12), scoped to what the user sees."""
    from plugins.crm.lookups import definitions

    return definitions()


@hookimpl
def compliance_checks() -> list[ComplianceCheck]:
    from plugins.crm import compliance

    return compliance.checks()


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.crm import widgets

    return widgets.dashboard_widgets(user)  # by what the user does with customers (issue 12)


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.crm import jobs

    return [
        ScheduledJob("crm.regrade", jobs.nightly_regrade, DAY, _l("Regrade customers A/B/C (R5.2.1)")),
        ScheduledJob("crm.revisit_reminders", jobs.revisit_reminders, DAY,
                     _l("Remind representatives of due revisits and next steps (R5.3.1)")),
    ]


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.crm.demo import load

    load(session, rng)
