"""CSV and XLSX export (core.web.listing.export_response) and a list page built from the macros end to end."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from core.identity.models import User
from core.identity.users import create_user
from core.security import require
from core.web.listing import ExportColumn, Filter, ListQuery, export_response, wants_export

ROWS = [
    {"name": "王小明", "amount": Decimal("1234.50"), "day": date(2026, 3, 1), "at": datetime(2026, 3, 1, 16, 30),
     "note": "=HYPERLINK(\"http://evil\")"},
    {"name": "Li, Lei", "amount": Decimal("-0.10"), "day": None, "at": None, "note": "plain"},
]
COLUMNS = [("name", "Name"), ("amount", "Amount"), ("day", "Day"), ("at", "At"), ("note", "Note")]


def test_csv_is_utf8_with_a_bom_so_excel_reads_chinese(app):
    with app.test_request_context():
        response = export_response(ROWS, COLUMNS, "csv", filename="客户")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig").splitlines()
    assert text[0] == "Name,Amount,Day,At,Note"
    # Exact money, the time in Shanghai (UTC+8), a formula neutralised, a comma quoted.
    assert text[1] == "王小明,1234.50,2026-03-01,2026-03-02 00:30:00,\"'=HYPERLINK(\"\"http://evil\"\")\""
    assert text[2] == '"Li, Lei",-0.10,,,plain'
    assert response.mimetype == "text/csv"
    # One charset parameter, not two (issue 11 F8): "text/csv; charset=utf-8; charset=utf-8" was sent.
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%E5%AE%A2%E6%88%B7.csv" in disposition


def test_xlsx_keeps_types(app):
    columns = [*COLUMNS[:2], ExportColumn("shout", "Shout", value=lambda row: row["name"].upper())]
    with app.test_request_context():
        response = export_response(ROWS, columns, "xlsx", filename="customers")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Amount", "Shout")
    assert rows[1][0] == "王小明" and rows[1][1] == pytest.approx(1234.5) and rows[2][2] == "LI, LEI"
    assert 'filename="customers.xlsx"' in response.headers["Content-Disposition"]


def test_an_unknown_format_is_a_bad_request(app):
    with app.test_request_context(), pytest.raises(BadRequest):
        export_response(ROWS, COLUMNS, "pdf")


LIST_TEMPLATE = """{% extends "base.html" %}{% import "macros/lists.html" as lists %}
{% block content %}
{{ lists.toolbar(page) }}{{ lists.export_links(page) }}
{% if page.items %}
{% call lists.bulk_form(page, [("deactivate", "Deactivate")], "/t/users/bulk") %}
<table class="list"><thead><tr>{{ lists.bulk_select_all() }}{{ lists.sort_header(page, "name", "Name") }}</tr></thead>
<tbody>{% for u in page.items %}<tr>{{ lists.bulk_checkbox(u.id, u.name) }}<td>{{ u.name }}</td></tr>{% endfor %}</tbody></table>
{% endcall %}
{{ lists.pagination(page) }}
{% else %}{{ lists.empty_state(page, "No people yet.") }}{% endif %}
{% endblock %}"""


@pytest.fixture
def people_page(app, db, make_app):
    """A list page as a plugin author writes it (docs/ui.md), on an app of its own (routes are added before the
    first request). Returns that app's client."""
    own = make_app()
    listing = ListQuery(select(User), sorts={"name": User.name}, default_sort="name", search=[User.name],
                        filters=[Filter.choice("active", "Active", User.active, [("1", "Yes"), ("0", "No")],
                                               coerce=lambda v: v == "1")], per_page=2)

    @require("core.users.manage")
    def people():  # type: ignore[no-untyped-def]
        fmt = wants_export()
        if fmt:
            return export_response(listing.export_rows(), [("login", "Login"), ("name", "Name")], fmt, "people")
        return render_template_string(LIST_TEMPLATE, page=listing.page())

    own.add_url_rule("/t/users", "t_users", people)
    for n in range(5):
        create_user(db.session, login=f"p{n}", name=f"Person {n}")
    db.session.commit()
    return own.test_client()


def test_a_list_page_renders_search_sort_pagination_and_bulk_actions(make_user, login_as, people_page):
    client = login_as(make_user("boss", roles=["admin"], name="Zed Boss"), on=people_page)
    html = client.get("/t/users?sort=-name&per_page=2&page=2").get_data(as_text=True)
    assert "Person 3" in html and "Person 2" in html and "Person 4" not in html
    assert 'aria-sort="descending"' in html
    assert 'href="/t/users?sort=name&amp;per_page=2"' in html  # clicking again reverses, back to page 1
    assert 'name="ids" value=' in html and 'name="action"' in html and 'name="csrf_token"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "/t/users?sort=-name&amp;per_page=2&amp;export=csv" in html
    empty = client.get("/t/users?q=nobody").get_data(as_text=True)
    assert 'class="empty-state"' in empty and 'href="/t/users"' in empty  # "clear search and filters"
    bad = client.get("/t/users?active=perhaps")
    assert bad.status_code == 200 and "perhaps" in bad.get_data(as_text=True)  # explained, not a 500


def test_the_export_follows_the_search(make_user, login_as, people_page):
    client = login_as(make_user("boss", roles=["admin"]), on=people_page)
    response = client.get("/t/users?q=Person&sort=-name&export=csv")
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines == ["Login,Name", "p4,Person 4", "p3,Person 3", "p2,Person 2", "p1,Person 1", "p0,Person 0"]
    assert client.get("/t/users?export=doc").status_code == 400
    assert client.get("/t/users?export=xlsx").mimetype.endswith("spreadsheetml.sheet")


def test_any_stored_amount_exports_without_failing(app):
    # A stored 1e40 (SQLite kept the 40 nines a form once let through), NaN or -0 must not break a download.
    rows = [{"name": n, "amount": a} for n, a in (("huge", Decimal("1E+40")), ("nan", Decimal("NaN")),
                                                  ("inf", Decimal("-Infinity")), ("zero", Decimal("-0.00")))]
    columns = [("name", "Name"), ("amount", "Amount")]
    with app.test_request_context():
        csv_text = export_response(rows, columns, "csv").get_data().decode("utf-8-sig").splitlines()
        sheet = load_workbook(io.BytesIO(export_response(rows, columns, "xlsx").get_data())).active
    assert Decimal(csv_text[1].removeprefix("huge,")) == Decimal("1E+40")  # written out or as stored, not lost
    assert csv_text[2:] == ["nan,NaN", "inf,'-Infinity", "zero,-0.00"]
    values = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == pytest.approx(1e40) and values[1:3] == ["NaN", "'-Infinity"]
