"""List rows of the appraisal pages drawn in Python (issue 18).

A Jinja loop over a 50-row page cost a call, an escape and a yield per cell and a catalogue look-up per row (the
checkbox's label): more than the page's SQL. Here a row is one f-string, with the same bytes as the template
wrote."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from core.i18n import gettext_noop
from core.web.locale import number

#: What an empty score cell shows.
NO_SCORE = "—"


def score_text(value: Any) -> str:
    """A score as the template wrote it: ``number(value, 1)``, "—" for none (core's number() is cheap enough per
    row: docs/ui.md)."""
    return NO_SCORE if value is None else number(value, 1)


class ScoreTexts(dict):
    """``texts[score]``: ``score_text(score)``, computed once per distinct score: scores repeat (the behaviour
    ratings are 1-5, so self and superior scores take few values). number() depends on the value and the language
    alone, so equal scores (87.5 and 87.50) share a text."""

    def __missing__(self, value: Any) -> str:
        if len(self) >= MAX_KEPT_SCORES:  # scores have two decimals and stay near 0-150: rarely reached
            self.clear()
        text = self[value] = score_text(value)
        return text


#: Distinct scores kept per language (a score's text in one language takes some 100 bytes).
MAX_KEPT_SCORES = 20_000
_SCORE_TEXTS: dict[str, ScoreTexts] = {}


def score_texts() -> ScoreTexts:
    """The scores' texts of the request's language, kept per process (issue 18: number() for each distinct score
    of a page cost as much as the rest of the rows together)."""
    locale = str(get_locale())
    texts = _SCORE_TEXTS.get(locale)
    if texts is None:
        texts = _SCORE_TEXTS[locale] = ScoreTexts()
    return texts


#: The checkbox's label of a row waiting for calibration (calibration.html drew it per row).
FINALISE = gettext_noop("Finalise %(name)s")
def calibration_rows(items: Iterable[Any], words: Mapping[str, str], states: Mapping[str, str],
                     grades: Mapping[str, str], detail_url: str) -> Markup:
    """The rows of the calibration page's results table (appraisal/calibration.html), from rows of
    ``calibration._ROW_COLUMNS``, one f-string a row: every value escaped as the template's ``{{ }}`` did (names
    are typed by users), the column names (``words``, translations already trusted by the template) once a page,
    a state's or a grade's cell once per code."""
    fin, person, state, results, self_, sup, cust, final, grade = (
        escape(words[key]) for key in ("fin", "person", "state", "results", "self", "sup", "cust", "final", "grade"))
    # As the template's _("Finalise %(name)s", name=…) under autoescape: the translation trusted, the name escaped
    # (below, once a row, as core.web.list_cells.bulk_checkbox_drawer does).
    finalise = str(gettext(FINALISE))
    score = score_texts().__getitem__
    href = escape(detail_url)
    state_cells: dict[str, str] = {}
    grade_cells: dict[Any, str] = {}
    out = []
    for a in items:
        name = escape(a.employee_name)
        code = a.state
        state_cell = state_cells.get(code)
        if state_cell is None:
            state_cell = state_cells[code] = (f'<span class="pill state-{escape(code)}">{escape(states[code])}'
                                              f'</span>')
        if code == "calibration":
            label = finalise % {"name": name}
            check = (f'<input type="checkbox" name="ids" value="{a.id}" aria-label="{label}">'
                     f'<input type="hidden" name="version-{a.id}" value="{a.version}">')
        else:
            check = ""
        code = a.grade
        grade_cell = grade_cells.get(code)
        if grade_cell is None:
            grade_cell = grade_cells[code] = (f'<span class="pill grade-{escape(code)}">{escape(grades[code])}'
                                              f'</span>' if code else NO_SCORE)
        out.append(
            f'<tr>\n        <td data-label="{fin}">{check}</td>\n'
            f'        <td data-label="{person}"><a href="{href}{a.id}">{name}</a></td>\n'
            f'        <td data-label="{state}">{state_cell}</td>\n'
            f'        <td class="num" data-label="{results}">{score(a.result_score)}</td>\n'
            f'        <td class="num" data-label="{self_}">{score(a.self_score)}</td>\n'
            f'        <td class="num" data-label="{sup}">{score(a.superior_score)}</td>\n'
            f'        <td class="num" data-label="{cust}">{score(a.customer_score)}</td>\n'
            f'        <td class="num" data-label="{final}">{score(a.final_score)}</td>\n'
            f'        <td data-label="{grade}">{grade_cell}</td>\n      </tr>')
    return Markup("".join(out))
