"""The appraisal PDF (indicators, evaluations, result, signatures), and the bonus table (R4.4.1) as XLSX for payroll
and as a PDF to sign off."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from plugins.appraisal.services import appraisals as flow


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


@pytest.fixture
def cjk_font():
    from core.pdf import FontNotFoundError, find_cjk_font

    try:
        find_cjk_font()
    except FontNotFoundError:
        pytest.skip("no CJK font installed (apt-get install fonts-wqy-microhei)")


@pytest.fixture
def final(db, opened, team):
    """rep: results 120, behaviours 4 and 4 → 104 excellent; rep2: results 50, behaviours 2 → 38 fail."""
    for login, rating in (("rep", 4), ("other", 2)):
        appraisal = opened[login]
        behaviour = [s.indicator_id for s in appraisal.scores if s.indicator.kind == "behaviour"]
        flow.submit_self(db.session, appraisal, team[login], dict.fromkeys(behaviour, rating), "自评说明", appraisal.version)
        flow.submit_review(db.session, appraisal, team["supervisor"], dict.fromkeys(behaviour, rating), "上级评语",
                           appraisal.version)
        flow.finalize(db.session, appraisal, team["manager"], appraisal.version)
    db.session.commit()
    return opened


def test_the_appraisal_pdf_prints_indicators_evaluations_result_and_signatures(client, login_as, team, final,
                                                                                cjk_font):
    rep = final["rep"]
    login_as(team["rep"])
    response = client.get(f"/appraisal/{rep.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("销售额", "工作态度", "自评", "上级评价", "客户评价", "最终得分", "优秀", "签字及日期",
                     team["rep"].name):
        assert expected in text, expected
    assert "customer" not in text and "excellent" not in text  # labels, never codes


def test_the_bonus_xlsx_has_one_row_per_final_result_with_base_times_coefficient(client, login_as, team, final):
    from openpyxl import load_workbook

    login_as(team["hr"])
    cycle_id = final["rep"].cycle_id
    response = client.get(f"/appraisal/bonus?cycle={cycle_id}&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "人员" and rows[0][-1] == "奖金（元）"
    by_name = {r[0]: r for r in rows[1:]}
    # Representatives' base 2,000 × 1.5 (excellent) and × 0 (unsatisfactory).
    assert Decimal(str(by_name[team["rep"].name][-1])) == Decimal("3000")
    assert by_name[team["rep"].name][3] == "优秀"
    assert Decimal(str(by_name[team["other"].name][-1])) == Decimal("0")


def test_the_bonus_pdf_carries_the_total_and_the_sign_off(client, login_as, team, final, cjk_font):
    login_as(team["hr"])
    response = client.get(f"/appraisal/bonus?cycle={final['rep'].cycle_id}&export=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "3,000.00" in text and "合计" in text and "发放（财务）" in text


def test_a_representative_cannot_export_bonuses(client, login_as, team, final):
    login_as(team["rep"])
    assert client.get(f"/appraisal/bonus?cycle={final['rep'].cycle_id}&export=xlsx").status_code == 403


def test_finance_exports_everyone_s_bonus_for_payroll(client, login_as, make_user, team, final):
    from openpyxl import load_workbook

    finance = make_user("fin1", roles=["finance"], position="finance")
    login_as(finance)
    response = client.get(f"/appraisal/bonus?cycle={final['rep'].cycle_id}&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {team["rep"].name, team["other"].name}
