"""The OpenAPI document (issue 4 item 5): public, built from the url map, listing the core's endpoints and those of
enabled plugins only, with the bearer security scheme and the metadata the endpoints declared."""

from __future__ import annotations

from core.security import view_access


def test_the_document_is_public_and_lists_the_core_endpoints(app, client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    doc = answer.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
    assert {"/api/v1/me", "/api/v1/plugins", "/api/v1/openapi.json"} <= set(doc["paths"])
    me = doc["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearer": []}] and "401" in me["responses"]
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["security"] == []
    assert not any(path.startswith("/account") for path in doc["paths"])  # pages are not API endpoints


def test_an_enabled_plugins_endpoints_appear_and_vanish_when_it_is_disabled(app, client, enable_plugin,
                                                                             disable_plugin, make_user, bearer):
    enable_plugin("hello")
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    listing = paths["/api/v1/hello/greetings"]
    assert set(listing) == {"get", "post"}
    assert listing["get"]["x-permission"] == "hello.greeting.view"
    assert {p["name"] for p in listing["get"]["parameters"]} == {"page", "per_page", "q", "author_id"}
    per_page = next(p for p in listing["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100
    assert listing["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == ["text"]
    assert {"201", "401", "403", "422"} <= set(listing["post"]["responses"])
    one = paths["/api/v1/hello/greetings/{greeting_id}"]["get"]
    assert one["parameters"][0]["schema"]["type"] == "integer" and "404" in one["responses"]
    headers = bearer(make_user("someone"))
    assert "hello" in [p["name"] for p in client.get("/api/v1/plugins", headers=headers).get_json()["items"]]

    disable_plugin("hello")
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert not any(path.startswith("/api/v1/hello") for path in paths)
    assert "/api/v1/me" in paths
    assert client.get("/api/v1/hello/greetings", headers=headers).status_code == 404  # the routes go too
    assert "hello" not in [p["name"] for p in client.get("/api/v1/plugins", headers=headers).get_json()["items"]]


def test_summaries_follow_the_callers_language(app, client, enable_plugin):
    enable_plugin("hello")
    english = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"}).get_json()
    assert english["paths"]["/api/v1/me"]["get"]["summary"] == "The calling user"


def test_api_endpoints_declare_their_access_for_the_route_walking_test(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            assert view_access(app.view_functions[rule.endpoint]) is not None, rule.rule
