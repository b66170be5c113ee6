"""Per-row helpers of templates/macros/lists.html, in Python: a Jinja macro call per row of a 100-row page costs
more than the rest of the row. lists.html exports them under their macro names (``lists.bulk_checkbox``)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from markupsafe import Markup


def bulk_checkbox(value: Any, label: Any) -> Markup:
    """The row's checkbox of a bulk form (name "ids"), announced as "Select <label>"."""
    # As the template's _("Select %(name)s", name=label) under autoescape: the translation is trusted, the name is
    # escaped.
    announced = Markup(gettext("Select %(name)s")) % {"name": label}
    return Markup('<td class="bulk-cell"><input type="checkbox" name="ids" value="{}" aria-label="{}"></td>').format(
        value, announced)
