"""The plugin contract: every hook a plugin may implement.

Project name "netsales"; hooks take keyword arguments only. List hooks return lists of the frozen records in
core/contracts.py, which the core validates and sorts: never rely on the order in which plugins are called.
docs/hooks.md is generated from this module (``netsales dev hooks-doc``) and a test keeps them equal.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "netsales"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

# ---------------------------------------------------------------------------------------------------- setup


@hookspec
def plugin_init(app: Any, plugin: Any) -> None:
    """Called once at start for every installed plugin, enabled or not, after its hooks are registered.

    ``plugin`` is the engine's record of the plugin (manifest, path, state). Keep it cheap: it runs on every start.
    """


@hookspec
def register_blueprints(app: Any) -> None:
    """Register the plugin's Flask blueprints on ``app``.

    Called at start for every installed plugin; a guard answers 404 on a disabled plugin's routes, so nothing here
    may depend on the plugin being enabled. Name blueprints after the plugin (``crm``, ``crm_api``).
    """


@hookspec
def register_cli_commands(cli: Any) -> None:
    """Add click commands or groups to the ``netsales`` command group ``cli``."""


@hookspec
def register_permissions() -> list:
    """Return the plugin's permissions as ``PermissionDef`` records (codes start with the plugin's name).

    They are synced to the database at start and offered on the role editor.
    """


@hookspec
def register_settings() -> list:
    """Return ``SettingDef`` records; the settings page shows them under the plugin's title."""


@hookspec
def register_scheduled_jobs() -> list:
    """Return ``ScheduledJob`` records; ``netsales jobs run-due`` runs the due ones of enabled plugins."""


@hookspec
def register_reports() -> list:
    """Return ``ReportDef`` records: printable reports the reports menu lists."""


@hookspec
def seed_data(session: Any) -> None:
    """Insert the records the plugin needs to work (categories, default settings). Called each time the plugin is
    enabled, so it must be idempotent. Do not commit: the engine commits."""


@hookspec
def demo_data(session: Any, rng: Any) -> None:
    """Insert demo records for the demo company. Called by ``netsales demo`` in dependency order, into an empty
    database only. ``rng`` is a seeded ``random.Random``: use it, not the ``random`` module, so demos repeat."""


# ---------------------------------------------------------------------------------------------------- access


@hookspec
def permission_check(user: Any, permission: str, obj: Any) -> bool | None:
    """Veto or allow an access decision on ``obj`` (may be None). Return False to deny, True to allow, None to
    abstain. Any False denies, whatever the roles say."""


# ---------------------------------------------------------------------------------------------------- UI


@hookspec
def menu_items(user: Any) -> list:
    """Return ``MenuItem`` records for ``user``; items whose permission the user lacks are dropped by the core.

    Answer from what the menu may depend on: the user's permissions (``core.security.can``) and whether they have
    a team (``core.security.has_team``). Each process keeps the menu per locale, grants and team until plugins
    change (core/web/navigation.py), so an answer built from anything else would be shared by users it is not
    meant for."""


@hookspec
def dashboard_widgets(user: Any) -> list:
    """Return ``DashboardWidget`` records for ``user``'s dashboard."""


@hookspec
def template_slot(slot: str, user: Any, ctx: dict) -> list:
    """Return ``SlotContent`` records to insert at the named ``slot`` of a page (e.g. ``user.detail.sidebar``).

    ``user`` is the viewer: check their permissions yourself before adding anything. ``ctx`` is the page's context
    (the record shown, etc.)."""


@hookspec
def user_profile_sections(user: Any) -> list:
    """Return ``ProfileSection`` records shown on ``user``'s profile page."""


# ---------------------------------------------------------------------------------------------------- between plugins


@hookspec
def register_kpis() -> list:
    """Return ``KPIDef`` records (``pipeline.revenue``, ``crm.satisfaction``, ...). Appraisal and analytics read
    KPIs only this way."""


@hookspec
def register_datasets() -> list:
    """Return ``DatasetDef`` records that analytics can chart and export."""


@hookspec
def customer_purchase_stats(customer_ids: list, since: Any) -> list:
    """Return ``PurchaseStats`` for those of ``customer_ids`` the plugin knows purchases of, since the date
    ``since``. The CRM grades customers A/B/C with it (R5.2.1)."""


@hookspec
def customer_evaluations(user_ids: list, period: Any) -> list:
    """Return ``CustomerEvaluation`` records: how customers rated each of ``user_ids`` in satisfaction surveys
    answered within ``period`` (a ``Period``), one record per person with at least one answer. The appraisal's
    customer evaluation reads it (R4.3.3); the CRM answers from its surveys. One set-based query, not one per person."""


@hookspec
def global_search(query: str, user: Any, limit: int) -> list:
    """Return up to ``limit`` ``SearchResult`` records matching ``query`` among the records ``user`` may see."""


@hookspec(firstresult=True)
def object_url(obj: Any) -> str | None:
    """Return the URL of ``obj``'s page if the plugin owns that kind of object, else None (first answer wins)."""


@hookspec
def timeline_entries(obj: Any, user: Any) -> list:
    """Return ``TimelineEntry`` records that the plugin adds to ``obj``'s timeline, as ``user`` sees it.

    Called for every record page that shows a timeline, whatever the kind of ``obj``: return ``[]`` for objects the
    plugin does not own. ``user`` is the viewer (None outside a request): leave out what they may not see (check
    with ``core.security.can(user, permission, record)``); do not read ``current_user``."""


@hookspec
def record_smart_buttons(obj: Any, user: Any) -> list:
    """Return ``SmartButton`` records for the top of ``obj``'s page as ``user`` sees it: counts of related records
    that link to the filtered list (a customer's deals, quotations, orders, tickets, claims), or actions.

    Called for every record page that shows smart buttons, whatever the kind of ``obj``: return ``[]`` for objects the
    plugin has nothing to say about; count only what ``user`` may see (one aggregate statement per button group)."""


@hookspec
def register_lookups() -> list:
    """Return ``LookupDef`` records: the kinds of record a searchable select can pick (``crm.customer``,
    ``pipeline.product``). Served as JSON at ``/lookup/<kind>``, scoped to the asking user, with no cap on what can
    be found; forms use ``core.web.lookup.LookupField(kind=…)``."""


@hookspec
def compliance_checks() -> list:
    """Return ``ComplianceCheck`` records: live measures tied to regulation clauses."""


# ---------------------------------------------------------------------------------------------------- events


@hookspec
def employee_hired(user: Any) -> None:
    """A person joined the company (a user was created with a hire date), e.g. to schedule onboarding (R3.2.1)."""


@hookspec
def customer_created(customer: Any) -> None:
    """The CRM recorded a new customer or lead (R5.1.1)."""


@hookspec
def customer_grade_changed(customer: Any, old_grade: str | None, new_grade: str) -> None:
    """A customer's A/B/C grade changed (R5.2.1)."""


@hookspec
def deal_stage_changed(deal: Any, old_stage: str | None, new_stage: str, user: Any) -> None:
    """A deal moved between the six stages of R6, forwards or back."""


@hookspec
def deal_won(deal: Any, user: Any) -> None:
    """A deal was won."""


@hookspec
def order_confirmed(order: Any) -> None:
    """An order was confirmed (R6.5.1)."""


@hookspec
def order_status_changed(order: Any, old_status: str | None, new_status: str) -> None:
    """An order's fulfilment status changed (R6.5.2, R6.5.3)."""


@hookspec
def appraisal_finalized(appraisal: Any) -> None:
    """An appraisal result became final (R4.3.4).

    Training reads (R4.4.3), each defensively: ``id``, ``employee_id`` (the person's user id), ``final_score``
    (0-100) and ``scores``, whose items have ``indicator.kpi_key`` or ``indicator.name`` and ``result_score``
    (0-100) or ``superior_rating`` (1-5). Keep these names, or tell the training plugin."""


@hookspec
def expense_claim_paid(claim: Any) -> None:
    """An expense claim was paid out (R9.2.3)."""
