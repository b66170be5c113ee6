"""The training JSON API: the catalogue, upcoming sessions, enrolling (waiting list, refusals as 422) and the
caller's own checklists."""

from __future__ import annotations

from datetime import timedelta

from core.timeutil import utcnow
from plugins.training.services import sessions
from plugins.training.services.onboarding import start_onboarding


def test_catalogue_sessions_enrolment_and_my_checklist(client, login_as, db, team, course):
    start = utcnow() + timedelta(days=2)
    item = sessions.save_session(db.session, course, starts_at=start, ends_at=start + timedelta(hours=2), capacity=1,
                                 place="培训室")
    start_onboarding(db.session, team["other"])
    db.session.commit()
    login_as(team["rep"])
    courses = client.get("/api/v1/training/courses?kind=periodic").get_json()
    assert [c["title"] for c in courses["items"]] == ["销售策略"]
    assert client.get("/api/v1/training/courses?kind=nonsense").status_code == 422
    listed = client.get(f"/api/v1/training/sessions?course_id={course.id}").get_json()
    assert [s["id"] for s in listed["items"]] == [item.id] and listed["items"][0]["starts_at"].endswith("Z")
    assert client.post(f"/api/v1/training/sessions/{item.id}/enrol").get_json() == {"session_id": item.id,
                                                                                    "state": "enrolled"}
    again = client.post(f"/api/v1/training/sessions/{item.id}/enrol")
    assert again.status_code == 422 and "session_id" in again.get_json()["error"]["fields"]
    assert client.post("/api/v1/training/sessions/999999/enrol").status_code == 404
    login_as(team["other"])
    assert client.post(f"/api/v1/training/sessions/{item.id}/enrol").get_json()["state"] == "waiting"
    mine = client.get("/api/v1/training/my/assignments").get_json()
    assert len(mine["items"]) == 1 and len(mine["items"][0]["steps"]) == 5
    assert mine["items"][0]["steps"][0]["done"] is False
