"""The order list's rows drawn in Python (issue 18): the Jinja loop cost an escape and a yield per cell, a date
filter and three subscripts per row of its 25-100 rows. Here a row is one f-string, with the same bytes as
pipeline/orders.html's loop wrote (every value from the database escaped: numbers and names are typed by users or
imported from shops)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from core.web.list_cells import escaped_texts
from core.web.locale import date_filter

#: The columns' names, as the template hands them over (its translations, trusted as the template's ``_()``).
WORD_KEYS = ("Number", "Channel", "Customer", "Status", "Total", "Ordered")


def order_list_rows(items: Iterable[Any], words: Mapping[str, str], channel_labels: Mapping[str, str],
                    status_labels: Mapping[str, str], money_texts: Mapping[Any, str], order_base: str) -> Markup:
    """The rows (``orders.order_rows``) of the order list's table: the shop's order number beside ours when the
    order came from a shop, the total as ``money_texts[total]``, the day ordered as ``ordered_at|date``; a channel
    or status without a label reads empty, as the template's look-up did. Labels and amounts are escaped once per
    distinct value."""
    number, channel, customer, status, total, ordered = (escape(words[key]) for key in WORD_KEYS)
    base = escape(order_base)
    items = list(items)
    texts = escaped_texts([text for o in items for text in (o.number, o.external_number or "", o.customer_name)])
    channels: dict[Any, str] = {}
    statuses: dict[Any, tuple[str, str]] = {}
    amounts: dict[Any, str] = {}
    out = []
    for o, shown_number, external, shown_customer in zip(items, texts[::3], texts[1::3], texts[2::3], strict=True):
        channel_text = channels.get(o.channel)
        if channel_text is None:
            channel_text = channels[o.channel] = escape(channel_labels.get(o.channel, ""))
        badge = statuses.get(o.status)
        if badge is None:
            badge = statuses[o.status] = (escape(o.status), escape(status_labels.get(o.status, "")))
        amount = amounts.get(o.total)
        if amount is None:  # equal amounts read the same (as money_texts keeps them)
            amount = amounts[o.total] = escape(money_texts[o.total])
        shop = f" <small>{external}</small>" if external else ""
        out.append(
            f'\n        <tr>\n'
            f'          <td data-label="{number}"><a href="{base}{o.id}">{shown_number}</a>{shop}</td>\n'
            f'          <td data-label="{channel}">{channel_text}</td>\n'
            f'          <td data-label="{customer}">{shown_customer}</td>\n'
            f'          <td data-label="{status}"><span class="badge status-{badge[0]}">{badge[1]}</span></td>\n'
            f'          <td class="num" data-label="{total}">{amount}</td>\n'
            f'          <td class="num" data-label="{ordered}">{escape(date_filter(o.ordered_at))}</td>\n'
            f'        </tr>\n      ')
    return Markup("".join(out))
