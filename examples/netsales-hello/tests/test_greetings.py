"""The greetings page: what its users rely on."""

from sqlalchemy import select


def test_a_colleague_posts_a_greeting_and_everyone_reads_it(app, client, make_user, login_as, enable_plugin):
    from netsales_hello.models import Greeting

    enable_plugin("hello")
    login_as(make_user())
    page = client.post("/hello/", data={"text": "新年快乐"}, follow_redirects=True)
    assert "新年快乐" in page.get_data(as_text=True)
    from core.extensions import db

    assert db.session.scalar(select(Greeting.text)) == "新年快乐"


def test_an_empty_or_overlong_greeting_is_refused_and_nothing_is_saved(app, client, make_user, login_as,
                                                                        enable_plugin):
    from netsales_hello.models import Greeting

    from core.extensions import db

    enable_plugin("hello")
    login_as(make_user())
    assert client.post("/hello/", data={"text": ""}).status_code == 200
    assert client.post("/hello/", data={"text": "x" * 281}).status_code == 200
    assert db.session.scalar(select(Greeting.id)) is None
