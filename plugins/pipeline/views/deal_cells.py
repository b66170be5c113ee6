"""The deal list's rows drawn in Python (issue 18): the Jinja loop cost a ``set``, a call, an escape and a yield per
cell of its 25-100 rows. Here a row is one f-string, with the same bytes as pipeline/deals.html's loop wrote (every
value from the database escaped: titles and names are typed by users)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from core.web.locale import date_filter
from plugins.pipeline.services.stages import DEFAULT_PROBABILITY

#: The columns' names, as the template hands them over (its translations).
WORD_KEYS = ("deal", "customer", "stage", "status", "value", "prob", "weighted", "owner", "close")


def deal_list_rows(items: Iterable[Any], words: Mapping[str, str], stage_labels: Mapping[str, str],
                   status_labels: Mapping[str, str], money_texts: Mapping[Any, str], deal_base: str) -> Markup:
    """The rows (``deals.deal_rows``) of the deal list's table. The probability is the open stage's, 100 % won,
    0 % lost; the weighted value is the expected value × that probability, both formatted once per distinct
    amount (``money_texts``), as the template did."""
    deal, customer, stage, status, value, prob_word, weighted, owner, close = (escape(words[k]) for k in WORD_KEYS)
    base = escape(deal_base)
    out = []
    for d in items:
        prob = DEFAULT_PROBABILITY[d.stage] if d.status == "open" else (100 if d.status == "won" else 0)
        closing = escape(date_filter(d.expected_close)) if d.expected_close else "—"
        out.append(
            f'\n        \n        <tr>\n'
            f'          <td data-label="{deal}"><a href="{base}{d.id}">{escape(d.title)}</a></td>\n'
            f'          <td data-label="{customer}">{escape(d.customer_name)}</td>\n'
            f'          <td data-label="{stage}"><span class="pill stage-{escape(d.stage)}">'
            f'{escape(stage_labels[d.stage])}</span></td>\n'
            f'          <td data-label="{status}"><span class="badge status-{escape(d.status)}">'
            f'{escape(status_labels[d.status])}</span></td>\n'
            f'          <td class="num" data-label="{value}">{escape(money_texts[d.expected_value])}</td>\n'
            f'          <td class="num" data-label="{prob_word}">{escape(prob)}%</td>\n'
            f'          <td class="num" data-label="{weighted}">'
            f'{escape(money_texts[d.expected_value * prob / 100])}</td>\n'
            f'          <td data-label="{owner}">{escape(d.owner_name)}</td>\n'
            f'          <td data-label="{close}">{closing}</td>\n'
            f'        </tr>\n      ')
    return Markup("".join(out))
