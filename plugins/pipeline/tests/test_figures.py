"""Figures as a reader sees them (issue 12): every Decimal of a quotation goes through the core's locale-aware
formatting (core/web/locale.py), whatever exponent the stored Decimal carries, on the page, the PDF and the e-mail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.pipeline.services.quotations import LineInput, create_quotation

DISCOUNTS = [(Decimal("10"), "10.00%"), (Decimal("0.5"), "0.50%"), (Decimal("1E+1"), "10.00%"),
             (Decimal("100"), "100.00%")]


@pytest.fixture
def quotation(db, deal, team, products, next_month):
    quotation = create_quotation(db.session, deal, team["rep"], [LineInput(products[0].id, Decimal("1"))],
                                 next_month)
    db.session.commit()
    return quotation


@pytest.mark.parametrize(("discount", "shown"), DISCOUNTS)
def test_pdf_writes_a_discount_as_a_percentage(app, db, quotation, discount, shown):
    from plugins.pipeline.pdf import quotation_html

    quotation.lines[0].discount = discount  # as a stored Numeric may come back: Decimal("1E+1") is ten
    quotation.lines[0].quantity = Decimal("1E+1")
    with app.test_request_context():
        html = quotation_html(quotation)
    assert f">{shown}<" in html
    assert "E+" not in html
    assert ">10<" in html  # the quantity
    assert ">6.00%<" in html  # the VAT rate 0.06
    assert "¥19,800.00" in html


def test_pdf_header_carries_the_company_name_from_the_settings(app, db, quotation):
    from core.settings import set_setting
    from plugins.pipeline.pdf import quotation_html

    set_setting("core.company_name", "杭州网销贸易有限公司")
    db.session.commit()
    with app.test_request_context():
        html = quotation_html(quotation)
    assert '<span class="name">杭州网销贸易有限公司</span>' in html
    assert "NetSales" not in html


@pytest.mark.parametrize(("discount", "shown"), DISCOUNTS)
def test_page_writes_the_discount_as_the_pdf_does(client, login_as, db, team, quotation, discount, shown):
    quotation.lines[0].discount = discount
    quotation.max_discount = discount
    db.session.commit()
    login_as(team["rep"])
    page = client.get(f"/pipeline/quotations/{quotation.id}").get_data(as_text=True)
    assert f">{shown}<" in page
    assert "E+" not in page


def test_email_writes_the_total_with_grouping(app, db, team, quotation):
    from core.notifications.models import EmailOutbox
    from plugins.pipeline.services.sending import send_quotation

    with app.test_request_context():
        send_quotation(db.session, quotation, team["rep"])
    db.session.commit()
    body = db.session.query(EmailOutbox).one().body_text
    assert "20,988.00" in body  # 19,800.00 + 6 % VAT


def test_a_decimal_notification_parameter_is_written_by_the_locale(app, db, team):
    from core.notifications.service import notify, render_message

    with app.test_request_context():
        notification = notify(team["rep"], "Over by %(amount)s", amount=Decimal("1E+1"))
        assert render_message(notification) == "Over by 10"


def test_csv_cells_never_use_an_exponent(app):
    from core.web.listing import _csv_text

    assert _csv_text(Decimal("1E+1")) == "10"
    assert _csv_text(Decimal("0.50")) == "0.50"


def test_the_approval_request_resolves_itself_once_decided(app, db, team, deal, products, next_month):
    from core.notifications.service import unread_count
    from plugins.pipeline.services.quotations import decide_discount, request_approval
    from plugins.pipeline.services.sending import notify_approval_request, notify_decision

    quotation = create_quotation(db.session, deal, team["rep"],
                                 [LineInput(products[0].id, Decimal("1"), discount=Decimal("10"))], next_month)
    db.session.commit()
    with app.test_request_context():
        request_approval(db.session, quotation)
        notify_approval_request(db.session, quotation)
        db.session.commit()
        assert unread_count(team["supervisor"]) == 1
        decide_discount(db.session, quotation, team["supervisor"], True, "ok")
        notify_decision(db.session, quotation, True)
        db.session.commit()
        assert unread_count(team["supervisor"]) == 0


def test_sending_says_queued_and_the_page_shows_the_outbox_state(client, login_as, db, team, quotation):
    login_as(team["rep"])
    page = client.post(f"/pipeline/quotations/{quotation.id}/send", follow_redirects=True).get_data(as_text=True)
    assert "已排队" in page and "已发送至" not in page
    assert "排队中，尚未发送" in page
    from core.notifications.models import EmailOutbox

    message = db.session.query(EmailOutbox).one()
    message.attempts, message.last_error = 1, "cannot reach smtp.example:25"
    db.session.commit()
    page = client.get(f"/pipeline/quotations/{quotation.id}").get_data(as_text=True)
    assert "发送失败，将重试" in page and "cannot reach smtp.example:25" in page


def test_the_mail_catcher_keeps_mail_readable_and_administrators_are_warned(app, client, login_as, db, team,
                                                                            quotation, make_user):
    from plugins.pipeline.services.sending import send_quotation

    admin = make_user("boss", roles=["admin"])
    login_as(admin)
    warned = client.get("/").get_data(as_text=True)
    assert "没有填写 SMTP 服务器" in warned  # no SMTP configured in the tests
    assert "没有填写 SMTP 服务器" in client.get("/admin/settings").get_data(as_text=True)
    app.config["MAIL_CATCHER"] = True
    try:
        with app.test_request_context():
            send_quotation(db.session, quotation, team["rep"])
        db.session.commit()
        outbox = client.get("/notifications/outbox").get_data(as_text=True)
        assert "已由邮件捕获器保存，未发出" in outbox and quotation.number in outbox
    finally:
        app.config["MAIL_CATCHER"] = False
