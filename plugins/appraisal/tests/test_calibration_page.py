"""The calibration page's statements built once (issue 18): the cycle among the picker's, the grade counts giving the
number of rows, the rows within the reader's calibration scope, and a search built for the request."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest


def add_cycle(db, start: date):
    from plugins.appraisal.models import Cycle

    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    cycle = Cycle(kind="monthly", period_start=start, period_end=end, due_on=start,
                  closes_at=datetime(end.year, end.month, 5))
    db.session.add(cycle)
    db.session.flush()
    return cycle


def add_results(db, cycle, template, people, grades) -> None:
    """One appraisal waiting for calibration per person, graded as ``grades`` says (None: not graded yet)."""
    from plugins.appraisal.models import Appraisal

    for person, grade in zip(people, grades, strict=True):
        db.session.add(Appraisal(cycle_id=cycle.id, kind="monthly", period_start=cycle.period_start,
                                 employee_id=person.id, template_id=template.id, state="calibration",
                                 due_on=cycle.period_start, grade=grade, final_score=90 if grade else None))
    db.session.commit()


def row_ids(page: str) -> set[int]:
    return {int(ident) for ident in re.findall(r'name="ids" value="(\d+)"', page)}


@pytest.fixture
def crowd(db, team, template, make_user):
    """A cycle with five people of the supervisor's, three graded, two not: {cycle, people}."""
    people = [make_user(f"p{i}", roles=["sales_rep"], position="sales_rep", superior_id=team["supervisor"].id)
              for i in range(5)]
    cycle = add_cycle(db, date(2026, 10, 1))
    add_results(db, cycle, template, people, ["excellent", "good", None, "pass", None])
    return {"cycle": cycle, "people": people}


def test_the_rows_count_ungraded_results_too(db, team, crowd, login_as):
    """The number of rows comes from the grade counts, the not yet graded included: two pages of 2, 2 and 1."""
    from plugins.appraisal.models import Appraisal

    client = login_as(team["manager"])
    seen: set[int] = set()
    for number in (1, 2, 3, 9):  # 9: past the end shows the last page
        page = client.get(f"/appraisal/calibration?cycle={crowd['cycle'].id}&per_page=2&page={number}")
        ids = row_ids(page.get_data(as_text=True))
        assert len(ids) == (1 if number >= 3 else 2)
        seen |= ids
    expected = {a.id for a in db.session.query(Appraisal).filter_by(cycle_id=crowd["cycle"].id)}
    assert seen == expected and len(expected) == 5


def test_a_search_is_built_for_the_request(db, team, crowd, login_as):
    from plugins.appraisal.models import Appraisal

    person = crowd["people"][3]
    wanted = db.session.query(Appraisal).filter_by(cycle_id=crowd["cycle"].id, employee_id=person.id).one()
    page = login_as(team["manager"]).get(f"/appraisal/calibration?cycle={crowd['cycle'].id}&q={person.name}")
    assert row_ids(page.get_data(as_text=True)) == {wanted.id}


def test_a_team_scoped_calibrator_sees_their_team_only(db, team, template, login_as, make_user):
    """A calibrator whose grant is "team" sees and counts their team's results, not another team's nor their own
    (nobody calibrates themselves)."""
    from core.identity.models import Grant, Role
    from plugins.appraisal.models import Appraisal
    from plugins.appraisal.permissions import CALIBRATE

    db.session.add(Role(code="team_calibrator", name="team_calibrator",
                        grants=[Grant(permission_code=CALIBRATE, scope="team")]))
    db.session.commit()
    lead = make_user("lead", roles=["sales_supervisor", "team_calibrator"], position="sales_supervisor",
                     superior_id=team["manager"].id)
    mine = [make_user(f"m{i}", roles=["sales_rep"], position="sales_rep", superior_id=lead.id) for i in range(2)]
    cycle = add_cycle(db, date(2026, 10, 1))
    add_results(db, cycle, template, [*mine, team["rep"], lead], ["excellent", None, "excellent", "good"])
    by_person = {a.employee_id: a.id for a in db.session.query(Appraisal).filter_by(cycle_id=cycle.id)}
    page = login_as(lead).get(f"/appraisal/calibration?cycle={cycle.id}").get_data(as_text=True)
    assert row_ids(page) == {by_person[mine[0].id], by_person[mine[1].id]}
    assert "<li>优秀: 1</li>" in page and "<li>良好: 0</li>" in page  # not the outsider's, not their own
    everyone = login_as(team["manager"]).get(f"/appraisal/calibration?cycle={cycle.id}").get_data(as_text=True)
    assert row_ids(everyone) == set(by_person.values())  # "all" (the manager has no appraisal here)
    assert "<li>优秀: 2</li>" in everyone and "<li>良好: 1</li>" in everyone


def test_a_cycle_older_than_the_picker_is_shown_when_asked_for(db, team, template, login_as):
    """The cycle comes from the picker's rows when it is among them; an older one is read by its id; an unknown id
    shows the latest."""
    cycles = [add_cycle(db, date(2023 + (n // 12), n % 12 + 1, 1)) for n in range(40)]
    oldest, latest = cycles[0], cycles[-1]
    add_results(db, oldest, template, [team["rep"]], ["good"])
    client = login_as(team["manager"])
    page = client.get(f"/appraisal/calibration?cycle={oldest.id}").get_data(as_text=True)
    assert "2023年1月" in page and len(row_ids(page)) == 1 and "<li>良好: 1</li>" in page
    page = client.get("/appraisal/calibration?cycle=999999").get_data(as_text=True)
    assert f'<option value="{latest.id}" selected>' in page and not row_ids(page)


def test_the_page_reads_the_appraisals_in_three_statements(db, team, crowd, login_as, count_queries):
    """The cycles (the shown one among them), the grade counts (with the number of rows), one page of rows."""
    client = login_as(team["manager"])
    url = f"/appraisal/calibration?cycle={crowd['cycle'].id}"
    client.get(url)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    ours = [s for s in statements if "appraisal_" in s]
    assert len(ours) == 3, "\n---\n".join(ours)


@pytest.mark.parametrize("sort", ["-score", "score", "name", "-name"])
def test_pages_follow_the_sort_as_the_database_orders(db, team, crowd, login_as, sort):
    """Page after page, the rows in the order the list's ORDER BY gives on this database (NULL scores included)."""
    from sqlalchemy import select

    from core.identity.models import User
    from plugins.appraisal.models import Appraisal

    column = {"score": Appraisal.final_score, "name": User.name}[sort.lstrip("-")]
    order = [c.desc() if sort.startswith("-") else c.asc() for c in (column, Appraisal.id)]
    expected = list(db.session.scalars(select(Appraisal.id).join(User, User.id == Appraisal.employee_id)
                                       .where(Appraisal.cycle_id == crowd["cycle"].id).order_by(*order)))
    client = login_as(team["manager"])
    shown: list[int] = []
    for number in (1, 2, 3):
        page = client.get(f"/appraisal/calibration?cycle={crowd['cycle'].id}&sort={sort}&per_page=2&page={number}")
        shown += [int(i) for i in re.findall(r'name="ids" value="(\d+)"', page.get_data(as_text=True))]
    assert shown == expected and len(expected) == 5


def test_a_grade_named_in_the_settings_is_escaped(db, team, crowd, login_as):
    """The grades' names come from the view (the settings' names, else the defaults), escaped when typed in."""
    from core.settings import set_setting

    set_setting("appraisal.grade_name_excellent", "<b>卓越</b>")
    db.session.commit()
    page = login_as(team["manager"]).get(f"/appraisal/calibration?cycle={crowd['cycle'].id}").get_data(as_text=True)
    assert "<li>&lt;b&gt;卓越&lt;/b&gt;: 1</li>" in page and "<li>良好: 1</li>" in page and "<b>卓越" not in page
