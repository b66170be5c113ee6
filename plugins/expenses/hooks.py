"""The expenses plugin's hook implementations: the only module registered with pluggy."""

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
)
from core.hookspecs import hookimpl

EVERYONE = ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance", "department_head")


@hookimpl
def register_blueprints(app: Any) -> None:
    from plugins.expenses.api import bp as api_bp
    from plugins.expenses.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)


@hookimpl
def register_permissions() -> list[PermissionDef]:
    return [
        # Record-level: employees see their own claims, heads their team's, finance and managers all (R9.2).
        PermissionDef("expenses.claim.view", _l("See expense claims"), record_level=True, default_grants=(
            ("sales_rep", "own"), ("sales_supervisor", "team"), ("sales_manager", "all"), ("hr", "own"),
            ("finance", "all"), ("department_head", "team"))),
        PermissionDef("expenses.claim.create", _l("File expense claims"),
                      default_grants=tuple((role, "all") for role in EVERYONE)),
        PermissionDef("expenses.claim.finance_review", _l("Re-review expense claims for finance (R9.2.3)"),
                      default_grants=(("finance", "all"),)),
        PermissionDef("expenses.claim.pay", _l("Record payments of expense claims"),
                      default_grants=(("finance", "all"),)),
        PermissionDef("expenses.budget.view", _l("See expense budgets"), default_grants=(
            ("finance", "all"), ("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef("expenses.budget.manage", _l("Set expense budgets and categories (R9.1)"),
                      default_grants=(("finance", "all"), ("sales_manager", "all"))),
        PermissionDef("expenses.budget.approve", _l("Approve expense budgets"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef("expenses.report.view", _l("See expense reports"), default_grants=(
            ("finance", "all"), ("sales_manager", "all"), ("department_head", "all"))),
    ]


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
    from plugins.expenses.platform import SETTING_DEFAULTS as D

    return [
        SettingDef("expenses.amount_ceiling", _l("Largest amount accepted on one claim line (CNY)"), "decimal",
                   D["expenses.amount_ceiling"], help=_l("Larger amounts are refused as a likely typing error.")),
        SettingDef("expenses.receipt_max_kb", _l("Largest receipt file (KB)"), "int", D["expenses.receipt_max_kb"]),
        SettingDef("expenses.reminder_days", _l("Remind reviewers of claims waiting longer than (days)"), "int",
                   D["expenses.reminder_days"]),
        SettingDef("expenses.default_policy", _l("Over-budget policy of new categories"), "choice",
                   D["expenses.default_policy"],
                   choices=(("warn", _l("Warn the reviewers")), ("block", _l("Block the claim"))),
                   help=_l("Each category has its own policy on the categories page (R9.x).")),
    ]


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    from plugins.expenses.reporting import run_reminders

    return [ScheduledJob("expenses.remind_reviewers", run_reminders, 6 * 3600,
                         _l("Remind reviewers of expense claims waiting too long"))]


@hookimpl
def seed_data(session: Any) -> None:
    from plugins.expenses.services import ensure_default_categories

    ensure_default_categories(session)


@hookimpl
def demo_data(session: Any, rng: Any) -> None:
    from plugins.expenses.demo import load_demo

    load_demo(session, rng)


@hookimpl
def register_kpis() -> list[KPIDef]:
    from plugins.expenses.reporting import kpi_days_to_payment, kpi_total

    return [
        KPIDef("expenses.total", _l("Reimbursed expenses"), "CNY", kpi_total, higher_is_better=False),
        KPIDef("expenses.days_to_payment", _l("Days from claim submission to payment"), "days",
               kpi_days_to_payment, higher_is_better=False),
    ]


@hookimpl
def register_datasets() -> list[DatasetDef]:
    from plugins.expenses.reporting import datasets

    return datasets()


@hookimpl
def compliance_checks() -> list[ComplianceCheck]:
    from plugins.expenses.reporting import measure_budgets_kept, measure_paid_claims_reviewed

    return [
        ComplianceCheck("expenses.paid_claims_reviewed", "R9.2.3",
                        _l("Paid claims that passed both reviews and had every receipt"),
                        measure_paid_claims_reviewed),
        ComplianceCheck("expenses.budgets_kept", "R9.1.2", _l("Budget lines of this year within budget"),
                        measure_budgets_kept),
    ]


@hookimpl
def dashboard_widgets(user: Any) -> list[DashboardWidget]:
    from plugins.expenses import widgets

    return [
        DashboardWidget("expenses.my_claims", _l("My expense claims"), "expenses/widgets/my_claims.html",
                        permission="expenses.claim.create", order=40, context=widgets.my_claims),
        DashboardWidget("expenses.waiting", _l("Expense claims waiting for me"), "expenses/widgets/waiting.html",
                        order=41, context=widgets.waiting_for_me),
        DashboardWidget("expenses.budget_use", _l("My department's budget use"), "expenses/widgets/budget.html",
                        order=42, context=widgets.department_budget),
    ]


@hookimpl
def global_search(query: str, user: Any, limit: int) -> list[SearchResult]:
    from flask import url_for

    from core.extensions import db
    from core.security import can
    from plugins.expenses.services import claims_query, state_label

    if not can(user, "expenses.claim.create") and not can(user, "expenses.claim.view"):
        return []
    # Every word in the number or the title, as the lists search (search.claim_search, through its index).
    claims = db.session.scalars(claims_query(user, q=query, session=db.session).limit(limit))
    return [SearchResult(title=f"{c.number} {c.title}", url=url_for("expenses.claim_detail", claim_id=c.id),
                         kind="expense_claim", kind_label=_l("Expense claims"), snippet=f"{state_label(c.state)} · ¥{c.total:,.2f}")
            for c in claims]


@hookimpl
def object_url(obj: Any) -> str | None:
    from flask import url_for

    from plugins.expenses.models import Claim

    if isinstance(obj, Claim):
        return url_for("expenses.claim_detail", claim_id=obj.id)
    return None
