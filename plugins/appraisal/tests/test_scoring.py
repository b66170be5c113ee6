"""The scoring rules (R4.1, R4.3.4), with property tests on the weighting and the redistribution of a missing
source's weight."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.appraisal.services.scoring import (
    banded,
    combine,
    effective_weights,
    grade_for,
    linear,
    parse_bands,
    rating_score,
    weighted,
)

scores = st.decimals(min_value=0, max_value=150, places=2)
weights_ = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
maybe = st.one_of(st.none(), scores)
THRESHOLDS = [("excellent", Decimal(90)), ("good", Decimal(80)), ("pass", Decimal(70)), ("improve", Decimal(60))]


def test_linear_scores_percent_of_target_up_to_the_cap():
    assert linear(Decimal("8000"), Decimal("10000"), Decimal("120")) == Decimal("80.00")
    assert linear(Decimal("15000"), Decimal("10000"), Decimal("120")) == Decimal("120.00")
    assert linear(Decimal("-5"), Decimal("10000"), Decimal("120")) == Decimal("0.00")
    assert linear(Decimal("5"), Decimal("0"), Decimal("120")) is None  # no target: cannot be scored


def test_bands_take_the_highest_band_reached():
    bands = parse_bands("80:70, 120:120，100:100, 0:0")
    assert bands[0] == (Decimal(120), Decimal(120))
    assert banded(Decimal("9999"), Decimal("10000"), bands) == Decimal("70.00")
    assert banded(Decimal("10000"), Decimal("10000"), bands) == Decimal("100.00")
    assert banded(Decimal("100"), Decimal("10000"), parse_bands("50:60")) == Decimal("0.00")


@pytest.mark.parametrize("text", ["", "abc", "80-70", "80:70, 80:60", "-5:10", "80:inf"])
def test_bad_bands_are_refused(text):
    with pytest.raises(ValueError):
        parse_bands(text)


def test_ratings_score_twenty_points_a_step():
    assert [rating_score(r) for r in (1, 3, 5)] == [Decimal(20), Decimal(60), Decimal(100)]
    assert rating_score(0) is None and rating_score(None) is None


@settings(deadline=None)  # a shared machine: a slow example is not a wrong one
@given(st.lists(st.tuples(weights_, scores), min_size=1, max_size=8))
def test_a_weighted_score_lies_between_its_parts(parts):
    result = weighted(parts)
    assert min(s for _w, s in parts) - Decimal("0.01") <= result <= max(s for _w, s in parts) + Decimal("0.01")


@settings(deadline=None)  # a shared machine: a slow example is not a wrong one
@given(st.lists(st.tuples(weights_, scores), min_size=1, max_size=8), st.decimals(min_value=1, max_value=10, places=0))
def test_scaling_every_weight_changes_nothing(parts, factor):
    assert weighted(parts) == weighted([(w * factor, s) for w, s in parts])


@settings(deadline=None)  # a shared machine: a slow example is not a wrong one
@given(maybe, maybe, maybe, weights_, weights_, weights_)
def test_a_missing_source_gives_its_weight_to_the_others_in_proportion(self_, superior, customer, ws, wp, wc):
    weights = {"self": ws, "superior": wp, "customer": wc}
    final, missing = combine({"self": self_, "superior": superior, "customer": customer}, weights)
    present = {k: v for k, v in {"self": self_, "superior": superior, "customer": customer}.items() if v is not None}
    assert set(missing) == {"self", "superior", "customer"} - set(present)
    if not present:
        assert final is None
        return
    # The same as weighting the present sources alone.
    assert final == weighted([(weights[k], v) for k, v in present.items()])
    applied = effective_weights(weights, missing)
    assert all(applied[k] == 0 for k in missing)
    assert abs(sum(applied.values()) - 100) <= Decimal("0.03")
    # The present sources keep their proportions.
    keys = list(present)
    for a in keys:
        for b in keys:
            assert abs(applied[a] * weights[b] - applied[b] * weights[a]) <= Decimal("0.01") * (weights[a] + weights[b])


@settings(deadline=None)  # a shared machine: a slow example is not a wrong one
@given(scores)
def test_grades_follow_the_thresholds(score):
    grade = grade_for(score, THRESHOLDS)
    expected = next((g for g, m in THRESHOLDS if score >= m), "fail")
    assert grade == expected


def test_no_score_no_grade():
    assert grade_for(None, THRESHOLDS) is None
