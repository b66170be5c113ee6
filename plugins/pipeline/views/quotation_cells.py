"""The quotation list's rows drawn in Python (issue 18): the Jinja loop cost a translation with arguments, a dozen
escapes and yields, a date filter and two subscripts per row of its 25-100 rows. Here a row is one f-string, with
the same bytes as pipeline/quotations.html's loop wrote (every value from the database escaped: numbers, titles and
names are typed by users)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from core.web.list_cells import escaped_texts
from core.web.locale import date_filter

#: The columns' names, as the template hands them over (its translations, trusted as the template's ``_()``).
WORD_KEYS = ("Number", "Deal", "Customer", "State", "Total", "Valid until", "Owner")
#: The number cell's words: a translation with arguments (the template's ``_(…, number=…, revision=…)``).
REVISION = "%(number)s revision %(revision)s"


def quotation_list_rows(items: Iterable[Any], words: Mapping[str, str], state_labels: Mapping[str, str],
                        money_texts: Mapping[Any, str], quotation_base: str) -> Markup:
    """The rows (``quotations.quotation_rows``) of the quotation list's table: the number with its revision as
    ``words[REVISION]`` reads it, the state's label (empty for a state without one, as the template's look-up
    read), the total as ``money_texts[total]``, the last valid day as ``valid_until|date``. Labels, amounts and days
    are escaped once per distinct value."""
    number, deal, customer, state, total, valid, owner = (escape(words[key]) for key in WORD_KEYS)
    # The template's _() with arguments: the translation trusted, each value escaped (as Markup's % does).
    revision_text = str(words[REVISION])
    base = escape(quotation_base)
    items = list(items)
    texts = escaped_texts([text for q in items for text in (q.number, q.deal_title, q.customer_name, q.owner_name)])
    states: dict[Any, str] = {}
    amounts: dict[Any, str] = {}
    days: dict[Any, str] = {}
    out = []
    for q, shown_number, title, shown_customer, shown_owner in zip(items, texts[::4], texts[1::4], texts[2::4],
                                                                  texts[3::4], strict=True):
        state_text = states.get(q.state)
        if state_text is None:
            state_text = states[q.state] = escape(state_labels.get(q.state, ""))
        amount = amounts.get(q.total)
        if amount is None:  # equal amounts read the same (as money_texts keeps them)
            amount = amounts[q.total] = escape(money_texts[q.total])
        day = days.get(q.valid_until)
        if day is None:  # a date reads the same on every row (no time zone to move a day through)
            day = days[q.valid_until] = escape(date_filter(q.valid_until))
        # Ids are integers: nothing to escape; the revision as Markup's % escaped it.
        shown = revision_text % {"number": shown_number, "revision": escape(q.revision)}
        out.append(
            f'\n        <tr>\n'
            f'          <td data-label="{number}"><a href="{base}{q.id}">{shown}</a></td>\n'
            f'          <td data-label="{deal}">{title}</td>\n'
            f'          <td data-label="{customer}">{shown_customer}</td>\n'
            f'          <td data-label="{state}">{state_text}</td>\n'
            f'          <td class="num" data-label="{total}">{amount}</td>\n'
            f'          <td data-label="{valid}">{day}</td>\n'
            f'          <td data-label="{owner}">{shown_owner}</td>\n'
            f'        </tr>\n      ')
    return Markup("".join(out))
