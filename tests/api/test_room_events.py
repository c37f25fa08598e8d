"""Joins, leaves, invites, removals and bans are lines of the room's log: one
system message each, at the room's next seq, in history, live and on resume."""
import pytest

from tests import sse
from tests.conftest import history, last_seq, person, say
from tests.sse import caught_up, log_entries

# action: (who acts, method, path under /rooms/<general>, payload, author, whom)
CHANGES = {
    "join": ("mallory", "POST", "/members", {}, "mallory", "mallory"),
    "leave": ("bob", "DELETE", "/members/me", None, "bob", "bob"),
    "invite": ("alice", "POST", "/members", {"username": "mallory"}, "alice", "mallory"),
    "kick": ("alice", "DELETE", "/members/bob", None, "alice", "bob"),
    "ban": ("alice", "POST", "/bans", {"username": "bob"}, "alice", "bob"),
}


@pytest.fixture
def app_settings(broker_settings):
    return {"STREAM_HEARTBEAT": 0.5, **broker_settings}


@pytest.fixture
def cast(alice, bob, mallory):
    return {"alice": alice, "bob": bob, "mallory": mallory}


def change(api, cast, room, action):
    actor, method, path, payload, _, _ = CHANGES[action]
    response = api.as_(cast[actor]).call(method, f"/rooms/{room}{path}", json=payload)
    assert response.status_code in (201, 204), response.get_json()


def expected_line(cast, action):
    _, _, _, _, author, whom = CHANGES[action]
    user = cast[whom]
    return cast[author].username, {"action": action, "user": {"id": user.id, "username": user.username}}


@pytest.mark.parametrize("action", CHANGES)
def test_each_membership_change_adds_exactly_one_system_line_at_the_next_seq(api, cast, alice, general, action):
    say(api, alice, general, "hello")
    change(api, cast, general, action)
    entries = history(api, alice, general)
    assert [(m["seq"], m["kind"]) for m in entries] == [(1, "message"), (2, "system")]
    assert (entries[1]["author"]["username"], entries[1]["event"]) == expected_line(cast, action)
    assert last_seq(api, alice, general) == 2


@pytest.mark.parametrize("action", CHANGES)
def test_each_line_is_announced_live_and_replayed_exactly_once_on_resume(serve, app, api, cast, alice, general, action):
    _, base = serve(app)
    say(api, alice, general, "hello")
    stream = sse.Stream(base, alice.token)
    stream.take(1, kind="presence")
    cursor = stream.cursor
    assert cursor == f"v1.{general}-1"
    change(api, cast, general, action)
    live = log_entries(stream, 1)[0]
    assert (live["event"], live["id"], live["data"]["seq"], live["data"]["kind"]) == ("room", f"v1.{general}-2", 2, "system")
    assert (live["data"]["author"]["username"], live["data"]["event"]) == expected_line(cast, action)
    resumed = sse.Stream(base, alice.token, last_event_id=cursor)
    replayed = log_entries(resumed, 1)[0]
    assert replayed["raw"] == live["raw"]
    assert caught_up(resumed) and caught_up(stream)
    for each in (stream, resumed):
        each.close()


def test_a_joiners_stream_starts_right_after_their_own_line_and_misses_nothing_after(serve, app, api, alice, mallory, general):
    _, base = serve(app)
    say(api, alice, general, "before mallory")
    stream = sse.Stream(base, mallory.token)
    assert api.as_(mallory).post(f"/rooms/{general}/members", json={}).status_code == 201
    joined = stream.take(1, kind="join")[0]
    assert (joined["data"]["seq"], joined["data"]["room"]["last_seq"]) == (2, 2)
    say(api, alice, general, "welcome")
    assert [(e["event"], e["data"]["seq"]) for e in log_entries(stream, 1)] == [("message", 3)]
    assert caught_up(stream)
    stream.close()


def test_a_removal_is_one_line_and_no_left_line_besides(api, alice, bob, general):
    assert api.as_(alice).delete(f"/rooms/{general}/members/bob").status_code == 204
    assert [m["event"]["action"] for m in history(api, alice, general)] == ["kick"]


def test_rejoining_or_inviting_a_member_adds_no_line(api, alice, bob, general):
    assert api.as_(bob).post(f"/rooms/{general}/members", json={}).status_code == 200
    assert api.as_(alice).post(f"/rooms/{general}/members", json={"username": "bob"}).status_code == 200
    assert last_seq(api, alice, general) == 0


def test_a_direct_message_and_a_new_room_start_with_an_empty_log(api, alice, bob):
    direct = api.as_(alice).post("/dms", json={"username": "bob"}).get_json()
    made = api.as_(alice).post("/rooms", json={"name": "design"}).get_json()
    assert (direct["last_seq"], made["last_seq"]) == (0, 0)


def test_a_joiners_own_line_is_not_unread_and_no_line_counts_as_unread_for_others(app, api, alice, bob, general):
    say(api, alice, general, "one message")
    carol = person(app, "carol")
    assert api.as_(carol).post(f"/rooms/{general}/members", json={}).status_code == 201
    assert api.as_(carol).delete(f"/rooms/{general}/members/me").status_code == 204
    assert api.as_(carol).post(f"/rooms/{general}/members", json={}).status_code == 201
    mine = api.as_(carol).get(f"/rooms/{general}").get_json()
    assert (mine["last_read_seq"], mine["unread"], mine["last_seq"]) == (4, 0, 4)
    assert api.as_(bob).get(f"/rooms/{general}").get_json()["unread"] == 1
