"""The catch-up: a client that was away resumes from its cursor and, applying
what it is sent in order, ends with exactly the room the server has."""
import json
import threading

import pytest

from tests import smoke, sse
from tests.conftest import edit, history, remove, say
from tests.sse import caught_up, log_entries


@pytest.fixture
def app_settings(broker_settings):
    return {"STREAM_HEARTBEAT": 0.5, **broker_settings}


@pytest.fixture
def live(serve, app):
    """The base URL of the app the `api` fixture calls, served over HTTP."""
    return serve(app)[1]


def apply(local, event):
    """Apply one event to a client's copy of the room ({seq: message})."""
    message = event["data"]["message"] if event["event"] in ("edit", "delete") else event["data"]
    local[message["seq"]] = message


def seq_of(event):
    return event["data"]["seq"]


def resume(base, who, cursor, how):
    if how == "header":
        return sse.Stream(base, who.token, last_event_id=cursor)
    return sse.Stream(base, who.token, query=f"?lastEventId={cursor}")


@pytest.mark.parametrize("how", ["header", "query"])
def test_a_client_that_resumes_after_edits_deletes_and_posts_ends_with_the_servers_room(
        live, api, alice, bob, general, how):
    stream = sse.Stream(live, alice.token)
    for who, body in ((bob, "one"), (bob, "two"), (alice, "three")):
        say(api, who, general, body)
    local = {}
    for event in log_entries(stream, 3):
        apply(local, event)
    cursor = stream.last_event_id
    stream.close()
    assert cursor == f"v1.{general}-3"

    edit(api, bob, general, 1, "one, edited")
    remove(api, bob, general, 2)
    say(api, bob, general, "four")

    resumed = resume(live, alice, cursor, how)
    missed = log_entries(resumed, 3)
    assert [(e["event"], seq_of(e), e["id"]) for e in missed] == \
        [("edit", 4, f"v1.{general}-4"), ("delete", 5, f"v1.{general}-5"), ("message", 6, f"v1.{general}-6")]
    for event in missed:
        apply(local, event)
    assert local == {m["seq"]: m for m in history(api, alice, general)}
    assert caught_up(resumed)
    resumed.close()


def test_every_log_entry_replays_once_in_seq_order_with_no_gap(live, api, alice, bob, general):
    say(api, bob, general, "one")
    say(api, alice, general, "two")
    edit(api, bob, general, 1, "one, edited")
    api.as_(alice).call("PATCH", f"/rooms/{general}", json={"name": "lobby"})
    remove(api, alice, general, 2)
    say(api, bob, general, "three")
    edit(api, bob, general, 6, "three, edited")
    stream = sse.Stream(live, alice.token, last_event_id=f"v1.{general}-0")
    events = log_entries(stream, 7)
    assert [(e["event"], seq_of(e)) for e in events] == [
        ("message", 1), ("message", 2), ("edit", 3), ("room", 4), ("delete", 5), ("message", 6), ("edit", 7)]
    assert [e["id"] for e in events] == [f"v1.{general}-{seq}" for seq in range(1, 8)]
    assert events[3]["data"]["event"] == {"action": "rename", "user": None, "name": "lobby", "previous": "general"}
    assert caught_up(stream) and stream.cursor == f"v1.{general}-7"
    stream.close()


def test_an_edit_made_twice_while_away_replays_the_final_body_for_both(live, api, alice, bob, general):
    say(api, bob, general, "draft")
    edit(api, bob, general, 1, "intermediate")
    edit(api, bob, general, 1, "final")
    stream = sse.Stream(live, alice.token, last_event_id=f"v1.{general}-1")
    edits = log_entries(stream, 2)
    assert [(e["event"], seq_of(e), e["data"]["message"]["body"]) for e in edits] == \
        [("edit", 2, "final"), ("edit", 3, "final")]
    assert all(b"intermediate" not in e["raw"] for e in edits)
    stream.close()


def test_an_open_stream_receives_edits_and_deletes_live_as_exact_sse_bytes(live, api, alice, bob, general):
    stream = sse.Stream(live, alice.token)
    say(api, bob, general, "hello")
    edited = edit(api, bob, general, 1, "hello, world").get_json()
    remove(api, alice, general, 1)
    posted, change, deletion = log_entries(stream, 3)
    assert (posted["event"], posted["data"]["body"]) == ("message", "hello")
    for event, seq, kind, actor in ((change, 2, "edit", bob), (deletion, 3, "delete", alice)):
        data = event["data"]
        assert event["raw"] == (f"id: v1.{general}-{seq}\nevent: {kind}\n"
                                f"data: {json.dumps(data, separators=(',', ':'))}\n\n").encode()
        assert {k: data[k] for k in ("room_id", "seq", "kind", "actor")} == \
            {"room_id": general, "seq": seq, "kind": kind, "actor": {"id": actor.id, "username": actor.username}}
        assert set(data) == {"room_id", "seq", "kind", "actor", "message", "created_at"}
    assert change["data"]["message"] == edited
    assert deletion["data"]["message"] == history(api, alice, general)[0]
    assert (deletion["data"]["message"]["body"], deletion["data"]["message"]["deleted"]) == ("", True)
    stream.close()


def without_id(event):
    """An event's bytes after its `id:` line: what a live event and its replay share."""
    head, _, rest = event["raw"].partition(b"\n")
    assert head.startswith(b"id: ")
    return rest


def test_every_kind_of_log_entry_replays_as_the_same_bytes_it_went_out_live_with(
        live, api, alice, bob, mallory, general):
    """Live and replayed entries are one definition: the bytes after the id line are
    the same, except a message changed since it went out, which replays as it
    now stands. Either way the resumed client ends where the one that stayed did."""
    stream = sse.Stream(live, alice.token)
    owner, room = api.as_(alice), f"/rooms/{general}"
    api.as_(mallory).post(f"/rooms/{general}/members", json={})  # room 1: "mallory joined"
    say(api, bob, general, "one")  # message 2
    owner.call("PATCH", room, json={"name": "lobby"})  # room 3
    owner.call("PATCH", room, json={"topic": "Launches"})  # room 4
    say(api, alice, general, "two, for @bob")  # message 5, deleted at 8
    say(api, bob, general, "three")  # message 6, edited at 7
    assert edit(api, bob, general, 6, "three, edited").status_code == 200  # edit 7
    assert remove(api, alice, general, 5).status_code == 204  # delete 8
    assert owner.delete(f"{room}/members/mallory").status_code == 204  # room 9
    assert owner.post(f"{room}/bans", json={"username": "mallory"}).status_code == 201  # room 10
    assert owner.delete(f"{room}/bans/mallory").status_code == 204  # room 11
    went_out = log_entries(stream, 11)
    stream.close()
    replayed = log_entries(sse.Stream(live, alice.token, last_event_id=f"v1.{general}-0"), 11)
    assert [(e["event"], seq_of(e)) for e in replayed] == [(e["event"], seq_of(e)) for e in went_out] == [
        ("room", 1), ("message", 2), ("room", 3), ("room", 4), ("message", 5), ("message", 6),
        ("edit", 7), ("delete", 8), ("room", 9), ("room", 10), ("room", 11)]
    changed = [seq_of(e) for e, twin in zip(went_out, replayed) if without_id(e) != without_id(twin)]
    assert changed == [5, 6]
    assert replayed[4]["data"] == went_out[7]["data"]["message"]  # message 5 as deleted
    assert replayed[5]["data"] == went_out[6]["data"]["message"]  # message 6 as edited
    stayed, resumed = {}, {}
    for event in went_out:
        apply(stayed, event)
    for event in replayed:
        apply(resumed, event)
    assert stayed == resumed == {m["seq"]: m for m in history(api, alice, general)}


def rebuilt(stream, count):
    """The room as a client rebuilds it from the stream's next `count` log entries,
    which must be seqs 1..count in order."""
    local, entries = {}, log_entries(stream, count, timeout=30)
    assert [seq_of(e) for e in entries] == list(range(1, count + 1))
    for event in entries:
        apply(local, event)
    assert caught_up(stream)
    stream.close()
    return local


def test_concurrent_posts_edits_and_deletes_make_one_gap_free_log_that_rebuilds_the_room_live_and_on_resume(
        live, api, alice, bob, general):
    for i in range(20):
        say(api, (alice, bob)[i % 2], general, f"m{i + 1}")
    watching = sse.Stream(live, alice.token, last_event_id=f"v1.{general}-0")
    clients = {who.username: smoke.Client(live, who.token) for who in (alice, bob)}
    path = f"/rooms/{general}/messages"
    work = {
        "alice edits": lambda i: clients["alice"].call("PATCH", f"{path}/{2 * (i % 10) + 1}", {"body": f"a{i}"}),
        "bob edits": lambda i: clients["bob"].call("PATCH", f"{path}/{2 * (i % 10) + 2}", {"body": f"b{i}"}),
        "alice deletes": lambda i: clients["alice"].call("DELETE", f"{path}/{i + 1}"),
        "bob posts": lambda i: clients["bob"].call("POST", path, {"body": f"p{i}"}),
    }
    statuses = []
    threads = [threading.Thread(target=lambda job=job: statuses.extend(job(i)[0] for i in range(15)))
               for job in work.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {200, 201, 204, 409}  # 409: an edit that lost the race to a delete
    last = api.as_(alice).get(f"/rooms/{general}").get_json()["last_seq"]
    server = {m["seq"]: m for m in history(api, alice, general)}
    assert rebuilt(watching, last) == server
    assert rebuilt(sse.Stream(live, alice.token, last_event_id=f"v1.{general}-0"), last) == server
