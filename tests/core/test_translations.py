"""Every user-facing string is translated: Chinese (Simplified) and English catalogues are complete."""

import pytest

from core.i18n_tools import all_domains, problems


@pytest.mark.parametrize("domain", all_domains(), ids=lambda d: d.name)
def test_catalogues_are_complete_and_up_to_date(domain):
    assert problems(domain) == [], "run: python -m core.i18n_tools update, then translate (todo / apply)"


def test_chinese_is_the_default_and_the_browser_language_is_followed(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Sign in" in english
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "登录" in chinese
