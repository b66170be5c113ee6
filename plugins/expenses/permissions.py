"""The plugin's permissions (register_permissions) and who holds them by default (R9.2)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

EVERYONE = ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance", "department_head")


def permission_definitions() -> list[PermissionDef]:
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
