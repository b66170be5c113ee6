"""The notifications service's hooks: the job that sends the email outbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.contracts import ScheduledJob
from core.hookspecs import hookimpl


def _send_outbox() -> None:
    from core.notifications.outbox import send_outbox

    send_outbox()


@hookimpl
def register_scheduled_jobs() -> list[ScheduledJob]:
    return [ScheduledJob("core.send_outbox", _send_outbox, 60, _l("Send the emails waiting in the outbox"))]
