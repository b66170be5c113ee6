"""Personal API tokens (issue 3): created on /account/tokens with the secret shown once, listed, revoked; nobody
reaches another person's tokens."""

from __future__ import annotations

from sqlalchemy import select

from core.api.models import ApiToken
from core.api.tokens import hash_secret


def _secret_in(page: str) -> str:
    start = page.index("nsk_")
    end = start
    while end < len(page) and (page[end].isalnum() or page[end] in "_-"):
        end += 1
    return page[start:end]


def test_a_user_creates_a_token_sees_its_secret_once_and_it_works(app, db, client, make_user, login_as):
    user = make_user("rep1")
    login_as(user)
    created = client.post("/account/tokens", data={"name": "Shop sync", "expires": "30"})
    assert created.status_code == 200
    secret = _secret_in(created.get_data(as_text=True))

    stored = db.session.scalar(select(ApiToken))
    assert stored.user_id == user.id and stored.name == "Shop sync"
    assert stored.token_hash == hash_secret(secret) and secret not in (stored.token_hash, stored.prefix)
    assert secret.startswith(stored.prefix) and stored.expires_at is not None

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Shop sync" in listing and stored.prefix in listing and secret not in listing

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["login"] == "rep1"


def test_a_token_without_a_name_is_refused_next_to_the_field_and_nothing_is_saved(app, db, client, make_user,
                                                                                   login_as):
    login_as(make_user())
    answer = client.post("/account/tokens", data={"name": "   ", "expires": "never"})
    assert answer.status_code == 422
    assert 'class="field-error"' in answer.get_data(as_text=True)
    assert client.post("/account/tokens", data={"name": "x", "expires": "7"}).status_code == 422  # not a choice
    assert db.session.scalar(select(ApiToken.id)) is None


def test_revoking_a_token_stops_it_at_once(app, db, client, make_user, login_as, make_token):
    user = make_user()
    token, secret = make_token(user)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login_as(user)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_another_persons_token_answers_404_and_stays_valid(app, client, make_user, login_as, make_token):
    owner, other = make_user("owner"), make_user("other", roles=["admin"])
    token, secret = make_token(owner, name="owner's script")
    login_as(other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.post("/account/tokens/999999/revoke").status_code == 404
    assert "owner's script" not in client.get("/account/tokens").get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_the_token_page_needs_a_signed_in_user_and_shows_an_empty_state(app, client, make_user, login_as):
    assert client.get("/account/tokens").status_code == 302
    login_as(make_user())
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "empty-state" in page.get_data(as_text=True)


def test_last_use_is_recorded(app, db, client, make_user, make_token):
    token, secret = make_token(make_user())
    assert token.last_used_at is None
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
