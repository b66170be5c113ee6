"""Analytics' settings, edited on the core settings page."""

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef


def setting_definitions() -> list[SettingDef]:
    return [
        SettingDef("analytics.change_threshold", _l("A KPI change from one month to the next that is notable (%)"),
                   "decimal", "40", help=_l("Notable changes go to the person's superior (R7.1.3).")),
        SettingDef("analytics.change_min_base", _l("Smallest previous value a notable change is measured from"),
                   "decimal", "1", help=_l("A change from almost nothing is not a meaningful percentage.")),
        SettingDef("analytics.report_recipients", _l("Who receives the monthly sales report (logins, comma-separated)"),
                   "str", "manager,head", help=_l("Sent on the 1st for the month before (R2.3.6).")),
    ]
