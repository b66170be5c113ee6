"""The claim tables' rows, drawn in Python (views/rendering.py), are the HTML the templates' Jinja loop drew, byte
for byte, in English and Chinese: checked against that loop (as it stood before the rows moved into Python, issue
7), rendered here with the same filters and translations."""

from __future__ import annotations

import re

import pytest

from plugins.expenses.services.workflow import transition
from plugins.expenses.tests.conftest import draft, line

#: The rows' fixed words and values as the templates' loops wrote them (claims.html, review_queue.html,
#: finance_queue.html), spacing included; ``waiting`` is the moment the claim entered the queue.
_CELLS = ('<td data-label="{{ _("Number") }}"><a href="{{ href }}{{ claim.id }}">{{ claim.number }}</a></td>{{ cell }}'
          '<td data-label="{{ _("Purpose") }}">{{ claim.title }}{% if claim.over_budget %} '
          '<span class="expenses-warning-tag">{{ _("over budget") }}</span>{% endif %}</td>{{ cell }}'
          '<td data-label="{{ _("Claimant") }}">{{ claim.claimant.name }}</td>{{ cell }}'
          '<td class="num" data-label="{{ _("Amount") }}">{{ claim.total|yuan }}</td>{{ cell }}')
CLAIM_LIST_ROWS = (
    '\n  {% set cell = "\n      " %}{% for claim in claims %}\n    <tr>\n      ' + _CELLS
    + '<td data-label="{{ _("State") }}"><span class="expenses-state expenses-state-{{ claim.state }}">'
      '{{ state_label(claim.state) }}</span></td>{{ cell }}'
      '<td data-label="{{ _("Created") }}">{{ claim.created_at|datetime("short") }}</td>\n    </tr>\n  {% endfor %}\n  ')
QUEUE_ROWS = (
    '\n  {% set cell = "\n    " %}{% for claim in claims %}\n  <tr>\n    '
    '{% if paying %}<td class="bulk-cell"><input type="checkbox" name="ids" value="{{ claim.id }}" '
    'aria-label="{{ _("Select %(name)s", name=claim.number) }}"></td>{% endif %}{% if finance %}{{ cell }}{% endif %}'
    + _CELLS + '<td data-label="{{ _("Waiting since") }}">{{ waiting(claim)|datetime("short") }}</td>\n  </tr>\n  '
    '{% endfor %}\n  ')

#: The pages, who reads them, and the moment each shows in its last column.
PAGES = (
    ("/expenses/", "rep", None),
    ("/expenses/?sort=-total", "boss", None),
    ("/expenses/review", "head", "submitted_at"),
    ("/expenses/finance", "finance", "dept_approved_at"),
    ("/expenses/finance?stage=pay", "finance", "finance_approved_at"),
    ("/expenses/finance?stage=pay", "reviewer", "finance_approved_at"),  # may not pay: no checkbox
)


def _rows_of(page: str) -> str:
    return re.search(r"<tbody>(.*)</tbody>", page, re.S)[1]  # type: ignore[index]  # the test fails on None


def _reference(app, url: str, locale: str, claim_ids: list[int], waiting: str | None, paying: bool) -> str:
    from flask_babel import force_locale

    from core.extensions import db
    from plugins.expenses.labels import state_label
    from plugins.expenses.models import Claim

    claims = [db.session.get(Claim, claim_id) for claim_id in claim_ids]
    with app.test_request_context(url), force_locale(locale):
        template = app.jinja_env.from_string(CLAIM_LIST_ROWS if waiting is None else QUEUE_ROWS)
        template.name = "expenses/rows.html"  # translated in the expenses catalogue, as the plugin's templates are
        return template.render(
            claims=claims, href="/expenses/claims/", state_label=state_label, paying=paying,
            finance=url.startswith("/expenses/finance"), waiting=lambda claim: getattr(claim, waiting or "created_at"))


@pytest.fixture
def claims_in_every_queue(db, company, make_user):
    """Claims in every state a table lists, with a title and a claimant's name that need escaping, one over budget
    and one with an amount in the thousands; ``company.reviewer`` re-reviews for finance but may not pay."""
    from core.identity.roles import create_role, set_grants

    role = create_role(db.session, "finance_reviewer", "Finance reviewer")
    set_grants(db.session, role, role.name, {"expenses.claim.finance_review": "all", "expenses.claim.view": "all"})
    db.session.commit()
    company.reviewer = make_user("reviewer", roles=["finance_reviewer"])
    company.rep.name = '<i>Rep & "Co"</i>'
    made = []
    for number, (title, amount) in enumerate((('<b>"Trip" & co</b>', "1234.50"), ("Taxi", "88.00"),
                                              ("Hotel {night} 'B&B'", "0.10"), ("Train %s", "12345.67"))):
        claim = draft(db, company.rep, line(company.travel, amount, invoice=f"R{number}"), title=title)
        made.append(claim)
    for claim in made[1:]:
        transition(db.session, claim, company.rep, "submit")
    for claim in made[2:]:
        transition(db.session, claim, company.head, "approve")
    transition(db.session, made[3], company.finance, "finance_approve")
    made[1].over_budget = made[3].over_budget = True
    db.session.commit()
    return made


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
@pytest.mark.parametrize("url, reader, waiting", PAGES)
def test_claim_rows_are_the_templates_rows_byte_for_byte(app, db, company, client, login_as, claims_in_every_queue,
                                                         locale, url, reader, waiting):
    user = getattr(company, reader)
    user.locale = locale
    db.session.commit()
    login_as(user)
    rows = _rows_of(client.get(url).get_data(as_text=True))
    claim_ids = [int(found) for found in re.findall(r'href="/expenses/claims/(\d+)"', rows)]
    assert claim_ids  # every page lists at least one claim
    paying = "stage=pay" in url and reader == "finance"
    assert ('type="checkbox"' in rows) == paying
    assert rows == _reference(app, url, locale, claim_ids, waiting, paying)


def test_the_rows_values_are_escaped_as_markupsafe_escapes_each():
    """The rows' values are escaped in one go (rendering._escaped): the same text as escaping each, also for a value
    that holds the NUL the values are joined by (SQLite's text may), a None and a number."""
    from markupsafe import escape

    from plugins.expenses.views.rendering import _escaped

    for values in (['<b>"Trip" & co\'s</b>', "Taxi", None, 12, "¥1,234.50"], ["a\0b", "<i>", "", "\0", "x"]):
        assert list(_escaped(values, 5)) == [tuple(str(escape(value)) for value in values)]
    assert list(_escaped(["1", "2", "3", "4"], 2)) == [("1", "2"), ("3", "4")]


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_the_payment_methods_drawn_from_kept_labels_are_the_forms_own_select(app, locale):
    """The finance queue's pay card draws the methods from labels translated once (forms.method_choices): the same
    select, byte for byte, as the form's own lazily translated choices."""
    from flask_babel import force_locale

    from plugins.expenses.forms import PaymentForm, method_choices

    with app.test_request_context("/expenses/finance?stage=pay"), force_locale(locale):
        form = PaymentForm(meta={"csrf": False})
        drawn = str(form.method())
        form.method.choices = method_choices()
        assert str(form.method()) == drawn
        assert ("银行转账" in drawn) == (locale == "zh_Hans")  # translated, in the reader's language
