"""Error pages (core/web/errors.py): 403, 404 and 500 in the layout, 503 when the database is unreachable."""

from __future__ import annotations

import pytest

from core import create_app
from core.testing.plugin import app_config


def test_not_found_and_forbidden_pages(client, make_user, login_as):
    login_as(make_user("rep", roles=["sales_rep"]))
    missing = client.get("/no/such/page")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and 'class="error-page error-404"' in html and 'id="sidebar"' in html
    forbidden = client.get("/admin/plugins")
    assert forbidden.status_code == 403 and 'class="error-page error-403"' in forbidden.get_data(as_text=True)


def test_an_unexpected_error_gets_the_500_page_and_rolls_back(make_app, make_user, login_as):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    from core.security import authenticated

    @authenticated
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    app.add_url_rule("/t/boom", "t_boom", boom)
    with app.app_context():
        client = app.test_client()
        login_as(make_user("rep"), on=client)
        response = client.get("/t/boom")
        assert response.status_code == 500
        assert 'class="error-page error-500"' in response.get_data(as_text=True)
        assert client.get("/").status_code == 200  # the next request is fine


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-folder/netsales/netsales.db",  # a broken SQLite path
    "postgresql://netsales@127.0.0.1:9/netsales?connect_timeout=2",  # nothing listens on the discard port
], ids=["sqlite", "postgresql"])
def test_an_unreachable_database_gives_503_not_a_crash(tmp_path, url):
    app = create_app(app_config(url, tmp_path / "instance"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:token:secret"  # a signed-in browser: loading the user needs the database
    response = client.get("/", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert 'class="error-page error-503"' in html and "Temporarily unavailable" in html
    assert 'id="sidebar"' not in html  # drawn without the menu, which would need the database
    # The login page itself needs no database until one signs in.
    assert client.get("/health").status_code == 503
