"""The training permissions and who gets them by default (R2: representatives own, supervisors team, managers
all; HR runs training, R3.2)."""

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

COURSE_VIEW = "training.course.view"
COURSE_MANAGE = "training.course.manage"
SESSION_MANAGE = "training.session.manage"
RECORD_VIEW = "training.record.view"
PLAN_MANAGE = "training.plan.manage"
EXAM_GRADE = "training.exam.grade"
ONBOARDING_MANAGE = "training.onboarding.manage"
REPORT_VIEW = "training.report.view"

EVERYONE = tuple((role, "all") for role in ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance",
                                              "department_head"))
RECORD_SCOPES = (("sales_rep", "own"), ("sales_supervisor", "team"), ("sales_manager", "all"), ("hr", "all"),
                 ("department_head", "all"), ("finance", "own"))
HR_AND_MANAGER = (("hr", "all"), ("sales_manager", "all"))


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef(COURSE_VIEW, _l("See the course catalogue and sessions, enrol, take exams"),
                      default_grants=EVERYONE),
        PermissionDef(COURSE_MANAGE, _l("Edit courses, modules, material and question banks"),
                      default_grants=HR_AND_MANAGER),
        PermissionDef(SESSION_MANAGE, _l("Plan training sessions and take attendance"),
                      default_grants=HR_AND_MANAGER + (("sales_supervisor", "all"),)),
        PermissionDef(RECORD_VIEW, _l("See training records (progress, attendance, results)"), record_level=True,
                      default_grants=RECORD_SCOPES),
        PermissionDef(PLAN_MANAGE, _l("Build and confirm personal training plans"), record_level=True,
                      default_grants=(("sales_supervisor", "team"), ("sales_manager", "all"), ("hr", "all"))),
        PermissionDef(EXAM_GRADE, _l("Grade short answers and allow more exam attempts"),
                      default_grants=HR_AND_MANAGER),
        PermissionDef(ONBOARDING_MANAGE, _l("Set onboarding programmes and assign courses"),
                      default_grants=(("hr", "all"),)),
        PermissionDef(REPORT_VIEW, _l("See training effectiveness reports"),
                      default_grants=HR_AND_MANAGER + (("department_head", "all"),)),
    ]
