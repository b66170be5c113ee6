"""What the list pages repeat on every row, resolved once per page (issue 7 "Performance").

State labels and link prefixes are looked up once per page instead of per row (url_for per row costs as much as the
rest of the row).

The rows of the three claim tables (claims, review queue, finance queue) are drawn here rather than in a Jinja
loop: a Jinja row makes some thirty calls (escapes, attribute look-ups, filters), which on a 500-row payment list
cost more than the rows' SQL. Their fixed words are put into a row template once per locale and process (issue
18); amounts and moments are the core's money() and datetime_filter(), cheap per row (docs/ui.md). The HTML is
the templates' own, byte for byte: the labels are the templates' ``_()`` (Markup, not escaped again) and every
value is escaped with markupsafe as Jinja's autoescape does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.web.locale import datetime_filter, money
from plugins.expenses.labels import state_label
from plugins.expenses.models import CLAIM_STATES
from plugins.expenses.services.queries import waiting_since


def claim_rows() -> dict[str, Any]:
    """Template values for a page of claim rows: ``claim_rows_html(page.items, kind)`` draws them."""
    return {"claim_rows_html": claim_table_rows}


def budget_rows() -> dict[str, Any]:
    """Template values for a page of budget lines: the link prefix of a line (``budget_href ~ id ~ "/edit"``, and
    ``"/approve"`` or ``"/reopen"``: both routes start with /budgets/<id>/)."""
    return {"budget_href": url_for("expenses.budget_edit", budget_id=0)[:-len("0/edit")]}


def _label(translated: str) -> str:
    """A label as a template's ``_()`` gives it (Jinja's newstyle gettext under autoescape: Markup, not escaped
    again), as a literal part of a str.format template."""
    return Markup(translated).replace("{", "{{").replace("}", "}}")


def yuan(value: Any) -> str:
    """An amount as the pages show it (the ``|yuan`` template filter), by the core's locale-aware money()."""
    return "—" if value is None else money(value)


def left(value: Any) -> str:
    """What is left of a budget (the ``|left`` filter): an overrun reads "over by ¥921.90", not "¥-921.90"."""
    if value is None:
        return "—"
    if value < 0:
        return _("over by %(amount)s", amount=money(-value))
    return money(value)


def claim_table_rows(claims: Sequence[Any], kind: str, *, select: bool = False) -> Markup:
    """The ``<tr>`` rows of a claim table, as the template's loop drew them. ``kind`` is "claims" (the claim list:
    state and created columns), "review" or "finance" (the queues: the waiting-since column; finance's rows keep
    a line for the payment checkbox, drawn when ``select``: the "to pay" stage). ``claims`` are
    lists.ROW_COLUMNS rows."""
    template, over, states = _row_template(kind, select)
    if kind == "claims":
        last_value: Callable[[Any], Any] = lambda claim: escape(datetime_filter(claim.created_at, "short"))  # noqa: E731
    else:
        last_value = lambda claim: escape(datetime_filter(waiting_since(claim), "short"))  # noqa: E731
    parts = ["\n  "]
    for claim in claims:
        state = claim.state
        parts.append(template.format(
            id=claim.id, number=escape(claim.number), title=escape(claim.title), over=over if claim.over_budget else "",
            claimant=escape(claim.claimant_name), total=escape(yuan(claim.total)), last=last_value(claim),
            state=escape(state), state_text=states.get(state, "")))
    return Markup("".join(parts))


def _row_template(kind: str, select: bool) -> tuple[str, str, dict[str, str]]:
    """(the row's str.format template, the over-budget tag, state → label) of a claim table: fixed words only,
    kept per locale and link prefix for the process (the catalogues never change while it runs), so that a page
    does not translate a dozen words again."""
    href = escape(url_for("expenses.claim_detail", claim_id=0)[:-1]).replace("{", "{{").replace("}", "}}")
    known: dict[tuple[str, str, bool, str], tuple[str, str, dict[str, str]]] = current_app.extensions[
        "netsales"].memo("expenses.claim_row_templates", None, dict)
    key = (str(get_locale()), kind, select, href)
    found = known.get(key)
    if found is None:
        found = known[key] = _build_row_template(kind, select, href)
    return found


def _build_row_template(kind: str, select: bool, href: str) -> tuple[str, str, dict[str, str]]:
    number, purpose, claimant, amount = _label(_("Number")), _label(_("Purpose")), _label(_("Claimant")), \
        _label(_("Amount"))
    over = f' <span class="expenses-warning-tag">{Markup(_("over budget"))}</span>'
    if kind == "claims":
        state_heading, created = _label(_("State")), _label(_("Created"))
        states = {state: escape(state_label(state)) for state in CLAIM_STATES}
        # The claim list's rows sit two spaces deeper in claims.html than the queues' rows in theirs.
        row, cell = "\n    <tr>\n      ", "\n      "
        last = (f'{cell}<td data-label="{state_heading}"><span class="expenses-state expenses-state-{{state}}">'
                f'{{state_text}}</span></td>{cell}<td data-label="{created}">{{last}}</td>\n    </tr>\n  ')
    else:
        states = {}
        row, cell = "\n  <tr>\n    ", "\n    "
        last = f'{cell}<td data-label="{_label(_("Waiting since"))}">{{last}}</td>\n  </tr>\n  '
    if select:
        # "Select <number>" with the row's (escaped) number put in by the row's own format, not a Markup.format
        # per row: the translation around it is split at a marker once.
        before, _marker, after = str(Markup(_("Select %(name)s")) % {"name": "\0"}).partition("\0")
        before, after = _label(before), _label(after)
        row += (f'<td class="bulk-cell"><input type="checkbox" name="ids" value="{{id}}" '
                f'aria-label="{before}{{number}}{after}"></td>{cell}')
    elif kind == "finance":
        row += cell  # the finance template's (empty) checkbox line
    template = (f'{row}<td data-label="{number}"><a href="{href}{{id}}">{{number}}</a></td>'
                f'{cell}<td data-label="{purpose}">{{title}}{{over}}</td>'
                f'{cell}<td data-label="{claimant}">{{claimant}}</td>'
                f'{cell}<td class="num" data-label="{amount}">{{total}}</td>{last}')
    return template, over, states
