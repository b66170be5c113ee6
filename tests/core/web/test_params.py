"""Numbers a browser sends (ids, versions, page numbers) are read strictly: anything the database could not hold or
int() would misread is "no number", so a page answers 404 or ignores the parameter instead of a 500."""

import pytest

from core.web.params import MAX_DB_INTEGER, record_id, whole_number

TOO_LARGE = str(MAX_DB_INTEGER + 1)


@pytest.mark.parametrize(("raw", "expected"), [
    ("42", 42), (" 7 ", 7), (42, 42), ("0", None), ("-3", None), ("", None), (None, None), ("abc", None),
    ("²", None), ("١٢", None), ("１２", None), ("1e3", None), ("4.0", None), (str(MAX_DB_INTEGER), MAX_DB_INTEGER),
    (TOO_LARGE, None), ("9" * 400, None),
])
def test_record_id_takes_only_ascii_digits_within_what_the_database_holds(raw, expected):
    assert record_id(raw) == expected


def test_whole_number_keeps_to_its_bounds():
    assert whole_number("0") == 0
    assert whole_number("2026", minimum=2000, maximum=2100) == 2026
    assert whole_number("1999", minimum=2000, maximum=2100) is None
    assert whole_number("²") is None


@pytest.mark.parametrize("page", ["²", TOO_LARGE, "-1", "abc"])
def test_the_notifications_page_shows_a_page_for_any_page_number(client, login_as, make_user, page):
    login_as(make_user("reader"))
    response = client.get(f"/notifications/?page={page}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["department=²", f"department={TOO_LARGE}", "page=²", f"page={TOO_LARGE}"])
def test_the_users_list_ignores_numbers_it_cannot_use(client, login_as, make_user, query):
    login_as(make_user("root", roles=["admin"]))
    response = client.get(f"/admin/users?{query}")
    assert response.status_code == 200
    assert "root" in response.get_data(as_text=True)  # not narrowed to nothing by a number it could not read
