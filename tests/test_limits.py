import uuid

import pytest

from tests.conftest import PASSWORD, require


def attempt(client, username, password="wrong password!"):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


def test_guessing_one_username_is_limited_with_a_retry_after(make_app):
    client = make_app(LOGIN_LIMIT_PER_USERNAME="3 per minute").test_client()
    assert [attempt(client, "alice").status_code for _ in range(3)] == [401, 401, 401]
    limited = attempt(client, "ALICE")
    assert (limited.status_code, limited.get_json()["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert attempt(client, "bob").status_code == 401


def test_the_username_limit_counts_page_and_api_logins_together(make_app):
    client = make_app(LOGIN_LIMIT_PER_USERNAME="2 per minute").test_client()
    attempt(client, "alice")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"username": "alice", "password": "x", "csrf_token": token})
    limited = client.post("/login", data={"username": "alice", "password": "x", "csrf_token": token})
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert "Too many attempts" in limited.get_data(as_text=True)


def test_one_address_trying_many_usernames_is_limited(make_app):
    client = make_app(LOGIN_LIMIT_PER_IP="4 per minute").test_client()
    statuses = [attempt(client, f"user{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]


def test_signups_from_one_address_are_limited(make_app):
    client = make_app(SIGNUP_LIMIT_PER_IP="2 per hour").test_client()
    statuses = [client.post("/api/v1/users", json={"username": f"user{i}", "password": PASSWORD}).status_code
                for i in range(3)]
    assert statuses == [201, 201, 429]


def test_limits_kept_in_redis_are_shared_by_every_worker(make_app):
    """Two apps are two workers: the second sees the first one's attempts."""
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    settings = dict(LOGIN_LIMIT_PER_USERNAME="2 per minute", RATELIMIT_STORAGE_URI=redis_url,
                    RATELIMIT_STORAGE_OPTIONS={"key_prefix": f"chat-test-{uuid.uuid4().hex}"})
    first = make_app(**settings).test_client()
    assert [attempt(first, "alice").status_code for _ in range(2)] == [401, 401]
    second = make_app(**settings).test_client()
    assert attempt(second, "alice").status_code == 429


def test_logins_still_work_when_the_limit_store_is_down(make_app, caplog):
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = app.test_client()
    from tests.conftest import person
    person(app, "alice")
    assert attempt(client, "alice", PASSWORD).status_code == 201
    assert attempt(client, "alice").status_code == 401


@pytest.fixture(autouse=True)
def reset_fallback():
    """The limiter is one object per process: start each test with its store presumed alive."""
    from chat.extensions import limiter
    yield
    limiter._storage_dead = False
