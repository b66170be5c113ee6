"""The board's cards, the deal list's rows and the approval queue's rows drawn in Python (views/board_cards.py,
views/deal_cells.py, views/approval_cells.py, issue 18) write what the templates' loops wrote: the same bytes, in
English and Chinese, for hostile titles, names and numbers, open, won and lost deals, movable or not, with and
without an expected close, quotations the approver may decide or not."""

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


#: approvals.html's row loop before the rows were drawn in Python (the reference), with its words set as it set them.
JINJA_APPROVAL_ROWS = """{% set l_quotation, l_deal, l_discount, l_total, l_needs, l_decision, l_reason, l_reason_hint, l_above = _('Quotation'), _('Deal'), _('Largest discount'), _('Total'), _('Approval needed from'), _('Decision'), _("Reason"), _('Reason (required to refuse)'), _("Above your limit") %}
{% for q, mine in rows %}<tr>
    <td data-label="{{ l_quotation }}"><a href="{{ quotation_base ~ q.id }}">{{ q.number }} r{{ q.revision }}</a></td>
    <td data-label="{{ l_deal }}">{{ q.deal_title }} · {{ q.customer_name }}</td>
    <td class="num" data-label="{{ l_discount }}">{{ (q.max_discount / 100)|percent(2) }}</td>
    <td class="num" data-label="{{ l_total }}">{{ money_texts[q.total] }}</td>
    <td data-label="{{ l_needs }}">{{ level_labels[q.approval_level or "supervisor"] }}</td>
    <td data-label="{{ l_decision }}">{% if mine %}
      <form method="post" action="{{ decide_url[0] ~ q.id ~ decide_url[1] }}" class="inline">
        {{ csrf_field }}
        <label class="visually-hidden" for="reason-{{ q.id }}">{{ l_reason }}</label>
        <input id="reason-{{ q.id }}" name="reason" placeholder="{{ l_reason_hint }}">
        {{ buttons }}
      </form>{% else %}{{ l_above }}{% endif %}</td>
  </tr>{% endfor %}"""

DISCOUNTS = [Decimal("12"), Decimal("12.00"), Decimal("0"), Decimal("5.5"), Decimal("99.99"), Decimal("0.01"),
             Decimal("15.125")]
LEVELS = [None, "supervisor", "manager", "representative"]


def _waiting(nul: bool = False) -> list[SimpleNamespace]:
    """Quotations of every level (and none); with ``nul``, a name holding a NUL (escaped one value at a time)."""
    return [SimpleNamespace(id=i + 1, number=f"Q-<{i}>&'\"", revision=i % 3 + 1, max_discount=DISCOUNTS[i % 7],
                            total=VALUES[i % 5], approval_level=LEVELS[i % 4], deal_title=TITLES[i % 4],
                            customer_name=f"<客户 & {i}>" + ("\0" if nul and i == 5 else "")) for i in range(30)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("decidable", [("representative", "supervisor"), ("representative", "supervisor", "manager")])
@pytest.mark.parametrize("nul", [False, True])
def test_approval_rows_are_the_templates_rows(app, locale, decidable, nul):
    from core.i18n import label_text
    from plugins.pipeline.services.quotations import LEVEL_LABELS
    from plugins.pipeline.views.approval_cells import approval_queue_rows
    from plugins.pipeline.views.words import pipeline_words

    csrf_field = Markup('<input type="hidden" name="csrf_token" value="tok&amp;en">')
    buttons = Markup('<button type="submit" class="button primary" name="decision" value="approve">批准</button>')
    decide_url = ("/pipeline/quotations/", "/decide?x=<1>&y")
    with app.test_request_context("/"), force_locale(locale):
        level_labels = {level: label_text(label) for level, label in LEVEL_LABELS.items()}
        template = app.jinja_env.from_string(JINJA_APPROVAL_ROWS)
        template.name = "pipeline/approvals.html"  # its words from the pipeline's catalogue first, as the page's
        expected = template.render(
            rows=[(q, (q.approval_level or "supervisor") in decidable) for q in _waiting(nul)], level_labels=level_labels,
            money_texts=MoneyTexts(), quotation_base="/pipeline/quotations/", decide_url=decide_url,
            csrf_field=csrf_field, buttons=buttons)
        drawn = approval_queue_rows(_waiting(nul), pipeline_words(), level_labels, decidable, MoneyTexts(),
                                    "/pipeline/quotations/", decide_url, csrf_field, buttons)
        assert "\n" + str(drawn) == expected
        # A form on the rows at the approver's level or below, "Above your limit" on the others (a manager's).
        assert drawn.count("<form") == sum((q.approval_level or "supervisor") in decidable for q in _waiting())


#: orders.html's row loop before the rows were drawn in Python (the reference).
JINJA_ORDER_ROWS = """{% for order in page.items %}
        <tr>
          <td data-label="{{ l_number }}"><a href="{{ order_base ~ order.id }}">{{ order.number }}</a>{% if order.external_number %} <small>{{ order.external_number }}</small>{% endif %}</td>
          <td data-label="{{ l_channel }}">{{ channel_labels[order.channel] }}</td>
          <td data-label="{{ l_customer }}">{{ order.customer_name }}</td>
          <td data-label="{{ l_status }}"><span class="badge status-{{ order.status }}">{{ status_labels[order.status] }}</span></td>
          <td class="num" data-label="{{ l_total }}">{{ money_texts[order.total] }}</td>
          <td class="num" data-label="{{ l_ordered }}">{{ order.ordered_at|date }}</td>
        </tr>
      {% endfor %}"""


def _orders(nul: bool = False) -> list[SimpleNamespace]:
    from datetime import datetime

    from plugins.pipeline.labels import CHANNEL_LABELS
    from plugins.pipeline.models import ORDER_STATUSES

    channels, statuses = [*CHANNEL_LABELS, "gone<&>"], [*ORDER_STATUSES, "odd<&>"]
    return [SimpleNamespace(id=i + 1, number=TITLES[i % 4], external_number=(None, "", "TM-<9>&'\"")[i % 3],
                            channel=channels[i % len(channels)], status=statuses[i % len(statuses)],
                            total=(*VALUES, None)[i % 6], customer_name=f"<客户 & {i}>" + ("\0" if nul and i == 7 else ""),
                            # Late evening UTC is the next day in the company's zone; and an order without a day.
                            ordered_at=datetime(2026, 3, i % 28 + 1, (i * 5) % 24, 30) if i % 11 else None)
            for i in range(40)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("nul", [False, True])
def test_order_rows_are_the_templates_rows(app, locale, nul):
    from plugins.pipeline.views.order_cells import order_list_rows
    from plugins.pipeline.views.words import pipeline_words

    with app.test_request_context("/"), force_locale(locale):
        labels, words = TextLabels(), pipeline_words()
        template = app.jinja_env.from_string(JINJA_ORDER_ROWS)
        expected = template.render(
            page=SimpleNamespace(items=_orders(nul)), channel_labels=labels.channel, status_labels=labels.order,
            money_texts=MoneyTexts(), order_base="/pipeline/orders/",
            **{f"l_{key.lower()}": words[key] for key in ("Number", "Channel", "Customer", "Status", "Total",
                                                          "Ordered")})
        drawn = order_list_rows(_orders(nul), words, labels.channel, labels.order, MoneyTexts(), "/pipeline/orders/")
        assert str(drawn) == expected


#: quotations.html's row loop before the rows were drawn in Python (the reference), with its words as it said them.
JINJA_QUOTATION_ROWS = """{% set states = text_labels.quotation %}
      {% for q in page.items %}
        <tr>
          <td data-label="{{ _('Number') }}"><a href="{{ quotation_base ~ q.id }}">{{ _("%(number)s revision %(revision)s", number=q.number, revision=q.revision) }}</a></td>
          <td data-label="{{ _('Deal') }}">{{ q.deal_title }}</td>
          <td data-label="{{ _('Customer') }}">{{ q.customer_name }}</td>
          <td data-label="{{ _('State') }}">{{ states[q.state] }}</td>
          <td class="num" data-label="{{ _('Total') }}">{{ money_texts[q.total] }}</td>
          <td data-label="{{ _('Valid until') }}">{{ q.valid_until|date }}</td>
          <td data-label="{{ _('Owner') }}">{{ q.owner_name }}</td>
        </tr>
      {% endfor %}"""


def _quotations(nul: bool = False) -> list[SimpleNamespace]:
    """Quotations in every state (and one without a label), hostile numbers, titles and names, repeated and
    distinct totals and days; with ``nul``, a name holding a NUL (escaped one value at a time)."""
    from plugins.pipeline.labels import QUOTATION_STATE_LABELS

    states = [*QUOTATION_STATE_LABELS, "odd<&>"]
    return [SimpleNamespace(id=i + 1, number=f"Q-<{i}>&'\"%(x)s", revision=i % 4 + 1, state=states[i % len(states)],
                            total=VALUES[i % 5], valid_until=date(2026, 1 + i % 12, 1 + i % 28),
                            deal_title=TITLES[i % 4], customer_name=f"<客户 & {i}>" + ("\0" if nul and i == 3 else ""),
                            owner_name=TITLES[(i + 1) % 4]) for i in range(40)]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("nul", [False, True])
def test_quotation_rows_are_the_templates_rows(app, locale, nul):
    from plugins.pipeline.views.quotation_cells import quotation_list_rows
    from plugins.pipeline.views.words import pipeline_words

    with app.test_request_context("/"), force_locale(locale):
        labels = TextLabels()
        template = app.jinja_env.from_string(JINJA_QUOTATION_ROWS)
        template.name = "pipeline/quotations.html"  # its words from the pipeline's catalogue first, as the page's
        expected = template.render(page=SimpleNamespace(items=_quotations(nul)), text_labels=labels,
                                   money_texts=MoneyTexts(), quotation_base="/pipeline/quotations/")
        drawn = quotation_list_rows(_quotations(nul), pipeline_words(), labels.quotation, MoneyTexts(),
                                    "/pipeline/quotations/")
        assert "\n      " + str(drawn) == expected
        assert drawn.count("<tr>") == 40
        if locale == "zh_Hans":  # the revision in the translation's own words and order
            assert "Q-&lt;0&gt;&amp;&#39;&#34;%(x)s 第 1 版" in drawn
