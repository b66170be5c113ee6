"""Template filters for money, numbers and dates (core/web/locale.py): locale-aware, times in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale


@pytest.mark.parametrize(("locale", "expected"), [("zh_Hans", "¥1,234.50"), ("en", "CN¥1,234.50")])
def test_money_is_cny_with_two_decimals(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert render_template_string("{{ v|money }}", v=Decimal("1234.5")) == expected
        assert render_template_string("{{ v|money }}", v=None) == ""


def test_numbers_and_percentages(app):
    with app.test_request_context(), force_locale("en"):
        assert render_template_string("{{ 1234567|number }}") == "1,234,567"
        assert render_template_string("{{ v|number(2) }}", v=Decimal("3.14159")) == "3.14"
        assert render_template_string("{{ v|percent }} {{ v|percent(1) }}", v=Decimal("0.925")) == "92% 92.5%"
        assert render_template_string("{{ 'abc'|number }}") == ""


def test_times_are_shown_in_the_company_time_zone(app):
    stored = datetime(2026, 3, 1, 16, 30)  # naive UTC, as stored
    with app.test_request_context(), force_locale("en"):
        assert render_template_string("{{ v|datetime('yyyy-MM-dd HH:mm') }}", v=stored) == "2026-03-02 00:30"
        assert render_template_string("{{ v|date('yyyy-MM-dd') }}", v=stored) == "2026-03-02"
        assert render_template_string("{{ v|date('yyyy-MM-dd') }}", v=date(2026, 3, 1)) == "2026-03-01"
    with app.test_request_context(), force_locale("zh_Hans"):
        assert render_template_string("{{ v|date }}", v=date(2026, 3, 1)) == "2026年3月1日"
        assert render_template_string("{{ v|datetime }}", v=None) == ""
