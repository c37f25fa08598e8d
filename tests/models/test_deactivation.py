"""Deactivating an account (a site admin's API call, or `flask users deactivate`)
ends its every login and open stream, and refuses new ones; `flask users admin` makes admins."""
import time

import pytest

from tests import sse
from tests.conftest import PASSWORD, Api, Auth, history, require, say
from tests.live import private_redis


def run(runner, *args):
    result = runner.invoke(args=["users", *args])
    assert result.exit_code == 0, result.output
    return result.output


def deactivate(how, api, runner, admin, username):
    """Deactivate `username` through the API as `admin`, or from the command line."""
    if how == "cli":
        assert "Deactivated" in run(runner, "deactivate", username)
        return
    response = api.as_(admin).post(f"/users/{username}/deactivate")
    assert response.status_code == 204, response.get_json()


@pytest.fixture
def admin(runner, mallory):
    """mallory, made a site admin from the command line."""
    run(runner, "admin", "mallory")
    return mallory


def me(api, headers):
    return api.get("/me", headers=headers)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_admin_flag_is_given_and_taken_away_from_the_command_line(api, runner, alice, mallory, general):
    assert me(api, bearer(mallory.token)).get_json()["is_admin"] is False
    assert "now a site admin" in run(runner, "admin", "mallory")
    assert me(api, bearer(mallory.token)).get_json()["is_admin"] is True
    assert api.as_(mallory).call("PATCH", f"/rooms/{general}", json={"topic": "Admin was here"}).status_code == 200
    assert "no longer a site admin" in run(runner, "admin", "mallory", "--revoke")
    assert me(api, bearer(mallory.token)).get_json()["is_admin"] is False
    assert api.as_(mallory).call("PATCH", f"/rooms/{general}", json={"topic": "Again"}).status_code == 404


@pytest.mark.parametrize("command", [["admin", "nobody"], ["deactivate", "nobody"]])
def test_the_commands_refuse_an_unknown_name(runner, command):
    result = runner.invoke(args=["users", *command])
    assert result.exit_code == 1 and "nobody" in result.output


@pytest.mark.parametrize("caller, username, status, code", [
    ("alice", "bob", 403, "admin_only"),
    ("admin", "mallory", 400, "cannot_deactivate_yourself"),
    ("admin", "nobody", 404, "user_not_found"),
])
def test_only_a_site_admin_deactivates_and_never_themselves(api, alice, bob, admin, caller, username, status, code):
    response = api.as_({"alice": alice, "admin": admin}[caller]).post(f"/users/{username}/deactivate")
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    for who in (alice, bob, admin):
        assert me(api, bearer(who.token)).status_code == 200


@pytest.mark.parametrize("how", ["api", "cli"])
def test_deactivation_kills_every_token_and_session_and_refuses_new_logins(
        app, api, runner, auth, alice, bob, admin, general, how):
    second_token = api.post("/tokens", json={"username": "bob", "password": PASSWORD}).get_json()["token"]
    auth.login("bob")
    assert me(api, {}).get_json()["username"] == "bob"  # the browser session
    say(api, bob, general, "my last words")

    deactivate(how, api, runner, admin, "bob")

    for headers in (bearer(bob.token), bearer(second_token), {}):
        assert me(api, headers).status_code == 401
    refused = api.post("/tokens", json={"username": "bob", "password": PASSWORD})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "invalid_credentials")
    fresh = app.test_client()
    assert Auth(fresh).login("bob").status_code == 400
    assert Api(fresh).get("/me").status_code == 401
    # What they said, and where, stays.
    assert [m["body"] for m in history(api, alice, general)] == ["my last words"]
    assert "bob" in [m["user"]["username"] for m in api.as_(alice).get(f"/rooms/{general}").get_json()["members"]]


def test_deactivating_twice_is_harmless(api, bob, admin):
    for _ in range(2):
        assert api.as_(admin).post("/users/bob/deactivate").status_code == 204
    assert me(api, bearer(bob.token)).status_code == 401


@pytest.mark.parametrize("how", ["api", "cli"])
def test_deactivation_ends_the_accounts_open_streams_at_once_and_no_one_elses(
        serve, broker_settings, alice, bob, admin, general, how):
    served, base = serve(STREAM_HEARTBEAT=0.5, **broker_settings)
    api = Api(served.test_client())
    bobs = [sse.Stream(base, bob.token) for _ in range(2)]
    alices = sse.Stream(base, alice.token)
    for stream in (*bobs, alices):
        stream.take(1, kind="presence")
    started = time.monotonic()
    deactivate(how, api, served.test_cli_runner(), admin, "bob")
    for stream in bobs:
        with pytest.raises(EOFError):
            stream.take(1, kind="message", timeout=5)
        assert time.monotonic() - started < 2
        stream.close()
    refused = sse.Stream(base, bob.token)
    assert refused.status == 401
    refused.close()
    say(api, alice, general, "still here")
    assert alices.take(1, kind="message")[0]["data"]["body"] == "still here"
    alices.close()


def test_a_deactivation_made_while_redis_is_down_still_ends_the_stream_once_it_is_back(
        serve, tmp_path, alice, bob, admin, general):
    require("TEST_REDIS_URL", "needs Redis")
    with private_redis(tmp_path) as redis:
        served, base = serve(STREAM_HEARTBEAT=0.5, REDIS_URL=redis.url, REALTIME_PREFIX="deactivation:")
        stream = sse.Stream(base, bob.token)
        stream.take(1, kind="presence")
        redis.stop()
        deactivate("api", Api(served.test_client()), None, admin, "bob")
        redis.start()
        with pytest.raises(EOFError):
            stream.take(1, kind="message", timeout=15)
        stream.close()
