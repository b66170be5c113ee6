"""The plugin's settings (register_settings); their defaults live in platform.SETTING_DEFAULTS."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef
from plugins.expenses.platform import SETTING_DEFAULTS as D


def setting_definitions() -> list[SettingDef]:
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
