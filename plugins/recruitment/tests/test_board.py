"""The requisition board (issue 18 made it cheaper per card): each card as it was drawn (link, escaped name, the
channel's label, the day, the on-hold badge), newest first and capped per stage, and who may open it."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import update

from core.timeutil import utcnow
from core.web.locale import date_filter
from plugins.recruitment.models import Application
from plugins.recruitment.services import reports

HOSTILE = "<script>alert(\"x\")</script> & 'O'Brien' {{ 7*7 }}"


def card_html(app, application_id, name, label, entered, on_hold=False, locale="en"):
    """A card exactly as the board drew it before issue 18: url_for per card, the lazy label, |date."""
    with app.test_request_context(), force_locale(locale):
        href, day = url_for("recruitment.application", application_id=application_id), date_filter(entered)
    badge = '<span class="badge warn">on hold</span>' if on_hold else ""
    return (f'      <li class="board-card">\n        <a href="{escape(href)}">{escape(name)}</a>\n'
            f'        <span class="muted">{label} · {escape(day)}</span>\n        {badge}\n      </li>')


def test_cards_are_drawn_newest_first_with_their_link_label_day_and_badge(app, db, people, requisition,
                                                                          login_as, make_application):
    now = utcnow().replace(microsecond=0)
    plain = make_application(name="王芳", channel="referral")
    hostile = make_application(name=HOSTILE, channel="campus")
    odd = make_application(name="李雷", channel="campus")
    for application, hours in ((plain, 30), (hostile, 5), (odd, 400)):
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(stage_entered_at=now - timedelta(hours=hours)))
    db.session.execute(update(Application).where(Application.id == hostile.id).values(on_hold=True))
    db.session.execute(update(Application).where(Application.id == odd.id).values(channel="legacy"))
    people["hr"].locale = "en"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    expected = [card_html(app, hostile.id, HOSTILE, "Campus recruiting", now - timedelta(hours=5), on_hold=True),
                card_html(app, plain.id, "王芳", "Referral", now - timedelta(hours=30)),
                # a channel without a label draws nothing, as a missing key of rlabels.channel did
                card_html(app, odd.id, "李雷", "", now - timedelta(hours=400))]
    for card in expected:
        assert card in page, card
    assert [page.index(card) for card in expected] == sorted(page.index(card) for card in expected)
    assert "<script>alert" not in page and "{{ 7*7 }}" in page  # escaped, never evaluated


def test_cards_in_chinese(app, db, people, requisition, login_as, make_application):
    application = make_application(name="王芳", channel="referral")
    people["hr"].locale = "zh_Hans"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    with app.test_request_context(), force_locale("zh_Hans"):
        from plugins.recruitment.labels import CHANNEL_LABELS

        label = str(CHANNEL_LABELS["referral"])
    assert label != "Referral"
    assert card_html(app, application.id, "王芳", label, application.stage_entered_at, locale="zh_Hans") in page


def test_each_stage_shows_its_newest_cards_and_how_many_more(db, people, requisition, login_as, make_application,
                                                             monkeypatch):
    monkeypatch.setattr(reports, "BOARD_CARDS", 2)
    now = utcnow()
    made = [make_application(name=f"候选{n}") for n in range(3)]
    for n, application in enumerate(made):
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(stage_entered_at=now - timedelta(hours=n)))
    people["hr"].locale = "en"
    db.session.commit()
    page = login_as(people["hr"]).get(f"/recruitment/requisitions/{requisition.id}/board").get_data(as_text=True)
    assert page.index(">候选0</a>") < page.index(">候选1</a>") and ">候选2</a>" not in page
    assert ">1 more</a>" in page


def test_who_may_open_the_board(db, people, requisition, login_as, make_application, count_queries):
    make_application()
    url = f"/recruitment/requisitions/{requisition.id}/board"
    assert login_as(people["head"]).get(url).status_code == 200  # raised it (team scope)
    assert login_as(people["supervisor"]).get(url).status_code == 404  # another's plan (own scope): not told
    assert login_as(people["rep"]).get(url).status_code == 403
    hr = login_as(people["hr"])
    hr.get(url)
    with count_queries() as statements:
        assert hr.get(url).status_code == 200
    # the plan is read bare: its requirements and its requester's roles are not drawn on the board
    assert not any("recruitment_requirement" in s or "core_grant" in s for s in statements), statements
