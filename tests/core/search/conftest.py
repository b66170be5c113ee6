"""A plugin that answers global_search, written before the app is built so that the app loads it."""

import pytest

FINDER = '''
from core.contracts import SearchResult


@hookimpl
def global_search(query, user, limit):
    # Answers only for signed-in users with a login starting "rep", as a scope-aware plugin would.
    if not user.login.startswith("rep"):
        return []
    return [
        SearchResult(title=f"客户 {query} 一号", url="/finder/customer/1", kind="customer", score=0.5),
        SearchResult(title=f"客户 {query} 二号", url="/finder/customer/2", kind="customer", score=0.9,
                     snippet="杭州"),
        SearchResult(title=f"商机 {query}", url="/finder/deal/1", kind="deal", score=0.1),
    ][:limit]
'''


@pytest.fixture
def app(make_app, temp_plugin):
    temp_plugin("finder", hooks=FINDER)
    application = make_app()
    with application.app_context():
        yield application
