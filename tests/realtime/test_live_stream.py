"""Live delivery as production runs it: gunicorn gevent workers joined by Redis,
through worker crashes, Redis restarts and slow queries."""
import http.client
import os
import signal
import threading
import time

import psycopg
import pytest

from tests import smoke, sse
from tests.conftest import require
from tests.live import last_seq, private_redis, redis_settings, room_with, serving

pytestmark = pytest.mark.live


def seqs_by_room(events, rooms):
    return {room: [e["data"]["seq"] for e in events if e["data"]["room_id"] == room] for room in rooms}


def streams_on_two_workers(base, people):
    """One stream per person, each held by a different worker process."""
    streams, workers = [], set()
    for who in people:
        for _ in range(40):
            stream = sse.Stream(base, who.token)
            if stream.served_by not in workers:
                workers.add(stream.served_by)
                streams.append(stream)
                break
            stream.close()
    assert len(workers) == len(people), "could not land streams on distinct workers"
    return streams


def test_two_clients_on_different_workers_see_each_others_messages_live(empty_database, tmp_path):
    with serving(empty_database, tmp_path, workers=2, **redis_settings(require("TEST_REDIS_URL", "needs Redis"))) as server:
        alice, bob = smoke.sign_up(server.base, "alice"), smoke.sign_up(server.base, "bob")
        lobby = room_with(server.base, alice, [bob], "lobby")
        annex = room_with(server.base, bob, [alice], "annex")
        alices, bobs = streams_on_two_workers(server.base, [alice, bob])
        assert alices.served_by != bobs.served_by
        alice.call("POST", f"/rooms/{lobby}/messages", {"body": "from alice's side"})
        bob.call("POST", f"/rooms/{annex}/messages", {"body": "from bob's side"})
        assert {e["data"]["body"] for e in bobs.take(2, kind="message")} == {"from alice's side", "from bob's side"}
        assert {e["data"]["body"] for e in alices.take(2, kind="message")} == {"from alice's side", "from bob's side"}
        alices.close(), bobs.close()


def test_resuming_after_a_thousand_missed_messages_in_five_rooms_delivers_exactly_those(empty_database, tmp_path):
    with serving(empty_database, tmp_path, workers=2, **redis_settings(require("TEST_REDIS_URL", "needs Redis"))) as server:
        alice = smoke.sign_up(server.base, "alice")
        rooms = [room_with(server.base, alice, [], f"room {i}") for i in range(5)]
        stream = sse.Stream(server.base, alice.token)
        alice.call("POST", f"/rooms/{rooms[0]}/messages", {"body": "seen"})
        last = stream.take(1, kind="message")[0]["id"]
        stream.close()
        for i in range(1000):
            assert alice.call("POST", f"/rooms/{rooms[i % 5]}/messages", {"body": f"missed {i}"})[0] == 201
        resumed = sse.Stream(server.base, alice.token, last_event_id=last)
        events = resumed.take(1000, kind="message", timeout=60)
        assert [e["data"]["body"] for e in events if e["data"]["room_id"] == rooms[1]] == \
            [f"missed {i}" for i in range(1000) if i % 5 == 1]
        assert seqs_by_room(events, rooms) == {room: list(range(2 if room == rooms[0] else 1, 201 + (room == rooms[0])))
                                               for room in rooms}
        assert resumed.quiet(1.0)
        resumed.close()


def test_restarting_redis_mid_run_loses_no_message_on_any_of_fifty_streams(empty_database, tmp_path):
    require("TEST_REDIS_URL", "needs Redis")
    with private_redis(tmp_path) as redis, \
            serving(empty_database, tmp_path, workers=2, **redis_settings(redis.url)) as server:
        people = [smoke.sign_up(server.base, f"user{i}") for i in range(10)]
        rooms = [room_with(server.base, people[0], people[1:], name) for name in ("north", "south")]
        joined = last_seq(people[0], rooms[0])  # the nine "joined" lines come first
        streams = [sse.Stream(server.base, who.token) for who in people for _ in range(5)]
        total, posted = 120, []

        def post_steadily():
            for i in range(total):
                status, _ = people[i % 10].call("POST", f"/rooms/{rooms[i % 2]}/messages", {"body": f"m{i}"})
                posted.append(status)
                time.sleep(0.02)

        poster = threading.Thread(target=post_steadily)
        poster.start()
        time.sleep(0.6)
        redis.stop()  # killed, not shut down: pub/sub and presence vanish mid-run
        time.sleep(1.0)
        redis.start()
        poster.join()
        assert posted == [201] * total
        for stream in streams:
            events = stream.take(total, kind="message", timeout=30)
            assert seqs_by_room(events, rooms) == {room: list(range(joined + 1, joined + total // 2 + 1)) for room in rooms}
            stream.close()


def test_a_killed_worker_costs_its_streams_a_reconnect_and_nothing_else(empty_database, tmp_path):
    with serving(empty_database, tmp_path, workers=2, **redis_settings(require("TEST_REDIS_URL", "needs Redis"))) as server:
        people = [smoke.sign_up(server.base, f"user{i}") for i in range(4)]
        room = room_with(server.base, people[0], people[1:], "lobby")
        joined = last_seq(people[0], room)
        clients = [(who, sse.Stream(server.base, who.token)) for who in people for _ in range(5)]
        victim = int(clients[0][1].served_by.rsplit(":", 1)[1])
        received = {id(stream): [] for _, stream in clients}
        for i in range(20):
            people[i % 4].call("POST", f"/rooms/{room}/messages", {"body": f"before {i}"})
        os.kill(victim, signal.SIGKILL)
        for i in range(20):
            people[i % 4].call("POST", f"/rooms/{room}/messages", {"body": f"after {i}"})
        for who, stream in clients:
            events, current = received[id(stream)], stream
            while len(events) < 40:
                try:
                    events.append(current.take(1, kind="message", timeout=15)[0])
                except EOFError:  # its worker died: reconnect as a browser would
                    assert current.served_by.endswith(f":{victim}")
                    current.close()
                    current = sse.Stream(server.base, who.token, last_event_id=current.last_event_id)
            assert [e["data"]["seq"] for e in events] == list(range(joined + 1, joined + 41))
            current.close()


def test_a_slow_query_in_one_request_does_not_stall_heartbeats_on_the_others(tmp_path, postgres):
    """A post stuck behind a row lock waits cooperatively: the worker keeps serving."""
    from tests.conftest import scratch_database

    with scratch_database("chat_slow") as database, \
            serving(database, tmp_path, workers=1, STREAM_HEARTBEAT="0.3") as server:
        alice = smoke.sign_up(server.base, "alice")
        room = room_with(server.base, alice, [], "lobby")
        streams = [sse.Stream(server.base, alice.token) for _ in range(3)]
        with psycopg.connect(database.replace("+psycopg", "")) as blocker:
            blocker.execute("SELECT * FROM rooms WHERE id = %s FOR UPDATE", (room,))
            result = []
            stuck = threading.Thread(target=lambda: result.append(
                alice.call("POST", f"/rooms/{room}/messages", {"body": "stuck"})[0]))
            stuck.start()
            time.sleep(0.3)
            before = [stream.comments for stream in streams]
            time.sleep(1.5)
            assert not result, "the post should still be waiting for the lock"
            assert all(stream.comments - seen >= 3 for stream, seen in zip(streams, before))
            blocker.rollback()
        stuck.join(timeout=10)
        assert result == [201]
        for stream in streams:
            assert stream.take(1, kind="message")[0]["data"]["body"] == "stuck"
            stream.close()


def test_a_closed_tab_goes_offline_at_once_not_at_the_next_heartbeat(tmp_path):
    """The worker watches each stream's socket: a client that hangs up is let go
    (and drops out of presence) long before the 60 s heartbeat would notice."""
    database = f"sqlite:///{tmp_path / 'hangup.sqlite3'}"
    with serving(database, tmp_path, STREAM_HEARTBEAT="60", PRESENCE_GRACE="0.2") as server:
        alice, bob = smoke.sign_up(server.base, "alice"), smoke.sign_up(server.base, "bob")
        lobby = room_with(server.base, alice, [bob], "lobby")
        watcher = sse.Stream(server.base, alice.token, timeout=60)
        bobs = sse.Stream(server.base, bob.token, timeout=60)

        def online_within(seconds, expected):
            deadline = time.monotonic() + seconds
            while True:
                names = [u["username"] for u in alice.call("GET", f"/rooms/{lobby}")[1]["online"]]
                if names == expected or time.monotonic() > deadline:
                    return names
                time.sleep(0.1)

        assert online_within(5, ["alice", "bob"]) == ["alice", "bob"]
        bobs.close()
        assert online_within(5, ["alice"]) == ["alice"]  # the heartbeat is 60 s away
        lists = []
        while not lists or lists[-1] != ["alice"]:
            lists.append([u["username"] for u in watcher.take(1, kind="presence", timeout=5)[0]["data"]["online"]])
        assert ["alice", "bob"] in lists  # announced both ways, live
        watcher.close()


def test_a_client_that_stops_reading_still_gets_every_message_once_in_order(tmp_path):
    """Megabytes sent while a client reads nothing overflow its socket buffers, so
    frames the hub writes straight to the socket are finished by the stream's own
    greenlet: the client still reads each message once, in seq order."""
    import json
    import socket

    database = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    with serving(database, tmp_path, STREAM_QUEUE_LIMIT="5000") as server:
        alice, bob = smoke.sign_up(server.base, "alice"), smoke.sign_up(server.base, "bob")
        lobby = room_with(server.base, alice, [bob], "lobby")
        joined = last_seq(alice, lobby)  # "bob joined"
        connection = http.client.HTTPConnection("127.0.0.1", int(server.base.rsplit(":", 1)[1]), timeout=60)
        connection.sock = socket.socket()
        connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, no autotuning
        connection.sock.connect(("127.0.0.1", connection.port))
        connection.request("GET", "/api/v1/stream", headers={"Authorization": f"Bearer {alice.token}"})
        response = connection.getresponse()
        assert response.status == 200
        body = "x" * 3900
        for i in range(1, 1201):  # about 5 MB of events, none of them read yet
            assert bob.call("POST", f"/rooms/{lobby}/messages", {"body": f"{i} {body}"})[0] == 201
        seqs, event = [], None
        while len(seqs) < 1200:
            line = response.readline().decode()
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "message":
                data = json.loads(line[6:])
                assert data["body"] == f"{data['seq'] - joined} {body}"
                seqs.append(data["seq"])
        assert seqs == list(range(joined + 1, joined + 1201))
        connection.close()
