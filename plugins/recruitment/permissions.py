"""The recruitment permissions and who gets them by default. Hiring managers raise plans and follow their own
candidates; HR runs the process; interviewers reach only the candidates they interview (not a grant on
applications: their scorecards are their access)."""

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

MANAGERS = (("sales_supervisor", "own"), ("sales_manager", "all"), ("department_head", "team"))
HR = (("hr", "all"),)


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef("recruitment.requisition.view", _l("See hiring plans"), record_level=True,
                      default_grants=MANAGERS + HR),
        PermissionDef("recruitment.requisition.create", _l("Raise hiring plans"), default_grants=MANAGERS + HR),
        PermissionDef("recruitment.approve.department", _l("Approve hiring plans as department head"),
                      default_grants=(("department_head", "all"),)),
        PermissionDef("recruitment.approve.manager", _l("Approve hiring plans as sales manager"),
                      default_grants=(("sales_manager", "all"),)),
        PermissionDef("recruitment.approve.hr", _l("Approve hiring plans as HR"), default_grants=HR),
        PermissionDef("recruitment.application.view", _l("See candidates and applications"), record_level=True,
                      default_grants=MANAGERS + HR),
        PermissionDef("recruitment.application.manage", _l("Screen, test, check and make offers"),
                      default_grants=HR),
        PermissionDef("recruitment.posting.manage", _l("Publish postings and record channel costs"),
                      default_grants=HR),
        PermissionDef("recruitment.interview", _l("Interview candidates (fill scorecards)"),
                      default_grants=(("sales_supervisor", "all"), ("sales_manager", "all"),
                                      ("department_head", "all"), ("hr", "all"))),
        PermissionDef("recruitment.hire", _l("Hire candidates (creates the employee)"), default_grants=HR),
        PermissionDef("recruitment.report.view", _l("See recruitment reports"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"), ("hr", "all"))),
        PermissionDef("recruitment.privacy", _l("Handle candidates' personal-data requests"), default_grants=HR),
    ]
