"""Smart buttons (issue 12): any plugin adds counts and actions to another plugin's record page through a hook."""

from core.contracts import SmartButton


def test_a_plugins_buttons_reach_the_page_sorted_and_outside_links_are_dropped(make_app, temp_plugin):
    temp_plugin(
        "buttons",
        hooks=(
            "from core.contracts import SmartButton\n\n"
            "@hookimpl\n"
            "def record_smart_buttons(obj, user):\n"
            "    if obj != 'the-record':\n"
            "        return []\n"
            "    return [SmartButton('b.second', 'Second', '/second', count=2, order=20),\n"
            "            SmartButton('b.first', 'First', '/first', count=0, order=10),\n"
            "            SmartButton('b.away', 'Away', '//evil.example/x', count=1),\n"
            "            SmartButton('b.new', 'New one', '/new')]\n"
        ),
    )
    app = make_app()
    from core.setup import enable_plugins
    from core.testing.plugin import make_user_now
    from core.web.smart_buttons import smart_buttons_for

    with app.app_context():
        enable_plugins(app, "buttons")
        user = make_user_now("hub-viewer")
        buttons = smart_buttons_for("the-record", user)
        assert [b.key for b in buttons] == ["b.first", "b.second", "b.new"]
        assert all(isinstance(b, SmartButton) for b in buttons)
        assert smart_buttons_for("another-record", user) == []


def test_a_persons_page_shows_what_other_modules_count_for_them(app, make_user, login_as):
    """The profile and the administrator's user page are hubs too: the expenses module counts the person's claims."""
    rep = make_user("hub-rep", roles=["sales_rep"])
    page = login_as(rep).get("/profile").get_data(as_text=True)
    assert 'class="smart-buttons"' in page and 'href="/expenses/?claimant=' in page
