"""static/js/eventsource.js, our EventSource polyfill, in real Chromium: losing
the connection and coming back. Reconnecting after retry ms with the last event
id, backing off, failing for good, the heartbeat, close(), and resuming.
"""
import threading
from urllib.parse import quote

import pytest

from tests.browser.steps import HANG, Reply, gaps


# --- Reconnecting ---------------------------------------------------------------------


def test_after_the_stream_ends_it_reconnects_after_retry_ms_with_last_event_id_in_the_query(tab, server):
    server.script(Reply("retry: 300\nid: 7\ndata: one\n\n"), Reply("data: two\n\n", then="hang"))
    tab.start("/sse/room?room=general&lastEventId=stale&x=")
    tab.wait_for_messages(2)

    assert [(e["type"], e["state"]) for e in tab.log()] == [
        ("open", 1), ("message", 1), ("error", 0), ("open", 1), ("message", 1)]
    first, second = server.requests
    assert first.query == {"room": ["general"], "lastEventId": ["stale"], "x": [""]}
    assert second.path == "/sse/room"
    assert second.query == {"room": ["general"], "lastEventId": ["7"], "x": [""]}
    assert 0.3 <= gaps(server.requests)[0] < 0.3 * 1.2 + 0.4
    assert tab.log("message")[1]["lastEventId"] == "7"  # the id outlives the connection


def test_the_last_event_id_is_percent_encoded_and_added_to_a_url_without_a_query(tab, server):
    cursor = "a b&c=d/é?#+%"
    server.script(Reply(f"retry: 50\nid: {cursor}\ndata: x\n\n"), HANG)
    tab.start("/sse#fragment")
    server.wait_for(lambda requests: len(requests) == 2)
    assert server.requests[1].path == "/sse"
    assert server.requests[1].raw_query == "lastEventId=" + quote(cursor, safe="")
    assert server.requests[1].query == {"lastEventId": [cursor]}


def test_consecutive_failures_back_off_exponentially_up_to_max_retry(tab, server):
    drop = Reply(then="drop")
    server.script(Reply("retry: 200\ndata: a\n\n"), drop, drop, drop,
                  Reply("data: b\n\n"), Reply("data: c\n\n", then="hang"))
    tab.page.add_init_script("""
        window.sent = [];
        const send = XMLHttpRequest.prototype.send;
        XMLHttpRequest.prototype.send = function () { sent.push(performance.now()); return send.apply(this, arguments); };
    """)
    tab.start(maxRetry=600)
    tab.wait_for_messages(3)
    assert tab.types() == ["open", "message", "error", "error", "error", "error",
                           "open", "message", "error", "open", "message"]
    assert {e["state"] for e in tab.log("error")} == {0}
    # Timed in the page, from each error to the next request, to keep the server's latency out of it:
    # 200 ms after a good stream; then doubling, capped at 600; back to 200 once one opens again.
    errors, sent = [e["at"] for e in tab.log("error")], tab.run("sent")
    assert len(sent) == len(server.requests) == 6
    waits = [(request - error) / 1000 for error, request in zip(errors, sent[1:])]
    for waited, delay in zip(waits, [0.2, 0.4, 0.6, 0.6, 0.2]):
        assert delay - 0.002 <= waited < delay * 1.2 + 0.25, waits


@pytest.mark.parametrize("replies, requests", [
    ([Reply("oops", status=500, content_type="text/plain")], 1),
    ([Reply("who are you?", status=401, content_type="text/plain")], 1),
    ([Reply("<p>data: hi</p>\n\n", content_type="text/html")], 1),
    ([Reply("data: ok\n\n", content_type="text/event-streaming")], 1),
    ([Reply("retry: 50\ndata: ok\n\n"), Reply("oops", status=500, content_type="text/plain")], 2),
], ids=["500", "401", "html-200", "almost-event-stream", "500-on-reconnect"])
def test_a_response_that_is_not_a_200_event_stream_fails_the_connection_for_good(tab, server, replies, requests):
    server.script(*replies)
    tab.start(maxRetry=50)  # a wrong reconnect would come at once
    tab.wait("() => source.readyState === EventSourcePolyfill.CLOSED")
    tab.pause(400)
    # One error, with readyState CLOSED (after a dropped stream, one more with CONNECTING).
    assert [e["state"] for e in tab.log("error")] == [0] * (requests - 1) + [2]
    assert tab.messages() == (["ok"] if requests == 2 else [])
    assert len(tab.log("open")) == requests - 1
    assert tab.run("source.readyState") == 2
    assert len(server.requests) == requests


def test_a_connection_silent_for_heartbeat_timeout_is_dropped_and_reopened(tab, server):
    server.script(Reply("retry: 50\nid: 1\ndata: a\n\n", then="hang"), Reply("data: b\n\n", then="hang"))
    tab.start(heartbeatTimeout=800)
    tab.wait_for_messages(2)
    assert tab.types() == ["open", "message", "error", "open", "message"]
    message, error = tab.log("message", "error")[:2]
    assert 790 <= error["at"] - message["at"] < 800 + 600
    assert server.requests[1].query == {"lastEventId": ["1"]}


def test_comments_reset_the_heartbeat_timer(tab, server):
    server.script(Reply("data: a\n\n", *[0.2, ": ping\n"] * 5, "data: b\n\n", then="hang"))
    tab.start(heartbeatTimeout=600)
    tab.wait_for_messages(2)
    assert tab.types() == ["open", "message", "message"]
    assert len(server.requests) == 1


def test_a_silent_server_that_never_answers_counts_as_dropped_too(tab, server):
    # The request is accepted but no headers come: the heartbeat covers CONNECTING as well.
    server.script(Reply("retry: 50\n\n"), Reply(then="mute"), Reply("data: b\n\n", then="hang"))
    tab.start(heartbeatTimeout=500)
    tab.wait_for_messages(1)
    assert tab.types() == ["open", "error", "error", "open", "message"]


def test_close_stops_everything(tab, server):
    gate = threading.Event()
    server.script(Reply("retry: 50\ndata: first\n\n", gate, "data: late\n\n"))
    # Closed from a timer: from Python, the heartbeat could beat us to it on a busy machine.
    tab.start(heartbeatTimeout=300, setup="""
        source.addEventListener("message", () => setTimeout(() => {
            source.close();
            window.stateAfterClose = source.readyState;
        }));
    """)
    tab.wait("() => window.stateAfterClose === 2")
    gate.set()
    server.wait_for(lambda requests: requests[0].ended is not None)
    tab.pause(500)  # longer than retry and heartbeatTimeout
    assert tab.types() == ["open", "message"]
    assert len(server.requests) == 1


def test_close_in_a_listener_stops_the_rest_of_the_chunk(tab, server):
    server.script(Reply("retry: 50\ndata: a\n\ndata: b\n\n"))
    tab.start(setup="source.addEventListener('message', () => source.close());")
    tab.wait_for_messages(1)
    tab.pause(300)
    assert tab.types() == ["open", "message"]
    assert len(server.requests) == 1


def test_an_incomplete_event_at_the_end_of_a_response_is_discarded(tab, server):
    server.script(Reply("retry: 50\ndata: whole\n\nid: 9\ndata: partial"), Reply("data: next\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2)
    assert [(m["data"], m["lastEventId"]) for m in tab.log("message")] == [("whole", ""), ("next", "")]
    assert server.requests[1].query == {}  # id 9 belonged to the discarded event


def test_a_large_stream_is_ended_and_resumed_without_an_error(tab, server):
    # 300 events of about 1 KiB: past 256 KiB the polyfill starts a fresh request.
    events = "".join(f"id: {n}\ndata: {'x' * 1000}\n\n" for n in range(1, 301))
    server.script(Reply(events, then="hang"), Reply("data: after\n\n", then="hang"))
    tab.start()
    tab.wait("() => log.some(e => e.data === 'after')")
    received = tab.log("message")[:-1]
    assert [m["lastEventId"] for m in received] == [str(n) for n in range(1, len(received) + 1)]
    assert len(received) > 250
    assert tab.types().count("error") == 0 and tab.types().count("open") == 1
    assert server.requests[1].query == {"lastEventId": [received[-1]["lastEventId"]]}
