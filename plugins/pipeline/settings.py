"""The pipeline's settings, edited on the core settings page."""

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef
from plugins.pipeline.labels import PRIORITY_LABELS
from plugins.pipeline.services.orders import STATUS_LABELS


def setting_definitions() -> list[SettingDef]:
    definitions = [
        SettingDef("pipeline.discount_limit_representative", _l("Largest discount a representative gives (%)"),
                   "decimal", "5"),
        SettingDef("pipeline.discount_limit_supervisor", _l("Largest discount a supervisor approves (%)"),
                   "decimal", "15"),
        SettingDef("pipeline.discount_limit_manager", _l("Largest discount a manager approves (%)"), "decimal", "30"),
        SettingDef("pipeline.quotation_days", _l("Days to send a quotation after entering the quotation stage"),
                   "int", 3, help=_l("Measured by the R6.3.1 compliance check.")),
        SettingDef("pipeline.follow_up_days", _l("Days after delivery for the follow-up (R6.6.1)"), "int", 7),
        SettingDef("pipeline.sms_order_updates", _l("Also text customers about order status changes"), "bool",
                   False),
    ]
    for priority, hours in (("urgent", 4), ("high", 24), ("normal", 72), ("low", 168)):
        definitions.append(SettingDef(f"pipeline.sla_hours_{priority}",
                                      _l("Hours to resolve a ticket of priority %(p)s", p=PRIORITY_LABELS[priority]), "int", hours))
    for status in ("confirmed", "in_production", "shipped", "delivered", "completed", "cancelled"):
        definitions.append(SettingDef(f"pipeline.notify_{status}",
                                      _l("Departments told when an order becomes %(s)s (comma-separated)",
                                         s=STATUS_LABELS[status]),
                                      "str", ""))
    return definitions
