"""Scoring rules, pure functions over Decimals (R4.1, R4.3.4): no database, so property tests can drive them.

- A result indicator scores its KPI against the target: linear to the target with a cap, or by bands of
  achievement. A behaviour indicator's 1-5 rating scores 20 points a step.
- An evaluation (the self-assessment, the superior's) is the weighted mean of its indicators; an indicator that
  cannot be scored (its KPI's module is off, a rating left blank) gives its weight to the others.
- The final score combines self, superior and customer evaluation with configurable weights; a missing source's
  weight is redistributed to the present ones in proportion, and the missing sources are named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
RATING_POINTS = Decimal("20")


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def achievement(value: Decimal, target: Decimal) -> Decimal | None:
    """Value as a percent of the target; None without a positive target."""
    if target is None or value is None or target <= 0:
        return None
    return value * HUNDRED / target


def linear(value: Decimal, target: Decimal, cap: Decimal) -> Decimal | None:
    """Percent of target, never below 0 nor above ``cap``."""
    done = achievement(value, target)
    if done is None:
        return None
    return q(max(ZERO, min(done, cap)))


def parse_bands(text: str) -> list[tuple[Decimal, Decimal]]:
    """"120:120, 100:100, 80:70, 0:0" → [(120, 120), (100, 100), (80, 70), (0, 0)], highest threshold first.
    Raises ValueError with a message for the person who typed it."""
    pairs: list[tuple[Decimal, Decimal]] = []
    for chunk in (text or "").replace("，", ",").replace("：", ":").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        threshold, sep, score = chunk.partition(":")
        try:
            pair = (Decimal(threshold.strip().rstrip("%")), Decimal(score.strip()))
        except (InvalidOperation, ValueError):
            raise ValueError(chunk) from None
        if not sep or not all(v.is_finite() and ZERO <= v <= Decimal("1000") for v in pair):
            raise ValueError(chunk)
        pairs.append(pair)
    if not pairs:
        raise ValueError("")
    thresholds = [t for t, _s in pairs]
    if len(set(thresholds)) != len(thresholds):
        raise ValueError("duplicate")
    return sorted(pairs, reverse=True)


def banded(value: Decimal, target: Decimal, bands: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """The score of the highest band whose threshold the achievement reaches; 0 below every band."""
    done = achievement(value, target)
    if done is None:
        return None
    for threshold, score in bands:
        if done >= threshold:
            return q(score)
    return q(ZERO)


def result_score(rule: str, value: Decimal | None, target: Decimal | None, cap: Decimal | None,
                 bands: str | None) -> Decimal | None:
    if value is None or target is None:
        return None
    if rule == "bands":
        return banded(value, target, parse_bands(bands or ""))
    return linear(value, target, cap if cap is not None else HUNDRED)


def rating_score(rating: int | None) -> Decimal | None:
    """1-5 → 20-100."""
    if rating is None or not 1 <= rating <= 5:
        return None
    return Decimal(rating) * RATING_POINTS


def weighted(parts: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """Weighted mean of the parts that have a score; the others' weight is shared out in proportion. None when no
    part with a positive weight has a score."""
    total_weight = ZERO
    total = ZERO
    for weight, score in parts:
        if score is None or weight <= 0:
            continue
        total_weight += weight
        total += weight * score
    if total_weight == 0:
        return None
    return q(total / total_weight)


def combine(scores: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> tuple[Decimal | None, list[str]]:
    """The final score of R4.3.4 and the sources left out (missing, or weighted 0 while others count)."""
    missing = [name for name, score in scores.items() if score is None and weights.get(name, ZERO) > 0]
    final = weighted((weights.get(name, ZERO), score) for name, score in scores.items())
    return final, missing


def effective_weights(weights: Mapping[str, Decimal], missing: Iterable[str]) -> dict[str, Decimal]:
    """The weights actually applied, in percent, after redistributing the missing sources' share."""
    present = {k: w for k, w in weights.items() if k not in set(missing) and w > 0}
    total = sum(present.values(), ZERO)
    if not total:
        return dict.fromkeys(weights, ZERO)
    return {k: q(present.get(k, ZERO) * HUNDRED / total) for k in weights}


def grade_for(score: Decimal | None, thresholds: Sequence[tuple[str, Decimal]], lowest: str = "fail") -> str | None:
    """The first grade whose minimum the score reaches (``thresholds`` best first); ``lowest`` otherwise."""
    if score is None:
        return None
    for grade, minimum in thresholds:
        if score >= minimum:
            return grade
    return lowest
