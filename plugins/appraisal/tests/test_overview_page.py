"""The HR overview (issue 18): a fixed number of statements whatever the cycles and the headcount, the counts by
state, the on-time count (R4.2), the overdue per superior in order, the appeals waiting (capped, oldest first), an
empty cycle and no cycle at all."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from core.identity.models import User
from core.timeutil import local_today
from plugins.appraisal.models import STATES, Appraisal, Cycle
from plugins.appraisal.views.overview import APPEALS_SHOWN


def add_cycle(db, start: date, kind: str = "monthly") -> Cycle:
    end = date(start.year + 1, 1, 1) if kind == "annual" else \
        date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    cycle = Cycle(kind=kind, period_start=start, period_end=end, due_on=end + timedelta(days=9),
                  closes_at=datetime(end.year, end.month, 10, 16))
    db.session.add(cycle)
    db.session.commit()
    return cycle


def add_appraisals(db, cycle: Cycle, template, people: list[int], **values) -> list[int]:
    """One appraisal of ``cycle`` per person id, with ``values`` (a callable is given the row's index)."""
    rows = [{"cycle_id": cycle.id, "kind": cycle.kind, "period_start": cycle.period_start, "employee_id": person,
             "template_id": template.id, "state": "self_assessment", "due_on": cycle.due_on,
             **{key: value(n) if callable(value) else value for key, value in values.items()}}
            for n, person in enumerate(people)]
    ids = list(db.session.scalars(insert(Appraisal).returning(Appraisal.id, sort_by_parameter_order=True), rows))
    db.session.commit()
    return ids


def add_people(db, superior_id: int | None, n: int, prefix: str) -> list[int]:
    db.session.execute(insert(User), [
        {"login": f"{prefix}{i}", "name": f"{prefix}员工{i}", "session_token": f"{prefix}{i}", "active": True,
         "position": "sales_rep", "superior_id": superior_id} for i in range(n)])
    db.session.commit()
    logins = [f"{prefix}{i}" for i in range(n)]
    return list(db.session.scalars(select(User.id).where(User.login.in_(logins)).order_by(User.id)))


def page_of(login_as, team, url: str) -> str:
    response = login_as(team["hr"]).get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def state_counts(page: str) -> dict[str, int]:
    cells = re.search(r"<tbody><tr>((?:<td class=\"num\">\d+</td>)+)</tr></tbody>", page).group(1)
    return dict(zip(STATES, (int(n) for n in re.findall(r"\d+", cells)), strict=True))


def on_time(page: str) -> tuple[int, int]:
    """(made final on time, all) as the details say them: "N 份中有 M 份在截止日前定稿"."""
    total, good = re.search(r"(\d+) 份中有 (\d+) 份在截止日前定稿", page).groups()
    return int(good), int(total)


def overdue_rows(page: str) -> list[tuple[str, int]]:
    section = page.split("逾期情况（按上级）", 1)[1].split("</section>", 1)[0]
    return [(name, int(n)) for name, n in re.findall(r'<tr><td>([^<]*)</td><td class="num">(\d+)</td></tr>', section)]


def appeal_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li><a href="/appraisal/(\d+)">', page)]


def test_counts_by_state_and_on_time(db, team, template, login_as):
    """Every state counted (0 included), the total their sum; made final before the cycle closed counts as on time,
    whatever the state now, at or after the closing moment or never finalised does not; other cycles not at all."""
    cycle = add_cycle(db, date(2026, 10, 1))
    other = add_cycle(db, date(2026, 9, 1))
    people = add_people(db, team["supervisor"].id, 12, "c")
    closes = cycle.closes_at
    add_appraisals(db, cycle, template, people[:2])  # self-assessment
    add_appraisals(db, cycle, template, people[2:3], state="superior_review")
    add_appraisals(db, cycle, template, people[3:6], state="final",
                   finalized_at=lambda n: closes - timedelta(seconds=1) if n < 2 else closes)  # 2 on time, 1 at
    add_appraisals(db, cycle, template, people[6:8], state="closed", finalized_at=closes - timedelta(days=3))
    add_appraisals(db, cycle, template, people[8:9], state="appealed", appealed_at=closes,
                   finalized_at=closes + timedelta(days=1))
    add_appraisals(db, other, template, people, state="final", finalized_at=other.closes_at - timedelta(days=1))
    page = page_of(login_as, team, f"/appraisal/overview?cycle={cycle.id}")
    assert state_counts(page) == {"self_assessment": 2, "superior_review": 1, "calibration": 0, "final": 3,
                                  "appealed": 1, "closed": 2}
    assert "<dt>绩效考核</dt><dd>9</dd>" in page
    assert on_time(page) == (4, 9)


def test_overdue_per_superior_most_first(db, team, template, login_as, make_user):
    """Waiting for the person or the superior past the due day, per superior (HR when none), most first; equal counts
    in the superiors' order with HR first. Due today, waiting for calibration, or another cycle's: not overdue."""
    first = make_user("sup_a", roles=["sales_supervisor"], position="sales_supervisor", name="甲主管")
    busiest = make_user("sup_b", roles=["sales_supervisor"], position="sales_supervisor", name="乙主管")
    last = make_user("sup_c", roles=["sales_supervisor"], position="sales_supervisor", name="丙主管")
    cycle = add_cycle(db, date(2026, 10, 1))
    other = add_cycle(db, date(2026, 9, 1))
    people = add_people(db, None, 12, "o")
    today = local_today()
    past = today - timedelta(days=1)
    add_appraisals(db, cycle, template, people[:3], reviewer_id=busiest.id,
                   state=lambda n: ("self_assessment", "superior_review")[n % 2], due_on=past - timedelta(days=30))
    add_appraisals(db, cycle, template, people[3:4], reviewer_id=last.id, state="superior_review", due_on=past)
    add_appraisals(db, cycle, template, people[4:5], reviewer_id=None, due_on=past)
    add_appraisals(db, cycle, template, people[5:6], reviewer_id=first.id, due_on=past)
    add_appraisals(db, cycle, template, people[6:8], reviewer_id=first.id, due_on=today)
    add_appraisals(db, cycle, template, people[8:10], reviewer_id=last.id, state="calibration", due_on=past)
    add_appraisals(db, other, template, people, reviewer_id=last.id, due_on=past)
    page = page_of(login_as, team, f"/appraisal/overview?cycle={cycle.id}")
    assert overdue_rows(page) == [("乙主管", 3), ("人力资源（无上级）", 1), ("甲主管", 1), ("丙主管", 1)]
    page = page_of(login_as, team, f"/appraisal/overview?cycle={other.id}")
    assert overdue_rows(page) == [("丙主管", 12)]


def test_appeals_oldest_first_and_capped(db, team, template, login_as):
    """The appeals waiting, the oldest first (at the same moment, the first opened), at most APPEALS_SHOWN; no
    other state, no other cycle."""
    cycle = add_cycle(db, date(2026, 10, 1))
    other = add_cycle(db, date(2026, 9, 1))
    people = add_people(db, team["supervisor"].id, APPEALS_SHOWN + 6, "a")
    minutes = list(range(APPEALS_SHOWN + 5))
    random.Random(18).shuffle(minutes)
    minutes.append(minutes[0])  # two appeals at the same moment
    start = datetime(2026, 11, 12, 9)
    ids = add_appraisals(db, cycle, template, people, state="appealed", final_score=lambda n: 60 + n % 30,
                         appealed_at=lambda n: start + timedelta(minutes=minutes[n]))
    add_appraisals(db, other, template, people[:3], state="appealed", appealed_at=start - timedelta(days=30))
    add_appraisals(db, cycle, template, add_people(db, None, 2, "f"), state="final",
                   appealed_at=start - timedelta(days=1))  # decided: no longer waiting
    page = page_of(login_as, team, f"/appraisal/overview?cycle={cycle.id}")
    expected = [ident for _, ident in sorted(zip(minutes, ids, strict=True))][:APPEALS_SHOWN]
    assert appeal_ids(page) == expected
    assert ids[0] in expected and ids[-1] in expected  # the two at the same moment among those shown


def test_an_empty_cycle_shows_zeros(db, team, template, login_as):
    cycle = add_cycle(db, date(2026, 10, 1))
    page = page_of(login_as, team, f"/appraisal/overview?cycle={cycle.id}")
    assert state_counts(page) == dict.fromkeys(STATES, 0)
    assert on_time(page) == (0, 0)
    assert "没有逾期的考核。" in page and "没有待处理的申诉。" in page
    assert f'<option value="{cycle.id}" selected>' in page


def test_no_cycle_at_all(db, team, login_as, count_queries):
    """Before any cycle: the form to open one, no picker and no figures; one statement of the appraisal's, a cycle
    asked for by its id included (no cycle is older than the picker's)."""
    client = login_as(team["hr"])
    client.get("/appraisal/overview")
    for url, expected in (("/appraisal/overview", 1), ("/appraisal/overview?cycle=7", 1)):
        with count_queries() as statements:
            response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "手动开启考核期" in page
        assert 'id="cycle-choice"' not in page and "<tbody><tr>" not in page
        assert "逾期情况（按上级）" not in page and "待处理的申诉" not in page
        assert len([s for s in statements if "appraisal_" in s]) == expected


def test_a_cycle_older_than_the_picker_is_shown(db, team, template, login_as):
    """Beyond the picker's latest cycles a cycle is read by its id; an unknown id shows the latest."""
    cycles = [add_cycle(db, date(2022 + n // 12, n % 12 + 1, 1)) for n in range(40)]
    oldest, latest = cycles[0], cycles[-1]
    add_appraisals(db, oldest, template, [team["rep"].id, team["other"].id], state="closed",
                   finalized_at=oldest.closes_at - timedelta(days=1))
    page = page_of(login_as, team, f"/appraisal/overview?cycle={oldest.id}")
    assert "<h2>2022年1月 · " in page and state_counts(page)["closed"] == 2 and on_time(page) == (2, 2)
    page = page_of(login_as, team, "/appraisal/overview?cycle=999999")
    assert f'<option value="{latest.id}" selected>' in page and state_counts(page)["closed"] == 0


def test_statements_stay_the_same_as_cycles_and_people_grow(db, team, template, login_as, count_queries):
    """The cycles (the shown one among them), the counts with the on-time count, the overdue, the appeals: four
    statements of the appraisal's, with 2 cycles and 3 people as with 45 cycles and 80 people."""
    past = local_today() - timedelta(days=1)
    shown = add_cycle(db, date(2030, 1, 1))
    add_cycle(db, date(2029, 12, 1))
    add_appraisals(db, shown, template, add_people(db, team["supervisor"].id, 3, "s"), due_on=past)
    client = login_as(team["hr"])
    url = f"/appraisal/overview?cycle={shown.id}"
    client.get(url)  # warm the per-process caches (settings, menu)

    def appraisal_statements() -> list[str]:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return [s for s in statements if "appraisal_" in s]

    few = appraisal_statements()
    for n in range(43):
        add_cycle(db, date(2025 + n // 12, n % 12 + 1, 1))
    more = add_people(db, team["supervisor"].id, 80, "m")
    add_appraisals(db, shown, template, more[:40], due_on=past, reviewer_id=lambda n: more[40 + n % 7])
    add_appraisals(db, shown, template, more[40:], state="appealed", appealed_at=datetime(2030, 2, 12))
    many = appraisal_statements()
    assert len(few) == len(many) == 4, "\n---\n".join(few + ["====="] + many)
