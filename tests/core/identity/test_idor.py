"""IDOR (issue 3 "Done means"): asking by id for a record outside one's scope answers 404, not 403, and shows
nothing of it — through the example plugin's greeting page and get_scoped_or_404."""

from __future__ import annotations

import pytest


@pytest.fixture
def posted(db, org, enable_plugin):
    from netsales_hello.services import post_greeting

    enable_plugin("hello")
    ids = {name: post_greeting(db.session, getattr(org, name).id, f"secret of {name}").id
           for name in ("rep1", "rep3", "junior")}
    db.session.commit()
    return ids


def test_a_representative_gets_404_for_another_representatives_greeting(client, login_as, org, posted):
    login_as(org.rep1)
    own = client.get(f"/hello/{posted['rep1']}")
    assert own.status_code == 200 and "secret of rep1" in own.get_data(as_text=True)
    other = client.get(f"/hello/{posted['rep3']}")
    assert other.status_code == 404
    assert "secret of rep3" not in other.get_data(as_text=True)
    # The same answer as for an id that does not exist: no hint that the record is there.
    assert client.get("/hello/999999").status_code == 404


def test_the_list_shows_only_what_the_scope_allows(client, login_as, org, posted):
    login_as(org.rep1)
    page = client.get("/hello/").get_data(as_text=True)
    assert "secret of rep1" in page and "secret of rep3" not in page


def test_a_supervisor_reaches_the_team_and_a_manager_everyone(client, login_as, org, posted):
    login_as(org.sup1)
    assert client.get(f"/hello/{posted['junior']}").status_code == 200  # two levels down
    assert client.get(f"/hello/{posted['rep3']}").status_code == 404  # another supervisor's team
    login_as(org.manager)
    assert client.get(f"/hello/{posted['rep3']}").status_code == 200


def test_without_the_permission_the_page_is_forbidden(client, login_as, make_user, posted):
    login_as(make_user("outsider", roles=[]))
    assert client.get(f"/hello/{posted['rep1']}").status_code == 403


def test_loader_options_leave_the_scope_rule_as_it_is(app, db, org, posted):
    """get_scoped_or_404's ``options`` change how the record is loaded, not who reaches it."""
    from netsales_hello.models import Greeting
    from netsales_hello.services import VIEW
    from sqlalchemy.orm import defer
    from werkzeug.exceptions import NotFound

    from core.security import get_scoped_or_404

    db.session.expire_all()  # the greetings as a new request finds them, not as posting left them
    options = (defer(Greeting.text),)
    with app.test_request_context("/"):
        own = get_scoped_or_404(Greeting, posted["rep1"], VIEW, org.rep1, options=options)
        assert own.id == posted["rep1"] and "text" not in own.__dict__  # the option applied: text not loaded
        with pytest.raises(NotFound):
            get_scoped_or_404(Greeting, posted["rep3"], VIEW, org.rep1, options=options)
