"""The cycle job (R4.2): the previous month from the 1st, due on the 10th; the year in January; idempotent when run
twice or by two processes; periods and days counted in the company time zone (Asia/Shanghai)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.contracts import Period
from core.timeutil import local_date
from plugins.appraisal.models import Appraisal, Cycle, Score
from plugins.appraisal.services.cycles import cycles_due, open_cycle, run_cycles

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_first_of_the_month_in_shanghai_opens_the_previous_month(app):
    # 2026-11-30 16:30 UTC is already 1 December in Shanghai: November is due.
    today = local_date(datetime(2026, 11, 30, 16, 30), SHANGHAI)
    assert today == date(2026, 12, 1)
    assert cycles_due(today) == [("monthly", Period(date(2026, 11, 1), date(2026, 12, 1)))]
    # One minute before midnight in Shanghai it is still 30 November: October's cycle, not November's.
    before = local_date(datetime(2026, 11, 30, 15, 59), SHANGHAI)
    assert cycles_due(before) == [("monthly", Period(date(2026, 10, 1), date(2026, 11, 1)))]


def test_january_opens_december_and_the_year(app):
    due = cycles_due(date(2027, 1, 1))
    assert due == [("monthly", Period(date(2026, 12, 1), date(2027, 1, 1))),
                   ("annual", Period(date(2026, 1, 1), date(2027, 1, 1)))]


def test_due_on_the_tenth_of_the_next_month_and_in_january(db, team, template, fake_revenue):
    run_cycles(db.session, date(2027, 1, 1))
    cycles = {c.kind: c for c in db.session.scalars(select(Cycle))}
    assert cycles["monthly"].due_on == date(2027, 1, 10)
    assert cycles["annual"].due_on == date(2027, 1, 10)
    # The end of the due day in Shanghai, stored in UTC: 2027-01-10 16:00 UTC.
    assert cycles["monthly"].closes_at == datetime(2027, 1, 10, 16, 0)


def test_running_the_job_twice_opens_each_appraisal_once(db, team, template, fake_revenue):
    run_cycles(db.session, date(2026, 12, 1))
    first = (_count(db, Appraisal), _count(db, Score))
    assert first == (2, 6)  # two representatives × three indicators
    openings = run_cycles(db.session, date(2026, 12, 3))
    assert openings[0].created == 0
    assert (_count(db, Appraisal), _count(db, Score), _count(db, Cycle)) == (*first, 1)


def test_two_processes_open_the_same_cycle_once(db, team, template, make_app, november):
    """A second app (another process, on the same database) opening the same month adds nothing."""
    other = make_app()
    with other.app_context():
        from core.extensions import db as other_db

        created = open_cycle(other_db.session, "monthly", november).created
        other_db.session.commit()
    assert created == 2
    again = open_cycle(db.session, "monthly", november)
    db.session.commit()
    assert again.created == 0 and _count(db, Appraisal) == 2


def test_a_new_colleague_is_added_when_the_cycle_is_opened_again(db, team, template, make_user, november):
    open_cycle(db.session, "monthly", november)
    db.session.commit()
    make_user("rep3", roles=["sales_rep"], position="sales_rep", superior_id=team["supervisor"].id)
    assert open_cycle(db.session, "monthly", november).created == 1


def test_joiners_mid_period_are_pro_rata_or_skipped(db, team, template, november, make_user):
    from core.settings import set_setting

    make_user("joiner", roles=["sales_rep"], position="sales_rep", hire_date=date(2026, 11, 16))
    make_user("later", roles=["sales_rep"], position="sales_rep", hire_date=date(2026, 12, 2))
    open_cycle(db.session, "monthly", november)
    db.session.commit()
    rows = dict(db.session.execute(select(Appraisal.employee_id, Appraisal.prorata)).all())
    assert len(rows) == 3  # the December joiner is not appraised for November
    assert sorted(rows.values()) == [Decimal("0.5"), Decimal("1"), Decimal("1")]

    set_setting("appraisal.mid_period", "skip")
    db.session.execute(Score.__table__.delete())
    db.session.execute(Appraisal.__table__.delete())
    db.session.commit()
    open_cycle(db.session, "monthly", november)
    assert _count(db, Appraisal) == 2


def test_inactive_people_and_positions_without_a_template_are_not_appraised(db, team, template, november):
    team["other"].active = False
    db.session.commit()
    open_cycle(db.session, "monthly", november)
    employees = set(db.session.scalars(select(Appraisal.employee_id)))
    assert employees == {team["rep"].id}  # supervisors and managers have no template here


def test_an_inactive_superior_leaves_the_review_to_hr(db, team, template, november):
    team["supervisor"].active = False
    db.session.commit()
    open_cycle(db.session, "monthly", november)
    assert set(db.session.scalars(select(Appraisal.reviewer_id))) == {None}


def test_a_changed_template_does_not_touch_opened_appraisals(db, team, template, november, fake_revenue):
    from plugins.appraisal.services.templates import rows_of, save_template

    open_cycle(db.session, "monthly", november)
    db.session.commit()
    rows = rows_of(template)
    rows[0].weight, rows[1].weight = Decimal("50"), Decimal("30")
    newer = save_template(db.session, team["hr"], "sales_rep", "v2", rows, {"pipeline.revenue": object()})
    db.session.commit()
    assert newer.version == 2 and not db.session.get(type(template), template.id).current
    assert set(db.session.scalars(select(Appraisal.template_id))) == {template.id}


def test_two_processes_opening_at_the_same_moment_open_each_appraisal_once(db, team, template, make_app, november):
    """Two apps (two processes) run the job at the same instant: the unique keys let one insert each row; the other
    waits for it and inserts nothing."""
    import threading

    apps = [make_app(), make_app()]
    start = threading.Barrier(2)
    created: list[int] = []
    errors: list[BaseException] = []

    def run(application) -> None:
        try:
            with application.app_context():
                from core.extensions import db as own_db

                start.wait()
                created.append(open_cycle(own_db.session, "monthly", november).created)
                own_db.session.commit()
        except BaseException as exc:  # reported below: a thread's exception does not fail the test by itself
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(created) == [0, 2]
    db.session.expire_all()
    assert (_count(db, Appraisal), _count(db, Score), _count(db, Cycle)) == (2, 6, 1)


def test_the_scheduled_job_is_registered_and_opens_the_due_month(db, team, template, fake_revenue, monkeypatch):
    from core.jobs.runner import registered_jobs
    from plugins.appraisal.services import cycles

    jobs = registered_jobs()
    assert {"appraisal.open_cycles", "appraisal.reminders"} <= set(jobs)
    monkeypatch.setattr(cycles, "local_today", lambda: date(2026, 12, 1))
    fake_revenue[team["rep"].id] = Decimal("8000")
    jobs["appraisal.open_cycles"].func()
    fake_revenue[team["rep"].id] = Decimal("1")  # a later correction: the next hour's run must not re-read it
    jobs["appraisal.open_cycles"].func()
    values = set(db.session.scalars(select(Score.kpi_value).where(Score.kpi_value.is_not(None))))
    assert values == {Decimal("8000.00"), Decimal("0.00")}
    cycle = db.session.scalar(select(Cycle))
    assert (cycle.period_start, cycle.due_on, cycle.pulled_at is not None) == (date(2026, 11, 1), date(2026, 12, 10),
                                                                               True)
    assert _count(db, Appraisal) == 2
    jobs["appraisal.reminders"].func()
