"""A module pip-installed while NetSales runs: the Modules page finds it and says plainly that a restart loads it
(Flask cannot add its pages to a running app), instead of calling it "not installed"."""

from core.plugins import discovery
from core.plugins.discovery import Announcement

LATE = Announcement("visits", "netsales_visits", "netsales-visits 0.1.0")


def test_a_module_installed_after_start_is_listed_with_a_restart_notice_and_no_enable_button(
    client, make_user, login_as, monkeypatch
):
    installed = discovery.announcements()
    monkeypatch.setattr(discovery, "announcements", lambda: [*installed, LATE])
    login_as(make_user("modules-admin", roles=["admin"]))
    html = client.get("/admin/plugins", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "installed after NetSales started: restart NetSales to load it" in html
    assert "Restart NetSales to load them" in html
    assert "/admin/plugins/visits/enable" not in html


def test_without_late_installs_the_page_has_no_restart_warning(app, client, make_user, login_as, monkeypatch):
    loaded = {plugin.module_name for plugin in app.extensions["netsales"].plugins.values()}
    installed = [a for a in discovery.announcements() if a.module_name in loaded]  # not another run's probe
    monkeypatch.setattr(discovery, "announcements", lambda: installed)
    login_as(make_user("modules-admin", roles=["admin"]))
    html = client.get("/admin/plugins", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Restart NetSales to load them" not in html
    assert "appears here when NetSales restarts" in html

