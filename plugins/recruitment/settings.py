"""The recruitment settings, edited on the core settings page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef


def setting_definitions() -> list[SettingDef]:
    return [
        SettingDef("recruitment.approval_chain", _l("Approval chain of hiring plans"), "choice",
                   "department_head,hr",
                   choices=(("department_head,hr", _l("Department head, then HR")),
                            ("department_head,sales_manager,hr", _l("Department head, sales manager, then HR")),
                            ("hr", _l("HR only"))),
                   help=_l("Who approves a requisition, in order (R3.1.1).")),
        SettingDef("recruitment.retention_days", _l("Days to keep rejected candidates' data"), "int", 180,
                   help=_l("After this, rejected candidates who did not join the talent pool are anonymised "
                           "(R11, PIPL).")),
        SettingDef("recruitment.max_applications_per_address_hour",
                   _l("Applications accepted per hour from one network address (0: no limit)"), "int", 10),
        SettingDef("recruitment.min_form_seconds", _l("Seconds an applicant needs at least to fill the form"),
                   "int", 3, help=_l("Faster submissions are treated as automated spam.")),
        SettingDef("recruitment.test_link_days", _l("Days a written-test link stays valid"), "int", 7),
        SettingDef("recruitment.careers_intro", _l("Introduction on the careers page"), "text", ""),
    ]
