"""Analytics' permissions. Figures need no scope of their own: every data set limits itself to its reader."""

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

SALES = (("sales_rep", "all"), ("sales_supervisor", "all"), ("sales_manager", "all"))
READERS = (*SALES, ("department_head", "all"), ("hr", "all"), ("finance", "all"))

VIEW = "analytics.view"
SHARE = "analytics.report.share"
MARKET_VIEW = "analytics.market.view"
MARKET_REPORT = "analytics.market.report"
MARKET_MANAGE = "analytics.market.manage"
MONTHLY = "analytics.monthly.view"


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef(VIEW, _l("See analytics dashboards and explore data sets"), default_grants=READERS),
        PermissionDef(SHARE, _l("Share saved reports with a role"),
                      default_grants=(("sales_supervisor", "all"), ("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef(MONTHLY, _l("Read the monthly sales reports"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef(MARKET_VIEW, _l("See competitors and market prices"),
                      default_grants=(*SALES, ("department_head", "all"))),
        PermissionDef(MARKET_REPORT, _l("Report competitors' prices"), default_grants=SALES),
        PermissionDef(MARKET_MANAGE, _l("Keep the list of competitors"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
    ]
