"""The quotation line editor (issue 12): the lines endpoint recomputes each line's amounts and the totals from the
posted form by the same services that save the quotation, saves nothing, and answers a wrong input with a message
next to it (never a 500); adding and removing lines works through it and, without JavaScript, through the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select


def lines_url(deal) -> str:
    return f"/pipeline/deals/{deal.id}/quotations/lines"


def row(n: int, product=None, quantity="", discount="", unit_price="") -> dict[str, str]:
    return {f"lines-{n}-product_id": str(product.id) if product else "", f"lines-{n}-quantity": quantity,
            f"lines-{n}-discount": discount, f"lines-{n}-unit_price": unit_price}


def test_the_editor_shows_the_amounts_the_saved_quotation_will_have(client, login_as, db, deal, team, products,
                                                                    next_month):
    from plugins.pipeline.models import Quotation

    login_as(team["rep"])
    posted = {**row(0, products[0], "2", "10"), **row(1, products[1], "3", "0"),
              "valid_until": next_month.isoformat()}
    preview = client.post(lines_url(deal), data=posted)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    # The amounts, messages and totals alone, each swapped in by id: not a page, and not the inputs being typed in.
    assert "<form" not in html and 'name="lines-0-quantity"' not in html
    assert '<span id="line-0-gross" hx-swap-oob="true">' in html and '<span id="total-total" hx-swap-oob' in html
    # 19,800 × 2 − 10 % = 35,640.00 net + 6 % tax; 399 × 3 = 1,197.00 net + 13 % tax.
    for amount in ("35,640.00", "2,138.40", "37,778.40", "1,197.00", "155.61", "1,352.61",
                   "36,837.00", "3,960.00", "2,294.01", "39,131.01"):
        assert amount in html, amount
    assert db.session.scalar(select(func.count(Quotation.id))) == 0  # nothing saved

    saved = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data=posted)
    assert saved.status_code == 302
    quotation = db.session.scalar(select(Quotation))
    assert (quotation.subtotal, quotation.discount_total, quotation.tax_total, quotation.total) == (
        Decimal("36837.00"), Decimal("3960.00"), Decimal("2294.01"), Decimal("39131.01"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("quantity", "abc", "Not a valid decimal value"),
    ("quantity", "1e40", "too large"),
    ("discount", "150", "between 0 and 100"),
    ("discount", "NaN", "between 0 and 100"),
    ("product_id", "99999999", "Choose a value from the list"),
    ("product_id", "x'; drop", "Choose a value from the list"),
    ("unit_price", "-5", ""),
])
def test_a_wrong_input_is_a_message_next_to_it_never_a_500(client, login_as, db, deal, team, products, english,
                                                          field, value, message):
    from plugins.pipeline.models import Quotation

    team["rep"].locale = "en"
    db.session.commit()
    login_as(team["rep"])
    data = row(0, products[0], "1", "0")
    data[f"lines-0-{field}"] = value
    response = client.post(lines_url(deal), data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    cell = html[html.index(f'id="lines-0-{field}-errors"'):]
    cell = cell[:cell.index("</div>")]
    assert 'class="field-error"' in cell, cell
    assert message in cell
    assert db.session.scalar(select(func.count(Quotation.id))) == 0


def test_an_inactive_product_is_refused_next_to_the_product(client, login_as, db, deal, team, products):
    products[1].active = False
    db.session.commit()
    login_as(team["rep"])
    html = client.post(lines_url(deal), data=row(0, products[1], "1")).get_data(as_text=True)
    cell = html[html.index('id="lines-0-product_id-errors"'):]
    assert 'class="field-error"' in cell[:cell.index("</div>")]


def test_adding_and_removing_lines_through_the_editor(client, login_as, db, deal, team, products):
    login_as(team["rep"])
    added = client.post(lines_url(deal), data={**row(0, products[0], "1"), "add_line": "1"})
    html = added.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="quotation-lines"')  # the whole editor: its rows changed
    assert 'name="lines-1-quantity"' in html and 'name="lines-2-quantity"' not in html
    removed = client.post(lines_url(deal), data={**row(0, products[0], "1"), **row(1, products[1], "2"),
                                                 "remove_line": "0"}).get_data(as_text=True)
    assert 'name="lines-1-quantity"' not in removed
    assert f'value="{products[1].id}"' in removed and "798.00" in removed  # the second line moved up
    assert "19,800.00" not in removed


def test_without_javascript_the_form_recalculates_and_adds_lines(client, login_as, db, deal, team, products,
                                                                 next_month):
    login_as(team["rep"])
    page = client.post(f"/pipeline/deals/{deal.id}/quotations/new", data={
        **row(0, products[1], "2"), "recalculate": "1", "valid_until": next_month.isoformat()})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<form" in html and "901.74" in html  # 798.00 + 13 % tax, on the whole page


def test_the_editor_is_for_those_who_may_work_on_the_deal(client, login_as, db, deal, team, products):
    login_as(team["other"])  # another representative: the deal is not theirs
    assert client.post(lines_url(deal), data=row(0, products[0], "1")).status_code == 404
