"""The board's cards drawn in Python (issue 18): a Jinja loop over a board's 60 cards cost two ``set``s, a dozen
escapes and yields and a move form per card, a third of the page's Python. Here a card is one f-string, with the
same bytes as pipeline/board.html's loop wrote (every value from the database escaped: titles and names are typed by
users)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

DRAGGABLE = ' draggable="true"'


def board_cards(cards: Iterable[Any], *, deal_base: str, may_move: bool, token: str, here: str, options: Markup,
                move_to: str, move: str, money_texts: Mapping[Any, str], text_labels: Any) -> Markup:
    """One column's cards (rows of ``deals.deal_rows``), each as the template's ``<li>`` with the whitespace its
    tags left. ``options`` is the column's stage choices (drawn once a column by the template); ``move_to`` and
    ``move`` are the template's translations (trusted); ``text_labels.deal_status`` is read only for a card that is
    not open, as the template did."""
    base = escape(deal_base)
    csrf, back = escape(token), escape(here)
    out = []
    for deal in cards:
        url = f"{base}{deal.id}"
        movable = may_move and deal.status == "open"
        title = escape(deal.title)
        badge = ("" if deal.status == "open"
                 else f'<span class="badge">{escape(text_labels.deal_status[deal.status])}</span>')
        if movable:
            form = (f'\n        <form method="post" action="{url}/move" class="board-move">\n'
                    f'          <input type="hidden" name="csrf_token" value="{csrf}">\n'
                    f'          <input type="hidden" name="expected_version" value="{deal.version}">\n'
                    f'          <input type="hidden" name="next" value="{back}">\n'
                    f'          <label class="visually-hidden" for="move-{deal.id}">{move_to}</label>\n'
                    f'          <select id="move-{deal.id}" name="stage">{options}</select>\n'
                    f'          <button type="submit" class="button secondary">{move}</button>\n'
                    f'        </form>\n        ')
        else:
            form = ""
        out.append(
            f'\n      \n      \n      <li class="board-card" data-deal="{deal.id}" data-title="{title}" '
            f'data-version="{deal.version}" data-move-url="{url}/move"{DRAGGABLE if movable else ""}>\n'
            f'        <a href="{url}">{title}</a>\n'
            f'        <span class="hint">{escape(deal.customer_name)} · {escape(deal.owner_name)}</span>\n'
            f'        <span class="num">{escape(money_texts[deal.expected_value])}</span>\n'
            f'        {badge}\n        {form}\n      </li>\n    ')
    return Markup("".join(out))
