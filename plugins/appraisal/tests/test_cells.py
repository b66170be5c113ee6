"""The calibration rows drawn in Python (views/cells.py, issue 18) write what the template wrote: the same bytes as
calibration.html's former Jinja loop, in English and Chinese, for hostile names and for every shape of score."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from core.web.locale import number
from plugins.appraisal.views.cells import calibration_rows, score_text

#: calibration.html's rows before they were drawn in Python (the reference).
JINJA_ROWS = """{% for a in items %}<tr>
        <td data-label="{{ L.fin }}">{% if a.state == "calibration" %}<input type="checkbox" name="ids" value="{{ a.id }}" aria-label="{{ _('Finalise %(name)s', name=a.employee.name) }}"><input type="hidden" name="version-{{ a.id }}" value="{{ a.version }}">{% endif %}</td>
        <td data-label="{{ L.person }}"><a href="{{ detail }}{{ a.id }}">{{ a.employee.name }}</a></td>
        <td data-label="{{ L.state }}"><span class="pill state-{{ a.state }}">{{ states[a.state] }}</span></td>
        <td class="num" data-label="{{ L.results }}">{{ a.result_score|number(1) if a.result_score is not none else "—" }}</td>
        <td class="num" data-label="{{ L.self }}">{{ a.self_score|number(1) if a.self_score is not none else "—" }}</td>
        <td class="num" data-label="{{ L.sup }}">{{ a.superior_score|number(1) if a.superior_score is not none else "—" }}</td>
        <td class="num" data-label="{{ L.cust }}">{{ a.customer_score|number(1) if a.customer_score is not none else "—" }}</td>
        <td class="num" data-label="{{ L.final }}">{{ a.final_score|number(1) if a.final_score is not none else "—" }}</td>
        <td data-label="{{ L.grade }}">{% if a.grade %}<span class="pill grade-{{ a.grade }}">{{ grades[a.grade] }}</span>{% else %}—{% endif %}</td>
      </tr>{% endfor %}"""

SCORES = [None, Decimal("0"), Decimal("0.00"), Decimal("87.25"), Decimal("87.35"), Decimal("87.05"),
          Decimal("-0.04"), Decimal("-0.05"), Decimal("-0.06"), Decimal("-12.35"), Decimal("999.94"),
          Decimal("999.95"), Decimal("1000"), Decimal("-999.99"), Decimal("1234.56"), Decimal("5E+1"),
          Decimal("0.05"), Decimal("0.15"), Decimal("120"), Decimal("NaN"), Decimal("Infinity"), Decimal("1E+70"),
          45, 87.5]


def _row(ident: int, name: str, state: str, grade: str | None, scores: list) -> SimpleNamespace:
    result, own, superior, customer, final = scores
    return SimpleNamespace(id=ident, version=ident % 4 + 1, state=state, grade=grade, employee_name=name,
                           employee=SimpleNamespace(name=name), result_score=result, self_score=own,
                           superior_score=superior, customer_score=customer, final_score=final)


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_score_text_is_the_number_filter(app, locale):
    with app.test_request_context("/"), force_locale(locale):
        for value in SCORES:
            assert score_text(value) == ("—" if value is None else number(value, 1)), value


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_rows_are_the_templates_rows(app, locale):
    names = ["代表1", '<b>"Bob" & O\'Neil</b>', "%(name)s %% {x}", "\ue000 slot"]
    states = ["calibration", "final", "closed", "calibration"]
    grades = ["excellent", None, "fail", "good"]
    items = [_row(i + 1, names[i % 4], states[i % 4], grades[i % 4], SCORES[i % 20:i % 20 + 5])
             for i in range(24)]
    words = {"fin": "Finalise", "person": "Person <&>", "state": "State", "results": "R", "self": "S",
             "sup": "Sup", "cust": "C", "final": "F", "grade": "G"}
    labels = {"calibration": "Awaiting <calibration>", "final": "Final", "closed": "Closed"}
    grade_names = {"excellent": "A & B", "fail": "<fail>", "good": "Good"}
    with app.test_request_context("/"), force_locale(locale):
        expected = app.jinja_env.from_string(JINJA_ROWS).render(
            items=items, L=words, states=labels, grades=grade_names, detail="/appraisal/")
        assert str(calibration_rows(items, words, labels, grade_names, "/appraisal/")) == expected
