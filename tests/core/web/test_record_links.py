"""core.web.record_links: a record's link from one url_for a page, split where the record's id goes."""

from __future__ import annotations

import pytest
from flask import url_for

from core.web.record_links import record_url_parts, record_url_prefix


def test_a_records_url_is_the_parts_around_its_id(app):
    with app.test_request_context("/"):
        before, after = record_url_parts("core_identity.user_edit", "user_id")
        assert f"{before}42{after}" == url_for("core_identity.user_edit", user_id=42)
        assert after == "/edit"


def test_a_prefix_is_refused_for_a_url_that_goes_on_after_the_id(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        record_url_prefix("core_identity.user_edit", "user_id")
