"""GET /api/v1/stream over real HTTP: one stream per tab, every room, exact resume."""
import json
import threading

import pytest

from chat.extensions import db
from chat.models import Message
from tests import sse


@pytest.fixture
def app_settings(broker_settings):
    return {"STREAM_HEARTBEAT": 0.5, **broker_settings}


@pytest.fixture
def live(serve, app):
    """(app, base URL): the same app the `api` fixture posts through, served over HTTP."""
    return serve(app)


def post(api, who, room, body, **extra):
    response = api.as_(who).post(f"/rooms/{room}/messages", json={"body": body, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_anonymous_stream_is_a_401_in_json_so_browsers_stop_retrying(live):
    _, base = live
    stream = sse.Stream(base, "not-a-token")
    assert stream.status == 401
    assert stream.response.getheader("Content-Type").startswith("application/json")
    stream.close()


def test_the_stream_starts_with_retry_and_sends_the_no_buffering_headers(live, alice, general):
    _, base = live
    stream = sse.Stream(base, alice.token)
    assert stream.status == 200
    assert stream.response.getheader("Content-Type").startswith("text/event-stream")
    assert stream.response.getheader("Cache-Control") == "no-cache"
    assert stream.response.getheader("X-Accel-Buffering") == "no"
    stream.take(1, kind="presence")  # alice comes online in general
    assert stream.retry == 3000
    stream.close()


def test_a_posted_message_arrives_as_exact_sse_bytes(live, api, alice, general):
    app, base = live
    stream = sse.Stream(base, alice.token)
    post(api, alice, general, "two\nlines")
    with app.app_context():
        data = json.dumps(Message.at(general, 1).to_json(), separators=(",", ":"))
    raw = stream.take(1, kind="message")[0]["raw"]
    assert raw == f"id: v1.{general}-1\nevent: message\ndata: {data}\n\n".encode()
    assert '"body":"two\\nlines"' in data
    stream.close()


def test_one_stream_carries_every_room_interleaved(live, api, alice, bob, general, secret):
    _, base = live
    third = api.as_(alice).post("/rooms", json={"name": "third"}).get_json()["id"]
    stream = sse.Stream(base, alice.token)
    order = [general, secret, third, general, third, secret, general]
    for i, room in enumerate(order):
        post(api, alice, room, f"m{i}")
    events = stream.take(len(order), kind="message")
    assert [(e["data"]["room_id"], e["data"]["body"]) for e in events] == [(r, f"m{i}") for i, r in enumerate(order)]
    assert [e["data"]["seq"] for e in events] == [1, 1, 1, 2, 2, 2, 3]
    assert events[-1]["id"] == f"v1.{general}-3.{secret}-2.{third}-2"
    stream.close()


def test_joining_mid_stream_starts_a_rooms_events_and_leaving_stops_them(live, api, alice, mallory, general):
    _, base = live
    stream = sse.Stream(base, mallory.token)
    post(api, alice, general, "before mallory joined")
    assert stream.quiet(0.5)
    api.as_(mallory).post(f"/rooms/{general}/members", json={})
    joined = stream.take(1, kind="join")[0]
    assert joined["data"]["room_id"] == general and joined["data"]["room"]["name"] == "general"
    post(api, alice, general, "welcome")
    assert stream.take(1, kind="message")[0]["data"]["body"] == "welcome"
    api.as_(mallory).delete(f"/rooms/{general}/members/me")
    assert stream.take(1, kind="leave")[0]["data"]["room_id"] == general
    post(api, alice, general, "after mallory left")
    assert stream.quiet(0.7)
    stream.close()


def test_a_private_rooms_events_never_reach_an_outsiders_stream_even_on_replay(live, api, alice, mallory, secret):
    _, base = live
    stream = sse.Stream(base, mallory.token)
    post(api, alice, secret, "psst")
    api.as_(alice).post(f"/rooms/{secret}/typing")
    assert stream.quiet(0.7, kind=None)
    stream.close()
    forged = sse.Stream(base, mallory.token, last_event_id=f"v1.{secret}-0")
    reset = forged.take(1)[0]
    assert (reset["event"], reset["data"]["room_ids"]) == ("reset", [secret])
    assert forged.quiet(0.7, kind="message")
    forged.close()


@pytest.mark.parametrize("how", ["header", "query"])
def test_a_resumed_stream_gets_exactly_what_it_missed_in_every_room(live, api, alice, bob, general, secret, how):
    _, base = live
    stream = sse.Stream(base, alice.token)
    post(api, alice, general, "seen")
    last = stream.take(1, kind="message")[0]["id"]
    stream.close()
    missed = [(general if i % 3 else secret, f"missed {i}") for i in range(500)]
    for room, body in missed:
        post(api, alice, room, body)
    if how == "header":
        resumed = sse.Stream(base, alice.token, last_event_id=last)
    else:
        resumed = sse.Stream(base, alice.token, query=f"?lastEventId={last}")
    events = resumed.take(500, kind="message", timeout=30)
    by_room = {room: [e["data"]["body"] for e in events if e["data"]["room_id"] == room] for room in (general, secret)}
    assert by_room == {room: [body for r, body in missed if r == room] for room in (general, secret)}
    assert [e["data"]["seq"] for e in events if e["data"]["room_id"] == general] == list(range(2, 2 + len(by_room[general])))
    assert resumed.quiet(0.5)
    resumed.close()


def test_a_first_connection_with_the_pages_cursor_has_no_gap(live, api, alice, general):
    _, base = live
    for i in range(3):
        post(api, alice, general, f"rendered {i}")
    post(api, alice, general, "after render")
    stream = sse.Stream(base, alice.token, query=f"?cursor=v1.{general}-3")
    assert [e["data"]["body"] for e in stream.take(1, kind="message")] == ["after render"]
    stream.close()


def test_typing_reaches_the_room_and_is_not_stored(live, api, alice, bob, general):
    _, base = live
    stream = sse.Stream(base, bob.token)
    assert api.as_(alice).post(f"/rooms/{general}/typing").status_code == 204
    typing = stream.take(1, kind="typing")[0]
    assert typing["data"] == {"room_id": general, "user": {"id": alice.id, "username": "alice"}}
    assert api.as_(alice).get(f"/rooms/{general}").get_json()["last_seq"] == 0
    stream.close()


def test_presence_follows_open_streams(live, api, alice, bob, general):
    _, base = live
    watcher = sse.Stream(base, alice.token)
    watcher.take(1, kind="presence")  # alice herself comes online
    bobs = sse.Stream(base, bob.token)
    online = watcher.take(1, kind="presence")[0]["data"]
    assert online == {"room_id": general, "online": [{"id": alice.id, "username": "alice"},
                                                     {"id": bob.id, "username": "bob"}]}
    assert [u["username"] for u in api.as_(alice).get(f"/rooms/{general}").get_json()["online"]] == ["alice", "bob"]
    bobs.close()
    assert watcher.take(1, kind="presence", timeout=5)[0]["data"]["online"] == [{"id": alice.id, "username": "alice"}]
    watcher.close()


def test_reading_moves_the_marker_and_every_tab_hears_the_unread_count(live, api, alice, bob, general):
    _, base = live
    for i in range(5):
        post(api, alice, general, f"m{i}")
    other_tab = sse.Stream(base, bob.token)
    rooms = {r["id"]: r for r in api.as_(bob).get("/rooms").get_json()["rooms"]}
    assert rooms[general]["unread"] == 5
    response = api.as_(bob).post(f"/rooms/{general}/read", json={"seq": 3})
    assert response.get_json() == {"room_id": general, "last_read_seq": 3, "unread": 2, "mentions": 0}
    assert other_tab.take(1, kind="read")[0]["data"] == {"room_id": general, "last_read_seq": 3, "unread": 2, "mentions": 0}
    api.as_(bob).post(f"/rooms/{general}/read", json={"seq": 1})  # never backwards
    api.as_(bob).post(f"/rooms/{general}/read", json={"seq": 99})  # never past the end
    assert api.as_(bob).get(f"/rooms/{general}").get_json()["unread"] == 0
    other_tab.close()


def test_my_own_messages_are_never_unread(api, alice, general):
    post(api, alice, general, "mine")
    assert api.as_(alice).get(f"/rooms/{general}").get_json()["unread"] == 0


def test_open_streams_hold_no_database_connection(live, api, alice, bob, general):
    app, base = live
    post(api, alice, general, "replayed")
    streams = [sse.Stream(base, who.token, query=f"?cursor=v1.{general}-0") for who in (alice, bob) * 5]
    post(api, bob, general, "live")
    for stream in streams:
        assert [e["data"]["body"] for e in stream.take(2, kind="message")] == ["replayed", "live"]
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
    for stream in streams:
        stream.close()


def test_concurrent_posters_reach_every_subscriber_in_seq_order_with_none_missing(live, api, alice, bob, general, secret):
    _, base = live
    api.as_(alice).post(f"/rooms/{secret}/members", json={"username": "bob"})
    subscribers = [sse.Stream(base, who.token) for who in (alice, bob, bob)]
    writers, each = 20, 10

    def write(n):
        for i in range(each):
            post(api, (alice, bob)[n % 2], (general, secret)[i % 2], f"w{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = writers * each
    for stream in subscribers:
        events = stream.take(total, kind="message", timeout=30)
        for room, first in ((general, 1), (secret, 2)):  # secret's log opens with "alice added bob"
            assert [e["data"]["seq"] for e in events if e["data"]["room_id"] == room] == list(range(first, first + total // 2))
        stream.close()


def test_a_logged_in_browser_streams_with_its_session_cookie(live, api, auth, client, alice, general):
    _, base = live
    auth.login("alice")
    stream = sse.Stream(base, cookie=f"chat_session={client.get_cookie('chat_session').value}")
    assert stream.status == 200
    post(api, alice, general, "hello browser")
    assert stream.take(1, kind="message")[0]["data"]["body"] == "hello browser"
    stream.close()


def test_typing_and_reset_events_are_exact_bytes_too(live, api, alice, bob, general):
    _, base = live
    stream = sse.Stream(base, bob.token, last_event_id="not-a-cursor")
    reset = stream.take(1, kind="reset")[0]["raw"]
    assert reset == f'id: v1.{general}-0\nevent: reset\ndata: {{"reason":"malformed_cursor","room_ids":[{general}]}}\n\n'.encode()
    api.as_(alice).post(f"/rooms/{general}/typing")
    typing = stream.take(1, kind="typing")[0]["raw"]
    assert typing == (f'id: v1.{general}-0\nevent: typing\n'
                      f'data: {{"room_id":{general},"user":{{"id":{alice.id},"username":"alice"}}}}\n\n').encode()
    stream.close()


def test_the_first_frame_hands_a_new_client_its_cursor_so_an_early_drop_loses_nothing(live, api, alice, bob, general):
    _, base = live
    stream = sse.Stream(base, alice.token)
    stream.take(1, kind="presence")
    assert stream.cursor == f"v1.{general}-0"
    stream.close()
    post(api, bob, general, "while alice was away")
    again = sse.Stream(base, alice.token, last_event_id=f"v1.{general}-0")
    assert [e["data"]["body"] for e in again.take(1, kind="message")] == ["while alice was away"]
    again.close()


def test_a_long_poll_answers_at_once_with_what_is_pending_and_ends(live, api, alice, bob, general):
    _, base = live
    post(api, bob, general, "one")
    post(api, bob, general, "two")
    poll = sse.Stream(base, alice.token, query="?poll=1", last_event_id=f"v1.{general}-0")
    assert [e["data"]["body"] for e in poll.take(2, kind="message")] == ["one", "two"]
    with pytest.raises(EOFError):
        poll.take(1)
    assert poll.cursor == f"v1.{general}-2"
    poll.close()


def test_a_chain_of_long_polls_gets_every_message_once_in_order(live, api, alice, bob, general):
    _, base = live
    cursor, bodies = f"v1.{general}-0", []
    writer = threading.Thread(target=lambda: [post(api, bob, general, f"m{i}") for i in range(20)])
    writer.start()
    while len(bodies) < 20:
        poll = sse.Stream(base, alice.token, query="?poll=1", last_event_id=cursor)
        try:
            while True:
                event = poll.next(timeout=3)
                if event["event"] == "message":
                    bodies.append(event["data"]["body"])
        except EOFError:
            pass
        cursor = poll.cursor
        poll.close()
    writer.join()
    assert bodies == [f"m{i}" for i in range(20)]


def test_marking_read_where_the_marker_already_is_announces_nothing(live, api, alice, bob, general):
    _, base = live
    post(api, bob, general, "one")
    assert api.as_(alice).post(f"/rooms/{general}/read", json={"seq": 1}).status_code == 200
    stream = sse.Stream(base, alice.token)
    again = api.as_(alice).post(f"/rooms/{general}/read", json={"seq": 1})
    assert again.get_json() == {"room_id": general, "last_read_seq": 1, "unread": 0, "mentions": 0}
    assert stream.quiet(0.7, kind="read")
    stream.close()


def test_a_stopping_worker_sends_new_streams_elsewhere_with_a_503(app, api, alice, general):
    app.extensions["realtime"].draining = True
    response = api.as_(alice).get("/stream")
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.get_json()["error"]["code"] == "shutting_down"
