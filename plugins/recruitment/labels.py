"""What users read for the codes stored in the recruitment tables (never the codes themselves)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REQUISITION_STATE_LABELS = {
    "draft": _l("Draft"), "pending": _l("Awaiting approval"), "approved": _l("Approved, recruiting"),
    "rejected": _l("Not approved"), "filled": _l("Filled"), "cancelled": _l("Cancelled"),
}
REASON_LABELS = {"growth": _l("Growth"), "replacement": _l("Replacement"), "other": _l("Other")}
REQUIREMENT_KIND_LABELS = {
    "education": _l("Education"), "experience": _l("Experience"), "skill": _l("Skills"),
    "language": _l("Languages"), "other": _l("Other"),
}
CHANNEL_LABELS = {
    "careers": _l("Careers page"), "job_site": _l("Job site"), "social": _l("Social media"),
    "campus": _l("Campus recruiting"), "referral": _l("Referral"), "agency": _l("Agency"),
    "manual": _l("Entered by HR"), "other": _l("Other"),
}
STAGE_LABELS = {
    "screening": _l("Screening"), "test": _l("Written test"), "interview": _l("Interviews"),
    "background": _l("Background check"), "offer": _l("Offer"), "hired": _l("Hired"),
}
STATUS_LABELS = {"active": _l("In progress"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
                 "hired": _l("Hired")}
SCREENING_LABELS = {"pass": _l("Pass"), "hold": _l("Hold"), "reject": _l("Reject")}
DECISION_LABELS = {"pass": _l("Pass"), "reject": _l("Reject")}
CHECK_KIND_LABELS = {"education": _l("Education"), "work": _l("Work history"), "credit": _l("Credit record"),
                     "other": _l("Other")}
CHECK_RESULT_LABELS = {
    "pending": _l("Not checked yet"), "verified": _l("Verified"), "discrepancy": _l("Discrepancy found"),
    "not_verifiable": _l("Could not be verified"), "waived": _l("Waived by HR"),
}
OFFER_STATE_LABELS = {"draft": _l("Draft"), "sent": _l("Sent"), "accepted": _l("Accepted"),
                      "declined": _l("Declined"), "withdrawn": _l("Withdrawn")}
STEP_LABELS = {"department_head": _l("Department head"), "sales_manager": _l("Sales manager"), "hr": _l("HR")}
REQUEST_LABELS = {"access": _l("Access request"), "deletion": _l("Deletion request"),
                  "retention": _l("Anonymised after the retention period")}

ALL = {
    "requisition_state": REQUISITION_STATE_LABELS, "reason": REASON_LABELS, "requirement": REQUIREMENT_KIND_LABELS,
    "channel": CHANNEL_LABELS, "stage": STAGE_LABELS, "status": STATUS_LABELS, "screening": SCREENING_LABELS,
    "decision": DECISION_LABELS, "check_kind": CHECK_KIND_LABELS, "check_result": CHECK_RESULT_LABELS,
    "offer": OFFER_STATE_LABELS, "step": STEP_LABELS, "request": REQUEST_LABELS,
}
