"""Translated names of the team plugin's codes, for pages, PDFs, messages and settings."""

from flask_babel import lazy_gettext as _l

AUDIENCE_LABELS = {"all": _l("Everyone"), "department": _l("A department"), "team": _l("My team")}
SEVERITY_LABELS = {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
ISSUE_STATE_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                      "closed": _l("Closed")}
RECURRENCE_LABELS = {"weekly": _l("Every week"), "monthly": _l("Every month")}
MEETING_STATE_LABELS = {"scheduled": _l("Scheduled"), "closed": _l("Minutes closed")}
ACTION_STATE_LABELS = {"open": _l("To do"), "done": _l("Done")}
POST_KIND_LABELS = {"tip": _l("Sales tip"), "case": _l("Case study"), "product": _l("Product know-how"),
                    "other": _l("Other")}
ACTIVITY_KIND_LABELS = {"outdoor": _l("Outdoor event"), "dinner": _l("Team dinner"), "training": _l("Training day"),
                        "other": _l("Other")}
AWARD_STATE_LABELS = {"suggested": _l("Suggested"), "confirmed": _l("Confirmed"), "rejected": _l("Rejected")}
PROVIDER_LABELS = {"wecom": _l("WeCom group robot"), "dingtalk": _l("DingTalk group robot"),
                   "feishu": _l("Feishu group robot")}
ROBOT_STATE_LABELS = {"pending": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed")}
WEEKDAY_LABELS = {0: _l("Monday"), 1: _l("Tuesday"), 2: _l("Wednesday"), 3: _l("Thursday"), 4: _l("Friday"),
                  5: _l("Saturday"), 6: _l("Sunday")}

ALL = {"audience": AUDIENCE_LABELS, "severity": SEVERITY_LABELS, "issue_state": ISSUE_STATE_LABELS,
       "recurrence": RECURRENCE_LABELS, "meeting_state": MEETING_STATE_LABELS, "action_state": ACTION_STATE_LABELS,
       "post_kind": POST_KIND_LABELS, "activity_kind": ACTIVITY_KIND_LABELS, "award_state": AWARD_STATE_LABELS,
       "provider": PROVIDER_LABELS, "robot_state": ROBOT_STATE_LABELS, "weekday": WEEKDAY_LABELS}
