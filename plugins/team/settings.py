"""The team plugin's settings, edited on the core settings page."""

from flask_babel import lazy_gettext as _l

from core.contracts import SettingDef
from plugins.team.labels import SEVERITY_LABELS

SLA_DEFAULT_HOURS = {"critical": 4, "high": 24, "normal": 72, "low": 168}


def setting_definitions() -> list[SettingDef]:
    definitions = [
        SettingDef("team.reminder_days_before", _l("Days before its due date an action item is reminded"), "int", 1),
        SettingDef("team.robot_max_attempts", _l("Attempts to deliver a group-robot message before it fails"),
                   "int", 5),
        SettingDef("team.robot_timeout_seconds", _l("Seconds to wait for a group robot to answer"), "int", 5),
        SettingDef("team.announce_won_deals", _l("Tell the team's group robot when someone wins a deal"), "bool",
                   False),
        SettingDef("team.appraisal_recognition_score",
                   _l("Final appraisal score from which the person is put forward for recognition"), "int", 90,
                   help=_l("Awards measured by an excellent appraisal result suggest them, and their superior is "
                           "asked to recognise them (R10). 0 turns this off.")),
    ]
    for severity, hours in SLA_DEFAULT_HOURS.items():
        definitions.append(SettingDef(
            f"team.sla_hours_{severity}",
            _l("Hours to resolve a cross-department issue of severity %(s)s", s=SEVERITY_LABELS[severity]),
            "int", hours, help=_l("Past it the issue is escalated to the department head (R8.2.3).")))
    return definitions
