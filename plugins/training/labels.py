"""What users read instead of the stored codes."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "onboarding": _l("Onboarding"),  # R3.2.1
    "periodic": _l("Periodic training"),  # R3.2.2
    "personalised": _l("Personalised training"),  # R3.2.3
    "product": _l("Product knowledge"),
    "compliance": _l("Compliance"),
}
SOURCE_LABELS = {"onboarding": _l("Onboarding"), "plan": _l("Personal plan"), "manual": _l("Assigned by hand"),
                 "mandatory": _l("Mandatory for the position")}
ENROLMENT_LABELS = {"enrolled": _l("Enrolled"), "waiting": _l("On the waiting list"), "cancelled": _l("Cancelled")}
ATTENDANCE_LABELS = {"present": _l("Present"), "late": _l("Late"), "absent": _l("Absent"), "excused": _l("Excused")}
PLAN_STATE_LABELS = {"draft": _l("Draft, to confirm"), "active": _l("Active"), "completed": _l("Completed"),
                     "cancelled": _l("Cancelled")}
PLAN_SOURCE_LABELS = {"manual": _l("Built by the supervisor"), "appraisal": _l("Proposed from an appraisal")}
ITEM_KIND_LABELS = {"course": _l("Course"), "coaching": _l("Coaching session"), "goal": _l("Goal")}
QUESTION_KIND_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice"),
                        "short": _l("Short answer")}
ATTEMPT_STATE_LABELS = {"open": _l("In progress"), "submitted": _l("Waiting for grading"), "graded": _l("Graded")}
