"""Shortcuts for the two values list rows show hundreds of times a page: amounts and moments (issue 18).

babel's ``NumberPattern.apply`` looks up the locale's symbols and the currency for every value (about 12 µs, where
Python's own grouping takes under 1 µs), and pytz's ``astimezone`` costs about 8 µs a moment. On the finance queue's
500 claims that was most of the rows' Python. core/web/locale.py uses these when they give babel's text exactly:

- :func:`grouped_writer` writes a Decimal with a fixed number of decimals as Python's ``format`` does, with the marks,
  prefix and suffix read off babel's own text of a sample, and is only handed out after it wrote a set of check
  values exactly as babel did (a currency with other decimals, a pattern that drops trailing zeros, a percent: no
  writer, babel writes every value);
- :class:`ZoneDays` keeps a zone's offset per UTC day, so a stored moment becomes the company's wall-clock time by
  an addition; a day in which the offset changes (a daylight-saving switch) is left to pytz.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache

#: Values at or above this go to babel, which widens its rounding context for long numbers.
LARGEST = Decimal("1E18")
#: Digits of the sample amount: its text shows the prefix, the group mark, the decimal mark and the suffix.
_WHOLE, _FRACTION = "1234567", "8901234567"
#: Checked at the writer's number of decimals: zero, the group boundaries, trailing zeros, a long amount.
_CHECKS = ("0", "0.01", "0.1", "0.5", "7", "999.99", "1000", "1000.1", "100000", "12345678901.23", "5.5")
#: Entries kept per zone (UTC days); the bound only guards against a scan of every day there is.
MAX_DAYS = 4096


def grouped_writer(draw: Callable[[Decimal], str], places: int) -> Callable[[Decimal], str] | None:
    """A function equal to ``draw`` for finite, non-negative Decimals with exactly ``places`` decimals below
    10^18, or None when ``draw`` does not write them as a prefix, digits grouped by three, a decimal mark, the
    decimals and a suffix."""
    fraction = _FRACTION[:places]
    sample = Decimal(_WHOLE + ("." + fraction if places else ""))
    shape = r"(\D*)1(\D+)234(\D+)567" + (rf"(\D+){fraction}(\D*)" if places else r"(\D*)")
    match = re.fullmatch(shape, draw(sample))
    if match is None or match[2] != match[3]:
        return None
    prefix, group = match[1], match[2]
    point, suffix = (match[4], match[5]) if places else ("", match[4])
    marks = str.maketrans({",": group, ".": point})
    spec = f",.{places}f"

    def write(value: Decimal) -> str:
        return prefix + format(value, spec).translate(marks) + suffix

    step = Decimal(1).scaleb(-places)
    if any(write(check) != draw(check) for check in (Decimal(text).quantize(step) for text in _CHECKS)):
        return None
    return write


def writable(value: Decimal) -> int | None:
    """The number of decimals of ``value`` if a grouped writer may write it (finite, non-negative, below 10^18,
    no exponent above zero), else None."""
    if value.is_signed() or not value.is_finite() or value >= LARGEST:
        return None
    exponent = value.as_tuple().exponent
    return -exponent if exponent <= 0 else None  # type: ignore[operator]  # finite: an int


class ZoneDays:
    """One zone's offset from UTC per UTC day, for the days through which it does not change."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.offsets: dict[date, timedelta | None] = {}

    def wall_clock(self, moment: datetime) -> datetime | None:
        """A stored (naive UTC) ``moment`` as the zone's naive wall-clock time; None on a day the offset changes."""
        day = moment.date()
        offset = self.offsets.get(day, False)
        if offset is False:
            offset = self._offset(day)
        return None if offset is None else moment + offset

    def _offset(self, day: date) -> timedelta | None:
        if len(self.offsets) >= MAX_DAYS:
            self.offsets.clear()
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        first = start.astimezone(self.zone).utcoffset()
        last = (start + timedelta(days=1, microseconds=-1)).astimezone(self.zone).utcoffset()
        self.offsets[day] = offset = first if first == last else None
        return offset


@lru_cache(maxsize=64)
def zone_days(zone: tzinfo) -> ZoneDays:
    """The process's ZoneDays of ``zone`` (pytz zones are one object per name)."""
    return ZoneDays(zone)
