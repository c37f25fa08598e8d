"""Opening a stream: its rooms' seqs are read once, and read again after the
attach only where the hub cannot vouch that nothing fell between the two."""
import json
import threading
import time

import pytest
from sqlalchemy import event

from chat.extensions import db
from chat.realtime.stream import Stream
from tests.realtime.test_hub import hub_of, post
from tests.sse import log_entries


@pytest.fixture
def app_settings(broker_settings):
    return {"STREAM_HEARTBEAT": 0.5, **broker_settings}


def seq_reads(app):
    """The statements that read rooms' latest seqs, as they run."""
    seen = []
    with app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        if "last_seq" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    return seen


def open_poll(client, who):
    """The seqs of the messages in one long-poll answer of GET /api/v1/stream as `who`."""
    return message_seqs(client.get("/api/v1/stream?poll=1", headers={"Authorization": f"Bearer {who.token}"}))


def message_seqs(response):
    assert response.status_code == 200
    entries, name = [], None
    for line in response.get_data(as_text=True).splitlines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name == "message":
            entries.append(json.loads(line[6:])["seq"])
        elif not line:
            name = None
    return entries


def test_opening_a_stream_in_a_room_the_hub_already_hears_reads_its_seq_once(serve, app, alice, bob, general):
    from tests import sse
    _, base = serve(app)
    watching = sse.Stream(base, alice.token)  # the hub now hears the room
    assert watching.status == 200
    seen = seq_reads(app)
    opened = sse.Stream(base, bob.token)
    assert opened.status == 200
    assert len(seen) == 1, seen  # the memberships with their seqs; no second read after the attach
    post(app, general, alice.id, 1)
    assert [entry["data"]["seq"] for entry in log_entries(opened, 1)] == [1]
    watching.close(), opened.close()


def posting_after_the_read(monkeypatch, app, general, author, watcher=None):
    """Post one message in `general` just after a stream open has read its
    positions, before it attaches: the window the second read exists for. With
    a `watcher` attached, wait until the hub has fanned it out to them."""
    hub = hub_of(app)
    read = hub.reads.positions

    def then_post(user_ids):
        found = read(user_ids)
        monkeypatch.setattr(hub.reads, "positions", read)
        post(app, general, author.id, 1)
        if watcher is not None:
            deadline = time.monotonic() + 5
            while hub.last.get(general) != 1 and time.monotonic() < deadline:
                watcher.take(0.05)
            assert hub.last.get(general) == 1
        return found
    monkeypatch.setattr(hub.reads, "positions", then_post)


def test_a_message_the_hub_fanned_out_between_the_read_and_the_attach_is_sent_from_the_database(
        monkeypatch, app, client, alice, bob, general):
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)
    posting_after_the_read(monkeypatch, app, general, alice, watcher)
    assert open_poll(client, bob) == [1]
    hub.detach(watcher)


def test_a_message_posted_between_the_read_and_the_attach_in_a_room_nobody_here_hears_is_sent(
        monkeypatch, app, client, alice, bob, general):
    posting_after_the_read(monkeypatch, app, general, alice)
    assert open_poll(client, bob) == [1]


@pytest.mark.parametrize("how", ["header", "query"])
def test_a_resume_in_a_room_the_hub_hears_gets_what_it_missed_before_the_hub_began_hearing(
        app, client, alice, bob, general, how):
    """Missed while the room had no stream here: the hub's `last` knows nothing of it."""
    post(app, general, alice.id, 3)
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 3})
    hub.attach(watcher)  # the room is heard from now on, with nothing fanned out yet
    cursor = f"v1.{general}-1"
    query, headers = ("", {"Last-Event-ID": cursor}) if how == "header" else (f"&lastEventId={cursor}", {})
    response = client.get("/api/v1/stream?poll=1" + query,
                          headers={"Authorization": f"Bearer {bob.token}", **headers})
    assert message_seqs(response) == [2, 3]
    hub.detach(watcher)


def test_a_fan_out_under_way_as_the_stream_attaches_is_waited_for_before_deciding(app, alice, bob, general):
    """A frame whose fan-out took its list of streams just before the attach has
    not reached the new stream, and `last` moves only when that fan-out ends."""
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)
    since = time.monotonic()
    order = hub.order.setdefault(general, threading.Lock())
    order.acquire()  # seq 1 is being fanned out, to the watcher alone
    stream = Stream(bob.id, "bob", {general: 0})
    hub.attach(stream)

    def fan_out_ends():
        time.sleep(0.2)
        hub.last[general] = 1
        order.release()
    threading.Thread(target=fan_out_ends).start()
    assert hub.unheard(stream.positions, {general: 0}, since) == {general: 0}
    hub.detach(stream), hub.detach(watcher)


def test_a_room_routed_here_only_after_the_read_is_not_vouched_for(app, alice, bob, general):
    hub = hub_of(app)
    since = time.monotonic()
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)
    stream = Stream(bob.id, "bob", {general: 0})
    hub.attach(stream)
    assert hub.unheard(stream.positions, {general: 0}, since) == {general: 0}
    assert hub.unheard(stream.positions, {general: 0}, time.monotonic()) == {}
    hub.detach(stream), hub.detach(watcher)


def changing_after_the_read(monkeypatch, app, user, change):
    """Run `change()` just after a stream open of `user` has read their rooms,
    before it attaches, and wait until this process's hub has heard of it: the
    event reached the hub before the stream was there to get it."""
    hub = hub_of(app)
    read = hub.reads.positions

    def then_change(user_ids):
        found = read(user_ids)
        monkeypatch.setattr(hub.reads, "positions", read)
        with app.app_context():
            change()
        deadline = time.monotonic() + 5
        while user.id not in hub.changed and time.monotonic() < deadline:
            time.sleep(0.02)
        assert user.id in hub.changed
        return found
    monkeypatch.setattr(hub.reads, "positions", then_change)


def membership_events(stream, count):
    """The next `count` join and leave events of an open sse.Stream, as (name, room id)."""
    found = []
    while len(found) < count:
        event = stream.next(10)
        if event["event"] in ("join", "leave"):
            found.append((event["event"], event["data"]["room_id"]))
    return found


def opened_after(monkeypatch, serve, app, user, change):
    """A live stream of `user`, whose open ran `change()` between its read and its attach."""
    from tests import sse
    changing_after_the_read(monkeypatch, app, user, change)
    _, base = serve(app)
    opened = sse.Stream(base, user.token)
    assert opened.status == 200
    return opened


def test_a_room_joined_between_the_read_and_the_attach_is_carried_by_the_stream(
        monkeypatch, serve, app, alice, bob, general):
    from chat.models import Room, User
    with app.app_context():
        lounge = Room.create(db.session.get(User, alice.id), "lounge", "Public").id

    def bob_joins():
        db.session.get(Room, lounge).join(db.session.get(User, bob.id))
    opened = opened_after(monkeypatch, serve, app, bob, bob_joins)
    assert membership_events(opened, 1) == [("join", lounge)]
    post(app, lounge, alice.id, 1)
    assert [(entry["event"], entry["data"]["room_id"]) for entry in log_entries(opened, 1)][-1] == ("message", lounge)
    opened.close()


def test_a_room_left_between_the_read_and_the_attach_is_dropped_by_the_stream(
        monkeypatch, serve, app, alice, bob, general):
    from chat.models import Membership

    def bob_leaves():
        Membership.of(general, bob.id).leave()
    opened = opened_after(monkeypatch, serve, app, bob, bob_leaves)
    assert membership_events(opened, 1) == [("leave", general)]
    post(app, general, alice.id, 1)
    assert opened.quiet(1.0)
    opened.close()


def test_an_open_with_no_change_in_between_is_not_checked_again_unless_slower_than_the_hubs_memory(
        app, alice, bob, general):
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)  # the hub is started, and hears every user's channel
    since = time.monotonic()
    assert hub.unchanged_since(bob.id, since)
    hub.changes_kept_after = time.monotonic()  # what changed before now has been forgotten
    assert not hub.unchanged_since(bob.id, since)
    hub.detach(watcher)


def test_an_open_is_checked_again_only_for_its_own_user_s_changes(app, alice, bob, general):
    hub = hub_of(app)
    watcher = Stream(alice.id, "alice", {general: 0})
    hub.attach(watcher)
    since = time.monotonic()
    with hub.lock:
        hub.note_change(alice.id)
    assert hub.unchanged_since(bob.id, since)
    assert not hub.unchanged_since(alice.id, since)
    hub.detach(watcher)


def test_on_postgresql_a_stream_open_reads_outside_any_transaction(app, client, alice, general):
    """Its login, rooms and seqs are each one round trip in autocommit: no BEGIN
    before them, no ROLLBACK after (chat.database.standalone). SQLite's reads cost
    no round trip, and there they use the session's connection."""
    with app.app_context():
        engine = db.engine
    autocommit = []

    def note(conn, cursor, statement, parameters, context, executemany):
        autocommit.append(getattr(conn.connection.dbapi_connection, "autocommit", "sqlite"))
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert open_poll(client, alice) == []
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(autocommit) >= 2  # the login, then the rooms with their seqs
    assert set(autocommit) == ({True} if engine.dialect.name == "postgresql" else {"sqlite"})
