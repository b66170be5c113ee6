"""The calibration page and the HR overview run a fixed number of statements whatever the headcount (issue 13
"Performance"): counted at two team sizes."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from core.identity.models import User
from plugins.appraisal.services.cycles import open_cycle
from plugins.appraisal.services.pulling import pull_cycle


def add_people(db, superior, n: int, start: int) -> None:
    db.session.execute(insert(User), [
        {"login": f"bulk{start + i}", "name": f"员工{start + i}", "session_token": f"t{start + i}", "active": True,
         "position": "sales_rep", "superior_id": superior.id} for i in range(n)])
    db.session.commit()


def reopen(db, november):
    from plugins.appraisal.models import Cycle

    opening = open_cycle(db.session, "monthly", november)
    db.session.commit()
    pull_cycle(db.session, db.session.get(Cycle, opening.cycle_id))
    db.session.commit()
    return opening.cycle_id


@pytest.mark.parametrize(("who", "path"), [("manager", "/appraisal/calibration?cycle={cycle}"),
                                           ("hr", "/appraisal/overview?cycle={cycle}"),
                                           ("manager", "/appraisal/team?cycle={cycle}"),
                                           ("hr", "/appraisal/bonus?cycle={cycle}")])
def test_pages_make_the_same_number_of_queries_at_any_headcount(db, team, template, november, fake_revenue,
                                                              login_as, count_queries, who, path):
    add_people(db, team["supervisor"], 3, 0)
    cycle = reopen(db, november)
    client = login_as(team[who])
    url = path.format(cycle=cycle)
    client.get(url)  # warm the per-process caches (settings, menu)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add_people(db, team["supervisor"], 60, 100)
    reopen(db, november)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n---\n".join(s[:150] for s in few + ["====="] + many)
