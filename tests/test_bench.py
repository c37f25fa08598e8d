"""The benchmark's own checks: a load client that counted wrong would make
S5's "zero loss" worthless, so its parsing is tested on known frames."""
import asyncio
import threading
from types import SimpleNamespace

from bench.__main__ import mistakes
from bench.client import StreamConnection, positions


def message(room, seq, sent=None):
    body = f"t={sent} bench" if sent is not None else "hello"
    return (f'id: v1.{room}-{seq}\nevent: message\ndata: {{"id":{seq},"room_id":{room},"seq":{seq},"kind":"message",'
            f'"author":{{"id":1,"username":"bench-0"}},"body":"{body}","client_id":null}}\n\n').encode()


def fed(*chunks):
    """A stream connection that has read `chunks` (HTTP head included). On a
    thread of its own: the browser tests' Playwright keeps a loop running here."""
    async def feed():
        client = SimpleNamespace(latencies=[], errors={})
        stream = StreamConnection(client, "token")
        for chunk in chunks:
            stream.data_received(chunk)
        return stream, client

    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(feed())))
    thread.start()
    thread.join()
    return result[0]


HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"


def test_a_cursor_reads_as_positions_by_room():
    assert positions("v1.3-10.12-0") == {3: 10, 12: 0}
    assert positions("v1") == {}


def test_the_client_counts_a_gap_and_a_repeat_as_out_of_turn_and_keeps_the_last_id():
    opening = b"1D\r\nid: v1.7-0.8-5\nretry: 3000\n\n\r\n"
    stream, client = fed(HEAD + opening, message(7, 1, sent=100), message(7, 3), message(7, 3), message(8, 6))
    assert stream.opened.done()
    assert stream.seen == {7: 3, 8: 6}
    assert (stream.received, stream.anomalies) == (4, 2)  # 1 -> 3 skips 2; 3 again repeats
    assert stream.last_id == "v1.8-6"
    assert len(client.latencies) == 1  # only the body that carried a send time


def test_an_event_split_across_reads_is_counted_once_when_it_completes():
    opening = b"id: v1.7-0\nretry: 3000\n\n"
    whole = message(7, 1)
    stream, _ = fed(HEAD + opening + whole[:30], whole[30:])
    assert (stream.received, stream.anomalies, stream.seen) == (1, 0, {7: 1})


def test_a_refused_stream_is_an_error_not_an_open_stream():
    stream, client = fed(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
    assert client.errors == {"HTTP/1.1 503 Service Unavailable": 1}
    assert isinstance(stream.opened.exception(), ConnectionError)


def test_lost_or_reordered_messages_fail_a_run_and_slow_figures_do_not():
    slow = {"S5": {"figures": {"zero_loss": True, "missing": 0, "out_of_turn": 0, "p95_ms": 30000.0,
                               "received_messages": 10, "expected_messages": 10}},
            "S4": {"figures": {"steps": [{"p99_ms": 900.0, "out_of_turn": 0}]}}}
    assert mistakes(slow) == []
    lost = {"S5": {"figures": {"zero_loss": False, "missing": 3, "out_of_turn": 0,
                               "received_messages": 7, "expected_messages": 10}},
            "S2b": {"figures": {"out_of_turn": 1, "post_failures": {"500": 2}}},
            "S1c": {"figures": {"failed": 4, "errors": {"ConnectionResetError": 4}}},
            "S4b": {"figures": {"steps": [{"p99_ms": 20.0, "out_of_turn": 2}]}}}
    assert mistakes(lost) == [
        "S1c: 4 streams failed to open ({'ConnectionResetError': 4})",
        "S2b: messages arrived with a gap or a repeat in their room's seqs",
        "S2b: posts failed: {'500': 2}",
        "S4b: messages arrived with a gap or a repeat in their room's seqs",
        "S5: 3 messages lost, 0 out of turn, 7 received of 10"]


def test_a_stream_that_never_opened_has_not_got_in():
    stream, _ = fed(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
    opened, _ = fed(HEAD + b"id: v1.7-0\nretry: 3000\n\n")
    assert (stream.got_in, opened.got_in) == (False, True)


def test_the_clients_pattern_reads_a_message_event_exactly_as_the_server_encodes_it(app, alice, general):
    from bench.client import MESSAGE
    from chat.extensions import db
    from chat.models import Room, User
    from chat.models.reads import Reads

    with app.app_context():
        room = db.session.get(Room, general)
        room.post(db.session.get(User, alice.id), "t=123456789 bench")
        room.change(db.session.get(User, alice.id), topic="not a message")
        frames = b"".join(frame.body for frame in Reads().log(general, 0))
    assert [match.groups() for match in MESSAGE.finditer(frames)] == [(b"%d" % general, b"1", b"123456789")]
