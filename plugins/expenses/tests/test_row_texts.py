"""The claim rows' amounts and moments (views/amounts.py, views/moments.py) are the core filters' texts exactly."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import flask_babel
import pytest

from core.web.locale import datetime_filter, money
from plugins.expenses.views.amounts import amount_text
from plugins.expenses.views.moments import short_moment_text

#: Amounts a claim may hold and the edges the core handles on its own: rounding both ways at the cent, -0,
#: negatives, NaN, Infinity, beyond 10^18, a non-Decimal.
EDGES = ["0", "0.00", "-0", "-0.00", "0.004", "0.005", "0.015", "0.025", "0.994", "0.995", "999.995", "1000",
         "1234.5", "999999.999", "-12.5", "-0.001", "NaN", "Infinity", "-Infinity", "1E+17", "999999999999999999.99",
         "1E+18", "1E+40", "1E-30", "12345678901234.565"]


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_amounts_read_as_money_writes_them(app, locale):
    rng = random.Random(5)
    values = [Decimal(edge) for edge in EDGES] + [Decimal(rng.randrange(0, 10**12)) / 1000 for _ in range(3000)]
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        write = amount_text()
        assert write.__name__ == "fast"  # both locales take the quick path
        for value in values:
            assert write(value) == money(value), value
        assert write(None) == "—" and write(12) == money(12) and write(3.5) == money(3.5)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"])
@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_moments_read_as_the_datetime_filter_writes_them(app, db, locale, zone):
    from core.settings import set_setting

    rng = random.Random(9)
    start = datetime(2024, 1, 1)
    # Every 37 minutes over two years (daylight-saving switches included), and random microseconds.
    values = [start + timedelta(minutes=37 * i, microseconds=rng.randrange(10**6)) for i in range(2 * 365 * 39)]
    values += [None, "", datetime(2026, 3, 29, 0, 59, 59), datetime(2026, 3, 29, 1, 0),  # Berlin's switch at 01:00 UTC
               datetime(2026, 5, 1, 8, 0, tzinfo=UTC), datetime(2026, 5, 1).date()]
    set_setting("core.timezone", zone)  # the company zone of the settings page
    db.session.commit()
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        assert str(flask_babel.get_timezone()) == zone
        write = short_moment_text()
        assert write.__name__ == "fast"
        for value in values:
            assert write(value) == datetime_filter(value, "short"), value
