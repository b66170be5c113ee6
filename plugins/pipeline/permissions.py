"""The pipeline's permissions and who gets them by default (R2: representatives own, supervisors team, managers all)."""

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

SALES_SCOPES = (("sales_rep", "own"), ("sales_supervisor", "team"), ("sales_manager", "all"))
EVERYONE_IN_SALES = (("sales_rep", "all"), ("sales_supervisor", "all"), ("sales_manager", "all"))


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef("pipeline.product.view", _l("Read the product catalogue"), default_grants=EVERYONE_IN_SALES),
        PermissionDef("pipeline.product.manage", _l("Edit the product catalogue"),
                      default_grants=(("sales_manager", "all"),)),
        PermissionDef("pipeline.deal.view", _l("See deals and quotations"), record_level=True,
                      default_grants=SALES_SCOPES + (("department_head", "all"),)),
        PermissionDef("pipeline.deal.edit", _l("Work on deals and quotations"), record_level=True,
                      default_grants=SALES_SCOPES),
        PermissionDef("pipeline.discount.approve", _l("Approve quotation discounts"),
                      default_grants=(("sales_supervisor", "team"), ("sales_manager", "all"))),
        PermissionDef("pipeline.order.view", _l("See orders"), record_level=True,
                      default_grants=SALES_SCOPES + (("finance", "all"), ("department_head", "all"))),
        PermissionDef("pipeline.order.edit", _l("Advance orders and import shop orders"), record_level=True,
                      default_grants=SALES_SCOPES),
        PermissionDef("pipeline.ticket.view", _l("See service tickets"), record_level=True,
                      default_grants=SALES_SCOPES),
        PermissionDef("pipeline.ticket.edit", _l("Work on service tickets"), record_level=True,
                      default_grants=SALES_SCOPES),
        PermissionDef("pipeline.target.manage", _l("Set sales targets"),
                      default_grants=(("sales_supervisor", "team"), ("sales_manager", "all"))),
    ]
