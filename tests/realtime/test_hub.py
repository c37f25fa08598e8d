"""The hub with real brokers and a real database: ordering, gaps, slow streams."""
import logging
import time
import uuid

import pytest
import redis

from chat import realtime
from chat.extensions import db
from chat.models import Membership, Message, Room, User
from chat.models.broadcasts import logged
from chat.realtime.serve import serve
from chat.realtime.stream import Stream
from tests.conftest import require


def hub_of(app):
    return app.extensions["realtime"]


def message_frame(app, room_id, seq):
    with app.app_context():
        return logged(Message.at(room_id, seq))


def post(app, room_id, user_id, count):
    with app.app_context():
        room, author = db.session.get(Room, room_id), db.session.get(User, user_id)
        for i in range(count):
            room.post(author, f"m{i + 1}")


def test_the_hub_fills_a_gap_from_the_database_before_delivering_newer_ones(app, alice, general):
    hub = hub_of(app)
    stream = Stream(alice.id, "alice", {general: 0})
    hub.attach(stream)
    post(app, general, alice.id, 3)  # the in-process broker delivers 1, 2, 3
    stream.take(0)
    hub.receive(message_frame(app, general, 1))  # a late duplicate: dropped
    post(app, general, alice.id, 2)
    stream.take(0)
    hub.last[general] = 3
    with app.app_context():  # seq 5 arrives while 4 never did
        hub.receive(message_frame(app, general, 5))
    assert [(frame.route, frame.seq) for frame in stream.take(0)] == [("log", 4), ("log", 5)]
    hub.detach(stream)


def test_a_slow_stream_is_closed_and_the_others_keep_everything(app, alice, bob, general):
    hub = hub_of(app)
    slow, fast = Stream(alice.id, "alice", {general: 0}, limit=3), Stream(bob.id, "bob", {general: 0})
    hub.attach(slow), hub.attach(fast)
    post(app, general, alice.id, 5)
    assert slow.overflowed and len(slow.items) == 3
    assert [frame.seq for frame in fast.take(0) if frame.seq] == [1, 2, 3, 4, 5]
    body = serve(hub, slow, [], retry_ms=3000, heartbeat=0.1)
    assert next(body) == f"id: v1.{general}-0\nretry: 3000\n\n".encode()
    rest = list(body)  # ends instead of waiting: its client reconnects and resumes
    assert all(b": ping" not in chunk for chunk in rest)
    assert slow.detached
    hub.detach(fast)


@pytest.fixture
def app_settings(request):
    if "redis" not in request.node.name:
        return {}
    glob = "[x]*?" if "glob" in request.node.name else ""  # a prefix that Redis must take literally in a pattern
    return {"REDIS_URL": require("TEST_REDIS_URL", "needs Redis"),
            "REALTIME_PREFIX": f"test-{glob}{uuid.uuid4().hex}:"}


def test_with_redis_the_hub_subscribes_to_a_room_only_while_a_local_stream_needs_it(app, alice, general, secret):
    hub = hub_of(app)
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    prefix = app.config["REALTIME_PREFIX"]

    def channels():
        deadline = time.monotonic() + 5
        while True:
            found = sorted(c.decode()[len(prefix):] for c in client.pubsub_channels(prefix + "*"))
            if time.monotonic() > deadline or found == expected:
                return found
            time.sleep(0.05)

    first, second = Stream(alice.id, "alice", {general: 0}), Stream(alice.id, "alice", {general: 0, secret: 0})
    hub.attach(first)
    # `logins` is the process's own, for as long as it runs (chat.logins hears revocations on it).
    # So is every user's channel, as one pattern: a stream subscribes to nothing for its user.
    expected = ["logins", f"room:{general}"]
    assert channels() == expected
    hub.attach(second)
    expected = ["logins", f"room:{general}", f"room:{secret}"]
    assert channels() == expected
    hub.detach(second)
    expected = ["logins", f"room:{general}"]
    assert channels() == expected
    hub.detach(first)
    expected = ["logins"]
    assert channels() == expected
    hub.stop()
    client.close()


def test_with_redis_and_a_glob_in_the_prefix_a_stream_gets_its_users_events_with_no_channel_of_its_own(
        app, alice, bob, general):
    """Every user's channel is one pattern, heard by every process: a stream
    subscribes to nothing for its user. The pattern takes the prefix literally."""
    hub = hub_of(app)
    prefix = app.config["REALTIME_PREFIX"]
    stream = Stream(alice.id, "alice", {general: 0})
    hub.attach(stream)
    stream.take(0)  # her own presence
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    ours = sorted(c.decode()[len(prefix):] for c in client.pubsub_channels() if c.decode().startswith(prefix))
    assert ours == ["logins", f"room:{general}"]
    decoy = prefix.replace("[x]*?", "xQQ")  # what the prefix would match, were it a pattern
    client.publish(decoy + f"user:{alice.id}", realtime.left(alice.id, general).pack())
    client.publish(prefix + f"user:{bob.id}", realtime.left(bob.id, general).pack())  # somebody else's
    client.publish(prefix + f"user:{alice.id}", realtime.left(alice.id, general).pack())
    deadline = time.monotonic() + 5
    got = []  # in the order published: a decoy or bob's event would come before hers
    while not got and time.monotonic() < deadline:
        got = [frame for frame in stream.take(0.1) if frame.route != "ephemeral"]  # not presence
    assert [(frame.channel, frame.route, frame.room) for frame in got] == [(f"user:{alice.id}", "leave", general)]
    assert general not in stream.registered
    hub.detach(stream)
    hub.stop()
    client.close()


def test_after_a_broker_outage_a_removed_member_stops_getting_the_room(app, alice, bob, general):
    """The leave was announced while the broker was away; the resync finds it."""
    hub = hub_of(app)
    stream = Stream(bob.id, "bob", {general: 0})
    hub.attach(stream)
    stream.take(0)  # bob's own presence
    hub.broker.stop()  # the in-process broker drops everything from here on
    with app.app_context():
        Membership.of(general, bob.id).leave()
    hub.broker.start(hub)
    hub.resync()
    assert [(frame.route, frame.room) for frame in stream.take(0)] == [("leave", general)]
    post(app, general, alice.id, 1)
    assert stream.take(0) == []
    hub.detach(stream)


def test_a_stream_that_comes_back_within_the_grace_changes_nobodys_presence(make_app, alice, bob, general):
    app = make_app(PRESENCE_GRACE=0.5)
    hub = hub_of(app)
    watcher, bobs = Stream(alice.id, "alice", {general: 0}), Stream(bob.id, "bob", {general: 0})
    hub.attach(watcher), hub.attach(bobs)
    watcher.take(0)
    hub.detach(bobs)
    again = Stream(bob.id, "bob", {general: 0})
    hub.attach(again)  # a page change, or the next long poll
    time.sleep(0.8)
    assert [frame.route for frame in watcher.take(0)] == []
    hub.detach(again)
    assert watcher.take(0) == []  # still within the grace
    time.sleep(0.8)
    frame, = watcher.take(0)
    assert (frame.route, frame.room) == ("ephemeral", general) and b'"username":"bob"' not in frame.body
    hub.detach(watcher)


def test_an_idle_long_poll_sends_its_cursor_then_a_ping_and_ends(app, alice, general):
    hub = hub_of(app)
    stream = Stream(alice.id, "alice", {general: 0})
    hub.attach(stream)
    stream.take(0)  # alice's own presence
    body = serve(hub, stream, [], retry_ms=3000, heartbeat=0.2, poll=True)
    assert list(body) == [f"id: v1.{general}-0\nretry: 3000\n\n".encode(), b": ping\n\n"]
    assert stream.detached


def test_closing_a_tab_opened_before_a_join_keeps_the_user_online_in_that_room(make_app, alice, bob):
    """The older tab got the room mid-stream; the newer one from the start. Both count."""
    app = make_app(PRESENCE_GRACE=0.2)
    hub = hub_of(app)
    older = Stream(alice.id, "alice", {})
    hub.attach(older)
    with app.app_context():
        third = Room.create(db.session.get(User, bob.id), "third")
        third.join(db.session.get(User, alice.id))  # reaches `older` mid-stream
        third_id = third.id
    newer = Stream(alice.id, "alice", {third_id: 0})
    hub.attach(newer)
    hub.detach(older)
    time.sleep(0.5)  # past the grace
    assert [m.split(":")[1] for m in hub.broker.online(third_id)] == ["alice"]
    hub.detach(newer)
    time.sleep(0.5)
    assert hub.broker.online(third_id) == []


def presence_lists(stream):
    """The online usernames of each presence announcement queued for `stream`."""
    import json

    lists = []
    for frame in stream.take(0):
        data = json.loads(frame.body.split(b"data: ", 1)[1])
        if frame.route == "ephemeral" and "online" in data:
            lists.append([user["username"] for user in data["online"]])
    return lists


def test_presence_changes_close_together_make_one_announcement(make_app, alice, bob, general):
    app = make_app(PRESENCE_COALESCE=0.3)
    hub = hub_of(app)
    watcher, bobs = Stream(alice.id, "alice", {general: 0}), Stream(bob.id, "bob", {general: 0})
    hub.attach(watcher), hub.attach(bobs)
    assert presence_lists(watcher) == []  # not yet: changes are gathered first
    time.sleep(0.6)
    assert presence_lists(watcher) == [["alice", "bob"]]  # both arrivals, in one list
    hub.detach(watcher), hub.detach(bobs)


def test_a_room_with_more_people_online_than_the_limit_gets_no_presence_lists(make_app, alice, bob, general):
    app = make_app(PRESENCE_LIST_LIMIT=1)
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)
    assert presence_lists(watcher) == [["alice"]]  # within the limit: announced
    bobs = Stream(bob.id, "bob", {general: 0})
    hub.attach(bobs)
    assert presence_lists(watcher) == []  # two online, over the limit: not pushed
    with app.app_context():
        assert [user["username"] for user in realtime.online(general)] == ["alice", "bob"]  # still asked for
    hub.detach(watcher), hub.detach(bobs)


def test_with_redis_a_channel_let_go_and_asked_for_again_at_once_is_confirmed(app):
    broker = hub_of(app).broker
    hub_of(app).start()
    first, = broker.subscribe(["room:424242"])
    assert first.wait(5)
    broker.unsubscribe(["room:424242"])
    again, = broker.subscribe(["room:424242"])  # before the listener has looked: still subscribed
    assert again.wait(5)
    broker.unsubscribe(["room:424242"])


def test_with_redis_a_strangers_message_on_a_room_channel_is_ignored_and_the_next_event_arrives(app, alice, general,
                                                                                                  caplog):
    hub = hub_of(app)
    stream = Stream(alice.id, "alice", {general: 0})
    hub.attach(stream)
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    with caplog.at_level(logging.WARNING, logger="chat.realtime.brokers"):
        client.publish(f"{app.config['REALTIME_PREFIX']}room:{general}", b'{"type":"message","seq":1,"data":{}}')
        post(app, general, alice.id, 1)
        deadline, got = time.monotonic() + 5, []
        while not got and time.monotonic() < deadline:
            got = [frame.seq for frame in stream.take(0.2) if frame.route == "log"]
    assert got == [1]
    assert f"ignoring a malformed event on room:{general}" in caplog.text
    hub.detach(stream)
    client.close()


def test_with_redis_down_a_stream_opens_at_once_and_gets_what_was_posted_once_it_is_back(make_app, alice, general,
                                                                                        tmp_path):
    from tests.live import private_redis

    require("TEST_REDIS_URL", "needs Redis")  # redis-server, run privately here so it can be killed
    with private_redis(tmp_path) as server:
        app = make_app(REDIS_URL=server.url, REALTIME_PREFIX="down:")
        hub = hub_of(app)
        first = Stream(alice.id, "alice", {general: 0})
        hub.attach(first)  # subscribed: the listener now reads, and notices the loss
        server.stop()
        deadline = time.monotonic() + 5
        while not hub.broker.down and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hub.broker.down
        second = Stream(alice.id, "alice", {general: 0})
        started = time.monotonic()
        hub.attach(second)
        assert time.monotonic() - started < 1  # not the 5 s wait for a confirmation
        post(app, general, alice.id, 1)  # stored; its publish fails
        server.start()
        for stream in (first, second):
            deadline, got = time.monotonic() + 10, []
            while not got and time.monotonic() < deadline:
                got = [(frame.route, frame.seq) for frame in stream.take(0.2) if frame.route == "log"]
            assert got == [("log", 1)]  # caught up from the database once Redis was back
        hub.detach(first), hub.detach(second)


def test_catching_up_reads_a_first_page_then_batches_with_no_gap_at_either_edge(app, alice, general, secret):
    import json

    from chat.realtime.reads import PREFETCH

    post(app, general, alice.id, PREFETCH)  # exactly one first page
    post(app, secret, alice.id, PREFETCH + 1)  # one more than it
    hub = hub_of(app)
    stream = Stream(alice.id, "alice", {general: 0, secret: 0})
    hub.attach(stream)
    body = b"".join(serve(hub, stream, [], retry_ms=3000, heartbeat=0.1, poll=True))
    seqs = {general: [], secret: []}
    for line in body.decode().splitlines():
        if line.startswith("data: ") and '"seq"' in line:
            data = json.loads(line[6:])
            seqs[data["room_id"]].append(data["seq"])
    assert seqs == {general: list(range(1, PREFETCH + 1)), secret: list(range(1, PREFETCH + 2))}
    assert stream.positions == {general: PREFETCH, secret: PREFETCH + 1}
