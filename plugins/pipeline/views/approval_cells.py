"""The discount approval queue's rows drawn in Python (issue 18): the Jinja loop cost a dozen escapes and yields,
a percent filter and a subscript per row of its 25-100 rows, a good part of the page's Python. Here a row is one
f-string, with the same bytes as pipeline/approvals.html's loop wrote (every value from the database escaped:
numbers, titles and names are typed by users)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from core.web.list_cells import escaped_texts
from core.web.locale import percent

#: The words a row uses, as the template hands them over (its translations, trusted as the template's ``_()``).
WORD_KEYS = ("Quotation", "Deal", "Largest discount", "Total", "Approval needed from", "Decision", "Reason",
             "Reason (required to refuse)", "Above your limit")


def approval_queue_rows(rows: Iterable[Any], words: Mapping[str, str], level_labels: Mapping[str, str],
                        decidable: Collection[str], money_texts: Mapping[Any, str], quotation_base: str,
                        decide_url: tuple[str, str], csrf_field: Markup, buttons: Markup) -> Markup:
    """The ``<tr>`` rows (``quotations.approval_rows``) of the queue's table. A row needs the approval of its
    ``approval_level`` (a supervisor's when unset); the approver may decide it when that level is in
    ``decidable``, and reads "Above your limit" otherwise. ``csrf_field`` and ``buttons`` are the template's
    markup, drawn once a page. The discount (percent points) reads as ``(max_discount / 100)|percent(2)``, the
    total as ``money_texts[total]``, each formatted and escaped once per distinct value."""
    (quotation, deal, discount, total, needs, decision, reason, reason_hint,
     above) = (escape(words[key]) for key in WORD_KEYS)
    base, before, after = escape(quotation_base), escape(decide_url[0]), escape(decide_url[1])
    labels = {level: escape(text) for level, text in level_labels.items()}
    rows = list(rows)
    texts = escaped_texts([text for q in rows for text in (q.number, q.deal_title, q.customer_name)])
    percents: dict[Any, str] = {}
    amounts: dict[Any, str] = {}
    out = []
    for q, number, title, customer in zip(rows, texts[::3], texts[1::3], texts[2::3], strict=True):
        level = q.approval_level or "supervisor"
        shown = percents.get(q.max_discount)
        if shown is None:  # equal discounts read the same (rounded to the same places)
            shown = percents[q.max_discount] = escape(percent(q.max_discount / 100, 2))
        amount = amounts.get(q.total)
        if amount is None:  # equal amounts read the same (as money_texts keeps them)
            amount = amounts[q.total] = escape(money_texts[q.total])
        if level in decidable:
            cell = (f'\n      <form method="post" action="{before}{q.id}{after}" class="inline">\n'
                    f'        {csrf_field}\n'
                    f'        <label class="visually-hidden" for="reason-{q.id}">{reason}</label>\n'
                    f'        <input id="reason-{q.id}" name="reason" placeholder="{reason_hint}">\n'
                    f'        {buttons}\n      </form>')
        else:
            cell = above
        # Ids and revisions are integers: nothing to escape.
        out.append(
            f'<tr>\n'
            f'    <td data-label="{quotation}"><a href="{base}{q.id}">{number} r{q.revision}</a></td>\n'
            f'    <td data-label="{deal}">{title} · {customer}</td>\n'
            f'    <td class="num" data-label="{discount}">{shown}</td>\n'
            f'    <td class="num" data-label="{total}">{amount}</td>\n'
            f'    <td data-label="{needs}">{labels[level]}</td>\n'
            f'    <td data-label="{decision}">{cell}</td>\n'
            f'  </tr>')
    return Markup("".join(out))
