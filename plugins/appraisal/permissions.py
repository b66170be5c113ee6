"""Who may do what with appraisals (R2: representatives their own, supervisors their team, the manager and HR all)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

VIEW = "appraisal.appraisal.view"
REVIEW = "appraisal.appraisal.review"
CALIBRATE = "appraisal.appraisal.calibrate"
HR = "appraisal.hr"
TEMPLATES = "appraisal.template.manage"
BONUS = "appraisal.bonus.view"


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef(VIEW, _l("See appraisals"), record_level=True,
                      default_grants=(("sales_rep", "own"), ("sales_supervisor", "team"), ("sales_manager", "all"),
                                      ("hr", "all"), ("department_head", "all"), ("finance", "own"))),
        PermissionDef(REVIEW, _l("Evaluate the people who report to you (R4.3.2)"),
                      default_grants=(("sales_supervisor", "all"), ("sales_manager", "all"),
                                      ("department_head", "all"), ("hr", "all"))),
        PermissionDef(CALIBRATE, _l("Calibrate and finalise appraisal results"), record_level=True,
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef(HR, _l("Run appraisal cycles, decide appeals and reopen results"),
                      default_grants=(("hr", "all"),)),
        PermissionDef(TEMPLATES, _l("Edit appraisal templates"), default_grants=(("hr", "all"), ("sales_manager", "all"))),
        PermissionDef(BONUS, _l("See and export performance bonuses"),
                      default_grants=(("hr", "all"), ("finance", "all"), ("sales_manager", "all"))),
    ]
