"""What the list pages repeat on every row, resolved once per page (issue 7 "Performance").

State labels and link prefixes are looked up once per page instead of per row (url_for per row costs as much as the
rest of the row).

The rows of the three claim tables (claims, review queue, finance queue) are drawn here rather than in a Jinja
loop: a Jinja row makes some thirty calls (escapes, attribute look-ups, filters), which on a 500-row payment list
cost more than the rows' SQL. A row is one f-string over a plain row of the columns it shows (views/lists.py);
the fixed words are translated once per language and process (WORDS); amounts and moments are the core's money()
and datetime_filter() through core.web.locale.page_formats (docs/ui.md). The HTML is the templates' own, byte for
byte (tests/test_claim_rows.py): the labels are the templates' ``_()`` (Markup, not escaped again) and every value
is escaped with markupsafe as Jinja's autoescape does, all of a page's values in one call (_escaped).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.i18n import FixedWords, gettext_noop
from core.web.list_cells import escaped_texts
from core.web.locale import money, page_formats
from core.web.record_links import record_url_prefix
from plugins.expenses.labels import state_label
from plugins.expenses.models import CLAIM_STATES

#: The claim tables' fixed words: the column labels of claims.html, review_queue.html and finance_queue.html.
WORDS = FixedWords(gettext_noop("Number"), gettext_noop("Purpose"), gettext_noop("Claimant"), gettext_noop("Amount"),
                   gettext_noop("State"), gettext_noop("Created"), gettext_noop("Waiting since"),
                   gettext_noop("over budget"), gettext_noop("Select %(name)s"))


def claim_rows() -> dict[str, Any]:
    """Template values for a page of claim rows: ``claim_rows_html(page.items, kind)`` draws them."""
    return {"claim_rows_html": claim_table_rows}


def budget_rows() -> dict[str, Any]:
    """Template values for a page of budget lines: the link prefix of a line (``budget_href ~ id ~ "/edit"``, and
    ``"/approve"`` or ``"/reopen"``: both routes start with /budgets/<id>/)."""
    return {"budget_href": url_for("expenses.budget_edit", budget_id=0)[:-len("0/edit")]}


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


def claim_table_rows(claims: Iterable[Sequence[Any]], kind: str, *, select: bool = False) -> Markup:
    """The ``<tr>`` rows of a claim table, as the template's loop drew them. ``kind`` is "claims" (the claim list:
    state and created columns; rows of lists.LIST_COLUMNS), "review" or "finance" (the queues: the waiting-since
    column; rows of lists.queue_columns). Finance's rows keep a line for the payment checkbox, drawn when
    ``select`` (the "to pay" stage)."""
    rows = claims if isinstance(claims, list) else list(claims)
    # Plain str, not Markup: an f-string formats a str subclass through its __format__, a call per placeholder.
    words = {word: str(text) for word, text in WORDS().items()}
    formats = page_formats()  # the core's money() and datetime_filter(), the request's formats looked up once
    money, moment = formats.money, formats.datetime
    number_word, purpose, claimant_word, amount = (words["Number"], words["Purpose"], words["Claimant"],
                                                   words["Amount"])
    over_tag = f' <span class="expenses-warning-tag">{words["over budget"]}</span>'
    href = str(escape(record_url_prefix("expenses.claim_detail", "claim_id")))
    out = ["\n  "]
    add = out.append
    if kind == "claims":
        state_word, created_word, states = words["State"], words["Created"], _state_texts()
        shown = _escaped([text for _id, number, title, _over, claimant, total, state, created in rows
                          for text in (number, title, claimant, "—" if total is None else money(total), state,
                                       moment(created, "short"))], 6)
        for (claim_id, _, _, over, _, _, key, _), (number, title, claimant, total, state, created) in zip(
                rows, shown, strict=True):
            # The claim list's rows sit two spaces deeper in claims.html than the queues' rows in theirs.
            add(f'\n    <tr>\n      <td data-label="{number_word}"><a href="{href}{claim_id}">{number}</a></td>'
                f'\n      <td data-label="{purpose}">{title}{over_tag if over else ""}</td>'
                f'\n      <td data-label="{claimant_word}">{claimant}</td>'
                f'\n      <td class="num" data-label="{amount}">{total}</td>'
                f'\n      <td data-label="{state_word}"><span class="expenses-state expenses-state-{state}">'
                f'{states.get(key, "")}</span></td>'
                f'\n      <td data-label="{created_word}">{created}</td>'
                f'\n    </tr>\n  ')
        return Markup("".join(out))
    waiting_word = words["Waiting since"]
    # The finance template's checkbox line stays (empty) when the checkbox is not drawn; the review queue has none.
    opening = "\n  <tr>\n    \n    " if kind == "finance" else "\n  <tr>\n    "
    # As the template's _("Select %(name)s", name=claim.number): the translation trusted, the number escaped.
    announced = words["Select %(name)s"]
    shown = _escaped([text for _id, number, title, _over, claimant, total, waiting in rows
                      for text in (number, title, claimant, "—" if total is None else money(total),
                                   moment(waiting, "short"))], 5)
    for (claim_id, _, _, over, _, _, _), (number, title, claimant, total, waiting) in zip(rows, shown, strict=True):
        if select:
            opening = (f'\n  <tr>\n    <td class="bulk-cell"><input type="checkbox" name="ids" value="{claim_id}" '
                       f'aria-label="{announced % {"name": number}}"></td>\n    ')
        add(f'{opening}<td data-label="{number_word}"><a href="{href}{claim_id}">{number}</a></td>'
            f'\n    <td data-label="{purpose}">{title}{over_tag if over else ""}</td>'
            f'\n    <td data-label="{claimant_word}">{claimant}</td>'
            f'\n    <td class="num" data-label="{amount}">{total}</td>'
            f'\n    <td data-label="{waiting_word}">{waiting}</td>\n  </tr>\n  ')
    return Markup("".join(out))


def _escaped(values: list[Any], width: int) -> Iterator[tuple[str, ...]]:
    """``str(escape(value))`` of every value (core.web.list_cells.escaped_texts), ``width`` at a time (a row's)."""
    return zip(*[iter(escaped_texts(values))] * width, strict=True)


def _state_texts() -> dict[str, str]:
    """State → its label, escaped, kept per locale for the process (seven catalogue look-ups a page otherwise)."""
    known: dict[str, dict[str, str]] = current_app.extensions["netsales"].memo("expenses.claim_state_texts", None,
                                                                              dict)
    locale = str(get_locale())
    found = known.get(locale)
    if found is None:
        found = known[locale] = {state: escape(state_label(state)) for state in CLAIM_STATES}
    return found
