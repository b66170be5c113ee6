"""The team plugin's permissions and who gets them by default: everyone reads and takes part (R8); publishing,
running meetings, defining and confirming awards go to the roles the regulation gives them."""

from flask_babel import lazy_gettext as _l

from core.contracts import PermissionDef

EVERYONE = tuple((role, "all") for role in ("sales_rep", "sales_supervisor", "sales_manager", "hr", "finance",
                                            "department_head"))
LEADERS = (("sales_supervisor", "all"), ("sales_manager", "all"), ("hr", "all"), ("department_head", "all"))


def permission_definitions() -> list[PermissionDef]:
    return [
        PermissionDef("team.notice.view", _l("Read the notice board"), default_grants=EVERYONE),
        PermissionDef("team.notice.publish", _l("Publish notices"), default_grants=LEADERS),
        PermissionDef("team.notice.manage", _l("Manage every notice of the board"), default_grants=(("hr", "all"),)),
        PermissionDef("team.meeting.view", _l("Take part in sales meetings"), default_grants=EVERYONE),
        PermissionDef("team.meeting.run", _l("Run a team's sales meetings"),
                      default_grants=(("sales_supervisor", "all"), ("sales_manager", "all"),
                                      ("department_head", "all"))),
        PermissionDef("team.meeting.manage", _l("Manage every team's meetings"),
                      default_grants=(("sales_manager", "all"),)),
        PermissionDef("team.issue.view", _l("Raise and follow cross-department issues"), default_grants=EVERYONE),
        PermissionDef("team.issue.manage", _l("Handle every department's issues"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
        PermissionDef("team.post.view", _l("Read and write shared experience"), default_grants=EVERYONE),
        PermissionDef("team.recognition.view", _l("Give kudos and see awards"), default_grants=EVERYONE),
        PermissionDef("team.award.define", _l("Define awards"), default_grants=(("hr", "all"),)),
        PermissionDef("team.award.confirm", _l("Confirm awards"), default_grants=(("sales_manager", "all"),)),
        PermissionDef("team.activity.view", _l("Sign up for team activities"), default_grants=EVERYONE),
        PermissionDef("team.activity.manage", _l("Organise team activities"), default_grants=LEADERS),
        PermissionDef("team.robot.manage", _l("Set up group-chat robots"),
                      default_grants=(("sales_manager", "all"), ("department_head", "all"))),
    ]
