"""The JSON API: appraisals within the caller's scope, read-only; outside it, 404."""

from __future__ import annotations


def test_a_representative_lists_only_their_own(db, opened, team, login_as):
    client = login_as(team["rep"])
    body = client.get("/api/v1/appraisal/appraisals").get_json()
    assert [a["employee_id"] for a in body["items"]] == [team["rep"].id] and body["total"] == 1
    assert body["items"][0]["state"] == "self_assessment" and body["items"][0]["result_score"] == "120.00"
    assert client.get(f"/api/v1/appraisal/appraisals/{opened['other'].id}").status_code == 404
    assert client.get("/api/v1/appraisal/appraisals/abc").status_code == 404


def test_hr_filters_and_a_bad_date_is_a_field_error(db, opened, team, login_as):
    client = login_as(team["hr"])
    body = client.get("/api/v1/appraisal/appraisals?period_start=2026-11-01&state=self_assessment").get_json()
    assert body["total"] == 2
    bad = client.get("/api/v1/appraisal/appraisals?period_start=2026-13-45")
    assert bad.status_code == 422 and "period_start" in bad.get_json()["error"]["fields"]
