"""Logins remembered per process (chat.logins): a login used again is not queried
again, and a revocation, a deactivation or any change to the account is obeyed
at once, in this process and, over Redis, in every other."""
import re
import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event

from chat import realtime
from chat.extensions import db
from chat.models import AuthToken, User
from tests import smoke
from tests.conftest import Person, person, require
from tests.live import serving
from tests.services import scratch_database


@contextmanager
def statements(app):
    """The SQL statements run meanwhile, as a list filled in as they run."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def on_logins(seen):
    return [statement for statement in seen if "auth_tokens" in statement]


def test_a_login_used_again_within_its_seconds_is_not_looked_up_again(app, api, alice, general):
    assert api.as_(alice).get("/me").status_code == 200
    with statements(app) as seen:
        assert api.as_(alice).get(f"/rooms/{general}").status_code == 200
        assert api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "hello"}).status_code == 201
    assert seen and on_logins(seen) == []


def test_a_post_with_its_login_and_membership_remembered_reads_neither(app, api, alice, general):
    assert api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "first"}).status_code == 201
    with statements(app) as seen:
        assert api.as_(alice).post(f"/rooms/{general}/messages", json={"body": "second"}).status_code == 201
    assert not [statement for statement in seen if statement.lstrip().upper().startswith("SELECT")]


def test_a_member_who_left_cannot_post_though_their_membership_was_remembered(api, alice, bob, general):
    assert api.as_(bob).post(f"/rooms/{general}/messages", json={"body": "hi"}).status_code == 201
    assert api.as_(bob).delete(f"/rooms/{general}/members/me").status_code == 204
    refused = api.as_(bob).post(f"/rooms/{general}/messages", json={"body": "still here?"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_a_member"


def test_a_banned_member_cannot_post_or_type_though_their_membership_was_remembered(api, alice, bob, general):
    assert api.as_(bob).post(f"/rooms/{general}/typing").status_code == 204
    assert api.as_(bob).post(f"/rooms/{general}/messages", json={"body": "hi"}).status_code == 201
    assert api.as_(alice).post(f"/rooms/{general}/bans", json={"username": bob.username}).status_code in (200, 201)
    assert api.as_(bob).post(f"/rooms/{general}/messages", json={"body": "let me in"}).status_code == 403
    assert api.as_(bob).post(f"/rooms/{general}/typing").status_code == 403


def test_with_no_seconds_configured_every_request_looks_its_login_up(make_app, alice_of):
    app = make_app(LOGIN_CACHE_SECONDS=0)
    alice = alice_of(app)
    client = app.test_client()
    with statements(app) as seen:
        for _ in range(2):
            assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {alice.token}"}).status_code == 200
    assert len(on_logins(seen)) == 2


def test_a_process_keeps_only_the_logins_of_the_last_few_seconds(make_app, alice_of):
    app = make_app(LOGIN_CACHE_SECONDS=0.3)
    client = app.test_client()
    people = [alice_of(app)] + [person(app, name) for name in ("bob", "carol", "dave")]
    for who in people:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {who.token}"}).status_code == 200
    logins = app.extensions["logins"]
    assert len(logins.entries) == 4 and set(logins.by_user) == {who.id for who in people}
    time.sleep(0.4)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {people[0].token}"}).status_code == 200
    assert len(logins.entries) == 1 and set(logins.by_user) == {people[0].id}  # the others' time was up


def test_a_logged_out_token_is_refused_at_once_though_it_was_remembered(api, alice):
    assert api.as_(alice).get("/me").status_code == 200
    assert api.as_(alice).delete("/tokens/current").status_code == 204
    assert api.as_(alice).get("/me").status_code == 401


def test_a_deactivated_account_is_refused_at_once_though_its_login_was_remembered(app, api, alice, bob):
    assert api.as_(bob).get("/me").status_code == 200
    with app.app_context():
        User.named(bob.username).deactivate()
    assert api.as_(bob).get("/me").status_code == 401


def test_a_change_to_the_account_is_seen_by_the_next_request(app, api, runner, alice):
    assert api.as_(alice).get("/me").get_json()["is_admin"] is False
    assert runner.invoke(args=["users", "admin", alice.username]).exit_code == 0
    assert api.as_(alice).get("/me").get_json()["is_admin"] is True


def test_a_login_that_expires_while_remembered_is_refused_from_then_on(app, api, alice):
    with app.app_context():
        _, secret = AuthToken.issue(User.named(alice.username), "api", timedelta(seconds=1))
    briefly = api.as_(Person(alice.id, alice.username, secret))
    assert briefly.get("/me").status_code == 200
    time.sleep(1.1)  # within the login's five remembered seconds, past its own end
    assert briefly.get("/me").status_code == 401


def test_over_redis_nothing_is_remembered_until_the_logins_channel_is_heard(make_app, alice_of):
    app = make_app(REDIS_URL=require("TEST_REDIS_URL", "needs Redis"), REALTIME_PREFIX=f"test-{uuid.uuid4().hex}:")
    alice = alice_of(app)
    hub = app.extensions["realtime"]
    with app.app_context():
        realtime.hears_revocations()  # starts the hub, which subscribes
        deadline = time.monotonic() + 5
        while not realtime.hears_revocations() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert realtime.hears_revocations()
        hub.broker.down = True  # as while Redis is away
        assert not realtime.hears_revocations()
    client = app.test_client()
    with statements(app) as seen:
        for _ in range(2):
            assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {alice.token}"}).status_code == 200
    assert len(on_logins(seen)) == 2


@pytest.fixture
def alice_of():
    return lambda app: person(app, "alice")


# Two worker processes, each remembering the same logins, over Redis and PostgreSQL.

def worker_of_each(server, connections):
    """{client port: the pid of the worker holding that connection}, read from the kernel's socket table."""
    port = urlsplit(server.base).port
    out = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True, check=True).stdout
    holders = {}
    for line in out.splitlines():
        peer = re.search(r"127\.0\.0\.1:\d+\s+127\.0\.0\.1:(\d+)", line)
        pid = re.search(r"pid=(\d+)", line)
        if peer and pid:
            holders[int(peer.group(1))] = int(pid.group(1))
    return {conn.sock.getsockname()[1]: holders.get(conn.sock.getsockname()[1]) for conn in connections}


def ask(conn, method, path, token, body=None):
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, "/api/v1" + path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def within_a_second(connections, method, path, token, refused, body=None):
    """Each connection's answer, asked until it is `refused` or a second has passed since now."""
    deadline = time.monotonic() + 1.0
    answers = []
    for conn in connections:
        status = ask(conn, method, path, token, body)
        while status not in refused and time.monotonic() < deadline:
            time.sleep(0.02)
            status = ask(conn, method, path, token, body)
        answers.append(status)
    return answers


def test_a_revoked_token_and_a_removed_member_are_refused_within_a_second_by_both_workers(tmp_path):
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    with scratch_database("chat_logins") as database, \
            serving(database, tmp_path, workers=2, REDIS_URL=redis_url,
                    REALTIME_PREFIX=f"live-{uuid.uuid4().hex}:", LOGIN_CACHE_SECONDS="60") as server:
        alice, bob = smoke.sign_up(server.base, "alice"), smoke.sign_up(server.base, "bob")
        room = alice.call("POST", "/rooms", {"name": "general"})[1]["id"]
        assert bob.call("POST", f"/rooms/{room}/members", {})[0] == 201
        second = smoke.Client(server.base).call("POST", "/tokens", {"username": "bob", "password": smoke.PASSWORD})
        bob_again = second[1]["token"]
        host = urlsplit(server.base)
        connections = []
        while len(set(worker_of_each(server, connections).values())) < 2:  # kept alive: each stays on its worker
            assert len(connections) < 64, "the kernel never handed a connection to the second worker"
            conn = HTTPConnection(host.hostname, host.port, timeout=10)
            assert ask(conn, "GET", "/me", bob.token) == 200
            assert ask(conn, "GET", "/me", bob_again) == 200
            connections.append(conn)
        assert set(worker_of_each(server, connections).values()) == set(server.workers())
        for conn in connections:  # every worker now remembers both of bob's logins, for a minute
            assert ask(conn, "GET", "/me", bob.token) == 200

        assert bob.call("DELETE", "/tokens/current")[0] == 204  # on a connection of its own
        assert within_a_second(connections, "GET", "/me", bob.token, {401}) == [401] * len(connections)
        assert within_a_second(connections, "GET", "/me", bob_again, {401}) == [200] * len(connections)

        for conn in connections:  # and bob's membership, remembered as he posts
            assert ask(conn, "POST", f"/rooms/{room}/messages", bob_again, b'{"body": "here"}') == 201
        assert alice.call("DELETE", f"/rooms/{room}/members/bob")[0] == 204
        post = b'{"body": "still here?"}'
        assert within_a_second(connections, "POST", f"/rooms/{room}/messages", bob_again, {403, 404},
                               body=post) == [403] * len(connections)
        for conn in connections:
            conn.close()
