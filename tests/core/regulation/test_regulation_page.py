"""/regulation: the company's copy of the regulation, each clause with the enabled plugins that serve it and the
live figures of their compliance checks; administrators edit it, audited (issue 4; R14)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.regulation.models import RegulationClause
from core.regulation.services import ensure_seeded, get_clause


def _section(html: str, clause_id: str) -> str:
    match = re.search(rf'<section class="regulation-clause[^"]*" id="{re.escape(clause_id)}".*?</section>', html, re.S)
    assert match, clause_id
    return match.group(0)


def _get(client, url="/regulation"):
    return client.get(url, headers={"Accept-Language": "en"})


def test_seeded_on_first_visit_once(app, db, client, make_user, login_as):
    login_as(make_user("rep"))
    html = _get(client).get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(RegulationClause))
    assert count > 100
    assert ensure_seeded(db.session) == 0
    assert "Cycle" in _section(html, "R4.2")


def test_clauses_list_the_enabled_plugins_serving_them_or_a_parent(app, db, client, make_user, login_as,
                                                                   enable_plugin):
    enable_plugin("serving")   # manifest clauses: R5.2; "idle" (R6) stays disabled
    login_as(make_user("rep"))
    html = _get(client).get_data(as_text=True)
    assert "Serving module" in _section(html, "R5.2")
    assert "Serving module" in _section(html, "R5.2.1")     # through its parent R5.2
    assert "Serving module" not in _section(html, "R5.1.1")
    assert "Idle module" not in html


def test_compliance_figures_are_live_and_a_failing_check_is_unavailable(app, db, client, make_user, login_as,
                                                                        enable_plugin):
    enable_plugin("serving")
    login_as(make_user("rep"))
    response = _get(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    graded = _section(html, "R5.2.1")
    assert "Customers graded A/B/C" in graded and "92%" in graded and "46 of 50 customers graded" in graded
    appraisals = _section(html, "R4.2")
    assert "Appraisals finished by the 10th" in appraisals and "Unavailable" in appraisals
    assert "A clause the company does not have" in html    # shown apart, not dropped


def test_a_disabled_plugins_figures_disappear(app, db, client, make_user, login_as, enable_plugin, disable_plugin):
    enable_plugin("serving")
    disable_plugin("serving")
    login_as(make_user("rep"))
    html = _get(client).get_data(as_text=True)
    assert "Customers graded" not in html and "Serving module" not in html


def test_only_administrators_edit_and_the_edit_is_audited(app, db, client, make_user, login_as):
    from core.audit import history_for

    ensure_seeded(db.session)
    login_as(make_user("rep"))
    assert client.get("/regulation/R4.2/edit").status_code == 403
    assert "/regulation/R4.2/edit" not in _get(client).get_data(as_text=True)

    admin = make_user("boss", roles=["admin"])
    login_as(admin)
    assert client.get("/regulation/R4.2/edit").status_code == 200
    assert client.get("/regulation/R404/edit").status_code == 404
    response = client.post("/regulation/R4.2/edit", data={
        "title_zh": "考核周期", "title_en": "Cycle", "text_zh": "月度考核于次月5日前完成。", "text_en": "By the 5th."})
    assert response.status_code == 302
    clause = get_clause(db.session, "R4.2")
    db.session.refresh(clause)
    assert clause.text_zh == "月度考核于次月5日前完成。" and clause.updated_by_id == admin.id
    change = history_for(clause)[-1]
    assert change.user_id == admin.id
    assert change.changes["text_zh"][1] == "月度考核于次月5日前完成。"
    assert "月度考核于次月5日前完成。" in client.get("/regulation").get_data(as_text=True)


def test_an_invalid_edit_shows_the_error_by_the_field_and_saves_nothing(app, db, client, make_user, login_as):
    ensure_seeded(db.session)
    login_as(make_user("boss", roles=["admin"]))
    before = get_clause(db.session, "R4.2").text_zh
    response = client.post("/regulation/R4.2/edit", data={"title_zh": "", "title_en": "", "text_zh": "",
                                                          "text_en": ""}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="title_zh-error"' in html and "at least one language" in html
    response = client.post("/regulation/R4.2/edit", data={"title_zh": "x" * 201, "text_zh": "t"},
                           headers={"Accept-Language": "en"})
    assert 'id="title_zh-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_clause(db.session, "R4.2").text_zh == before


def test_the_chinese_page_reads_in_simplified_characters_with_the_original_a_click_away(app, db, client, make_user,
                                                                                         login_as):
    login_as(make_user("rep"))
    html = client.get("/regulation", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    section = _section(html, "R2.1")
    assert "网络销售代表" in section and "網絡銷售代表" not in section
    assert "显示原文（繁体字）" in html
    original = client.get("/regulation?script=original", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "網絡銷售代表" in _section(original, "R2.1")


def test_the_page_shows_no_notes_about_the_source(app, db, client, make_user, login_as):
    login_as(make_user("rep"))
    for language in ("en", "zh-CN"):
        html = client.get("/regulation", headers={"Accept-Language": language}).get_data(as_text=True)
        for note in ("[text ends]", "breaks off", "typical next chapter", "**"):
            assert note not in html, (language, note)
    assert "keep no more than needed" in _section(_get(client).get_data(as_text=True), "R11")


def test_a_copy_seeded_by_an_older_release_is_brought_up_to_date_unless_the_company_edited_it(app, db, client,
                                                                                              make_user, login_as):
    from core.regulation import services

    ensure_seeded(db.session)
    old = get_clause(db.session, "R11")
    old.text_en = "(typical \"保密\" chapter) Customer information is company property, visible only to"
    edited = get_clause(db.session, "R12")
    edited.text_en, edited.updated_by_id = "Our own wording.", make_user("admin", roles=["admin"]).id
    db.session.commit()
    services._refreshed_in_this_process = False
    login_as(make_user("rep"))
    html = _get(client).get_data(as_text=True)
    assert "keep no more than needed" in _section(html, "R11")
    assert "Our own wording." in _section(html, "R12")


def test_a_clause_links_to_the_modules_serving_it_and_a_figure_to_its_records(app, db, client, make_user, login_as,
                                                                              enable_plugin):
    enable_plugin("serving")
    login_as(make_user("rep"))
    section = _section(_get(client).get_data(as_text=True), "R5.2.1")
    assert re.search(r'<a class="badge" href="/"[^>]*>Serving module</a>', section)
    assert 'href="/serving/ungraded"' in section
