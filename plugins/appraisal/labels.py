"""What users read for the appraisal's codes: states, grades, kinds, rules and evaluation sources."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "self_assessment": _l("Self-assessment"),
    "superior_review": _l("Superior's review"),
    "calibration": _l("Awaiting calibration"),
    "final": _l("Final"),
    "appealed": _l("Appealed"),
    "closed": _l("Closed"),
}
#: The default grade names of R4.3.4 (优秀 / 良好 / 合格 / 待改进 / 不合格).
GRADE_LABELS = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "pass": _l("Satisfactory"),
    "improve": _l("Needs improvement"),
    "fail": _l("Unsatisfactory"),
}


def grade_labels() -> dict[str, Any]:
    """The grades' names as the company calls them: a name set in the settings, else the default above (R4.3.4)."""
    from plugins.appraisal.settings import setting

    return {code: (setting(f"grade_name_{code}") or label) for code, label in GRADE_LABELS.items()}


CYCLE_KIND_LABELS = {"monthly": _l("Monthly"), "annual": _l("Annual")}
INDICATOR_KIND_LABELS = {"result": _l("Result indicator"), "behaviour": _l("Behaviour indicator")}
RULE_LABELS = {"linear": _l("Linear to target, capped"), "bands": _l("Bands of achievement")}
SOURCE_LABELS = {"self": _l("Self-assessment"), "superior": _l("Superior's evaluation"),
                 "customer": _l("Customer evaluation")}
EVENT_LABELS = {
    "opened": _l("Appraisal opened"),
    "pulled": _l("Results read"),
    "repulled": _l("Results read again"),
    "self_submitted": _l("Self-assessment submitted"),
    "reviewed": _l("Superior's evaluation submitted"),
    "finalized": _l("Result made final"),
    "acknowledged": _l("Result acknowledged"),
    "appealed": _l("Appeal lodged"),
    "appeal_upheld": _l("Appeal decided: result changed"),
    "appeal_rejected": _l("Appeal decided: result kept"),
    "reopened": _l("Reopened by HR"),
    "reminded": _l("Reminder sent"),
}
RECORD_LABELS = {"recognition": _l("Recognition"), "warning": _l("Warning")}
#: Where a customer evaluation came from (CustomerEvaluation.source), or why there is none.
CUSTOMER_SOURCE_LABELS = {
    "crm.surveys": _l("Customer satisfaction surveys"),
    "off": _l("No module provides customer evaluations (is the CRM enabled?)"),
    "no_answers": _l("No customer answered a satisfaction survey about this person in the period"),
}
