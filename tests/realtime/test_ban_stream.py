"""A removed member's open stream lets go of the room at once: a `leave` within a
second of the ban, and nothing the room says afterwards. Live under gunicorn with
Redis, and in-process on both brokers."""
import time

import pytest

from tests import smoke, sse
from tests.conftest import require
from tests.live import private_redis, redis_settings, room_with, serving
from tests.sse import log_entries

LEAVE_WITHIN = 1.0  # seconds from the ban's response to the leave on the banned member's stream
AFTERWARDS = 1.0  # how long the banned member's stream is watched for a leak
BAN = ("POST", "/bans", {"username": "mallory"}, "banned", "ban")
KICK = ("DELETE", "/members/mallory", None, "removed", "kick")


def events_until(stream, kind, seconds):
    """Every event up to and including the first of `kind`, which must come within `seconds`."""
    events, deadline = [], time.monotonic() + seconds
    while not events or events[-1]["event"] != kind:
        events.append(stream.next(max(deadline - time.monotonic(), 0.001)))
    return events


def events_within(stream, seconds):
    """Every event that arrives within `seconds`."""
    events, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            events.append(stream.next(left))
        except TimeoutError:
            break
    return events


def bodies(events):
    return [e["data"]["body"] for e in events if e["event"] == "message"]


def removal_is_felt_at_once(base, owner, bystander, victim, room, removal):
    """`owner` removes `victim` (smoke clients) from `room` while both members stream."""
    method, path, payload, reason, action = removal
    victims, bystanders = sse.Stream(base, victim.token), sse.Stream(base, bystander.token)
    owner.call("POST", f"/rooms/{room}/messages", {"body": "before"})
    for stream in (victims, bystanders):
        assert bodies(stream.take(1, kind="message")) == ["before"]
    cursor = victims.last_event_id

    status, _ = owner.call(method, f"/rooms/{room}{path}", payload)
    answered = time.monotonic()
    assert status in (201, 204)
    assert owner.call("POST", f"/rooms/{room}/messages", {"body": "after"})[0] == 201

    until_leave = events_until(victims, "leave", LEAVE_WITHIN)
    assert time.monotonic() - answered < LEAVE_WITHIN
    assert {k: until_leave[-1]["data"][k] for k in ("room_id", "reason")} == {"room_id": room, "reason": reason}
    assert "after" not in bodies(until_leave + events_within(victims, AFTERWARDS))
    assert not victims.ended

    announced, posted = log_entries(bystanders, 2)
    assert (announced["event"], announced["data"]["kind"], announced["data"]["event"]["action"]) == \
        ("room", "system", action)
    assert announced["data"]["event"]["user"]["username"] == "mallory"
    assert bodies([posted]) == ["after"]

    again = sse.Stream(base, victim.token, last_event_id=cursor)
    assert again.take(1, kind="reset")[0]["data"] == {"reason": "not_a_member", "room_ids": [room]}
    assert again.quiet(AFTERWARDS, kind="message")
    for stream in (victims, bystanders, again):
        stream.close()


@pytest.mark.live
def test_a_banned_members_stream_under_gunicorn_leaves_the_room_within_a_second_and_hears_nothing_after(
        empty_database, tmp_path):
    with serving(empty_database, tmp_path, workers=2, **redis_settings(require("TEST_REDIS_URL", "needs Redis"))) as server:
        alice, bob, mallory = (smoke.sign_up(server.base, name) for name in ("alice", "bob", "mallory"))
        general = room_with(server.base, alice, [bob, mallory], "general")
        removal_is_felt_at_once(server.base, alice, bob, mallory, general, BAN)


@pytest.mark.parametrize("removal", [BAN, KICK], ids=["ban", "kick"])
def test_a_removed_members_stream_leaves_the_room_at_once_on_either_broker(
        serve, broker_settings, alice, bob, mallory, general, removal):
    _, base = serve(STREAM_HEARTBEAT=0.5, **broker_settings)
    owner, bystander, victim = (smoke.Client(base, who.token) for who in (alice, bob, mallory))
    assert victim.call("POST", f"/rooms/{general}/members", {})[0] == 201
    removal_is_felt_at_once(base, owner, bystander, victim, general, removal)


def test_a_banned_members_stream_keeps_carrying_their_other_rooms(serve, broker_settings, alice, bob, mallory, general):
    _, base = serve(STREAM_HEARTBEAT=0.5, **broker_settings)
    owner, bystander, victim = (smoke.Client(base, who.token) for who in (alice, bob, mallory))
    victim.call("POST", f"/rooms/{general}/members", {})
    annex = room_with(base, bystander, [victim], "annex")
    stream = sse.Stream(base, mallory.token)
    stream.take(1, kind="presence")
    assert owner.call("POST", f"/rooms/{general}/bans", {"username": "mallory"})[0] == 201
    assert stream.take(1, kind="leave")[0]["data"]["room_id"] == general
    bystander.call("POST", f"/rooms/{annex}/messages", {"body": "still friends"})
    owner.call("POST", f"/rooms/{general}/messages", {"body": "good riddance"})
    assert bodies(events_within(stream, AFTERWARDS)) == ["still friends"]
    stream.close()


@pytest.mark.live
def test_a_ban_made_while_redis_is_down_still_reaches_the_banned_members_stream_once_it_is_back(
        empty_database, tmp_path):
    """The ban's `leave` is lost with Redis; the hub, resyncing, checks memberships
    against the database and lets go of the room before delivering what it missed."""
    require("TEST_REDIS_URL", "needs Redis")
    with private_redis(tmp_path) as redis, \
            serving(empty_database, tmp_path, workers=2, **redis_settings(redis.url)) as server:
        alice, bob, mallory = (smoke.sign_up(server.base, name) for name in ("alice", "bob", "mallory"))
        general = room_with(server.base, alice, [bob, mallory], "general")
        victims, bystanders = sse.Stream(server.base, mallory.token), sse.Stream(server.base, bob.token)
        alice.call("POST", f"/rooms/{general}/messages", {"body": "before"})
        for stream in (victims, bystanders):
            assert bodies(stream.take(1, kind="message")) == ["before"]
        redis.stop()
        assert alice.call("POST", f"/rooms/{general}/bans", {"username": "mallory"})[0] == 201
        assert alice.call("POST", f"/rooms/{general}/messages", {"body": "after"})[0] == 201
        redis.start()
        until_leave = events_until(victims, "leave", 15)
        assert until_leave[-1]["data"]["room_id"] == general
        assert "after" not in bodies(until_leave + events_within(victims, AFTERWARDS))
        assert "after" in bodies(log_entries(bystanders, 2, timeout=15))
        victims.close(), bystanders.close()
