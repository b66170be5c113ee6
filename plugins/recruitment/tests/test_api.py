"""The recruitment JSON API: scoped lists and reads (404 outside the scope), no contact data."""

from __future__ import annotations


def test_applications_are_scoped_and_carry_no_contact_data(client, login_as, people, requisition, make_application,
                                                          make_user):
    application = make_application(email="private@example.com")
    login_as(people["hr"])
    listed = client.get(f"/api/v1/recruitment/applications?requisition_id={requisition.id}").get_json()
    assert [a["id"] for a in listed["items"]] == [application.id]
    assert "private@example.com" not in str(listed)
    plan = client.get(f"/api/v1/recruitment/requisitions/{requisition.id}").get_json()
    assert plan["state"] == "approved" and len(plan["requirements"]) == 3
    login_as(people["supervisor"])  # own plans only: the head's plan and its candidates do not exist for them
    assert client.get("/api/v1/recruitment/applications").get_json()["items"] == []
    assert client.get(f"/api/v1/recruitment/applications/{application.id}").status_code == 404
    login_as(people["rep"])
    assert client.get("/api/v1/recruitment/requisitions").status_code == 403
