"""Who may read analytics' figures: checked by the services themselves, so that a view, the API, the CLI, a job
or another plugin calling them cannot show anyone more than the pages would."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.contracts import DatasetDef
from core.security import can


class AccessDenied(PermissionError):
    """The reader may not see these figures; the message is for them."""

    def __init__(self, message: Any = None) -> None:
        super().__init__(str(message or _l("You may not see these figures.")))


def check_reader(user: Any, dataset: DatasetDef) -> None:
    """Raise AccessDenied unless ``user`` may see analytics and read ``dataset`` (whose query then limits the rows
    to their scope: own, team or all)."""
    from plugins.analytics.permissions import VIEW

    if not can(user, VIEW) or not can(user, dataset.permission):
        raise AccessDenied()
