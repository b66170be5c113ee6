"""The board's cards and the deal list's rows drawn in Python (views/board_cards.py, views/deal_cells.py, issue 18)
write what the templates' loops wrote: the same bytes, in English and Chinese, for hostile titles and names, open,
won and lost deals, movable or not, with and without an expected close."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from plugins.pipeline.services.stages import DEFAULT_PROBABILITY
from plugins.pipeline.views.board_cards import board_cards
from plugins.pipeline.views.common import MoneyTexts, TextLabels
from plugins.pipeline.views.deal_cells import deal_list_rows

#: board.html's card loop before the cards were drawn in Python (the reference).
JINJA_CARDS = """{% for deal in cards %}
      {% set deal_url = deal_base ~ deal.id %}
      {% set movable = may_move and deal.status == "open" %}
      <li class="board-card" data-deal="{{ deal.id }}" data-title="{{ deal.title }}" data-version="{{ deal.version }}" data-move-url="{{ deal_url }}/move"{% if movable %} draggable="true"{% endif %}>
        <a href="{{ deal_url }}">{{ deal.title }}</a>
        <span class="hint">{{ deal.customer_name }} · {{ deal.owner_name }}</span>
        <span class="num">{{ money_texts[deal.expected_value] }}</span>
        {% if deal.status != "open" %}<span class="badge">{{ text_labels.deal_status[deal.status] }}</span>{% endif %}
        {% if movable %}
        <form method="post" action="{{ deal_url }}/move" class="board-move">
          <input type="hidden" name="csrf_token" value="{{ token }}">
          <input type="hidden" name="expected_version" value="{{ deal.version }}">
          <input type="hidden" name="next" value="{{ here }}">
          <label class="visually-hidden" for="move-{{ deal.id }}">{{ l_move_to }}</label>
          <select id="move-{{ deal.id }}" name="stage">{{ options }}</select>
          <button type="submit" class="button secondary">{{ l_move }}</button>
        </form>
        {% endif %}
      </li>
    {% endfor %}"""

#: deals.html's row loop before the rows were drawn in Python (the reference).
JINJA_ROWS = """{% for deal in items %}
        {% set prob = stage_probability[deal.stage] if deal.status == "open" else (100 if deal.status == "won" else 0) %}
        <tr>
          <td data-label="{{ l_deal }}"><a href="{{ deal_base ~ deal.id }}">{{ deal.title }}</a></td>
          <td data-label="{{ l_customer }}">{{ deal.customer_name }}</td>
          <td data-label="{{ l_stage }}"><span class="pill stage-{{ deal.stage }}">{{ stage_labels[deal.stage] }}</span></td>
          <td data-label="{{ l_status }}"><span class="badge status-{{ deal.status }}">{{ status_labels[deal.status] }}</span></td>
          <td class="num" data-label="{{ l_value }}">{{ money_texts[deal.expected_value] }}</td>
          <td class="num" data-label="{{ l_prob }}">{{ prob }}%</td>
          <td class="num" data-label="{{ l_weighted }}">{{ money_texts[deal.expected_value * prob / 100] }}</td>
          <td data-label="{{ l_owner }}">{{ deal.owner_name }}</td>
          <td data-label="{{ l_close }}">{{ deal.expected_close|date if deal.expected_close else "—" }}</td>
        </tr>
      {% endfor %}"""

TITLES = ["CRM 采购", '<script>"x"</script> & co', "O'Neil %(x)s {y}", "商机"]
VALUES = [Decimal("1000"), Decimal("0"), Decimal("-0.00"), Decimal("1234.56"), Decimal("99999999.99")]


def _deals() -> list[SimpleNamespace]:
    stages = ("development", "needs", "quotation", "negotiation", "contract", "after_sales")
    statuses = ("open", "won", "lost", "open", "open")
    return [SimpleNamespace(id=i + 1, title=TITLES[i % 4], stage=stages[i % 6], status=statuses[i % 5],
                            expected_value=VALUES[i % 5], version=i % 3 + 1,
                            expected_close=date(2026, 12, i % 28 + 1) if i % 3 else None,
                            customer_name=f"<客户 & {i}>", owner_name=TITLES[(i + 1) % 4]) for i in range(30)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("may_move", [True, False])
def test_cards_are_the_templates_cards(app, locale, may_move):
    with app.test_request_context("/"), force_locale(locale):
        context = {"deal_base": "/pipeline/deals/", "may_move": may_move, "token": "tok&en", "here": "/b?x=1&y=<2>",
                   "options": Markup('<option value="needs">需求 &amp; 分析</option>'),
                   "l_move_to": Markup("Move <to>"), "l_move": Markup("Move")}
        expected = app.jinja_env.from_string(JINJA_CARDS).render(
            cards=_deals(), money_texts=MoneyTexts(), text_labels=TextLabels(), **context)
        drawn = board_cards(_deals(), deal_base=context["deal_base"], may_move=may_move, token=context["token"],
                            here=context["here"], options=context["options"], move_to=context["l_move_to"],
                            move=context["l_move"], money_texts=MoneyTexts(), text_labels=TextLabels())
        assert str(drawn) == expected


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_rows_are_the_templates_rows(app, locale):
    words = {"deal": "Deal", "customer": "Customer <&>", "stage": "Stage", "status": "Status", "value": "Value",
             "prob": "Probability", "weighted": "Weighted", "owner": "Owner", "close": "Expected close"}
    with app.test_request_context("/"), force_locale(locale):
        labels = TextLabels()
        expected = app.jinja_env.from_string(JINJA_ROWS).render(
            items=_deals(), stage_probability=DEFAULT_PROBABILITY, stage_labels=labels.stage,
            status_labels=labels.deal_status, money_texts=MoneyTexts(), deal_base="/pipeline/deals/",
            **{f"l_{key}": word for key, word in words.items()})
        drawn = deal_list_rows(_deals(), words, labels.stage, labels.deal_status, MoneyTexts(), "/pipeline/deals/")
        assert str(drawn) == expected
