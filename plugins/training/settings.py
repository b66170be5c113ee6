"""The training settings, edited on the core settings page."""

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef


def setting_definitions() -> list[SettingDef]:
    return [
        SettingDef("training.onboarding_days", _l("Days a new hire has to finish onboarding (R3.2.1)"), "int", 30,
                   help=_l("Measured by the compliance figure on the regulation page.")),
        SettingDef("training.onboarding_catch_up_days",
                   _l("Start onboarding for people hired in the last N days who have none"), "int", 30,
                   help=_l("For people added on the users page or by import; checked every quarter of an hour.")),
        SettingDef("training.min_hours_per_year", _l("Training hours each person needs per year (R3.2.2)"),
                   "decimal", "24"),
        SettingDef("training.plan_score_threshold",
                   _l("Appraisal result under which a personal plan is proposed (R4.4.3)"), "decimal", "60"),
        SettingDef("training.plan_indicator_threshold",
                   _l("Indicator score under which it counts as weak (R3.2.3)"), "decimal", "60"),
        SettingDef("training.effect_weeks", _l("Weeks before and after a course compared for its effect (R3.2.4)"),
                   "int", 8),
    ]
