"""static/js/eventsource.js, our EventSource polyfill, in real Chromium.

A small scripted SSE server (one per test) plays a queue of replies to /sse and
records every request, so a test can say what the server sends and check both
what the page saw and what the polyfill asked for.
"""
import collections
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "eventsource.js"
PAGE = b'<!doctype html><meta charset="utf-8"><title>eventsource</title>' \
       b'<script src="/static/js/eventsource.js"></script>'
BOM = "\ufeff"


class Reply:
    """One scripted answer: `body` holds text or bytes to send, numbers to sleep
    (seconds) and threading.Events to wait for. `then` is "close" (end the
    response), "hang" (stay open and silent), "drop" (hang up without any
    response, a network error for the browser) or "mute" (send nothing at all,
    not even headers, and keep the connection open)."""

    def __init__(self, *body, status=200, content_type="text/event-stream", then="close"):
        self.body, self.status, self.content_type, self.then = body, status, content_type, then

    def play(self, handler, stopping):
        if self.then == "mute":
            stopping.wait(30)
        if self.then in ("drop", "mute"):
            return
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        for part in self.body:
            if isinstance(part, threading.Event):
                while not part.wait(0.05) and not stopping.is_set():
                    pass
            elif isinstance(part, (int, float)):
                stopping.wait(part)
            else:
                handler.wfile.write(part.encode() if isinstance(part, str) else part)
                handler.wfile.flush()
        if self.then == "hang":
            stopping.wait(30)


HANG = Reply(then="hang")


@dataclass
class Request:
    path: str
    raw_query: str
    headers: dict
    arrived: float
    ended: float = None
    query: dict = field(init=False)

    def __post_init__(self):
        self.query = parse_qs(self.raw_query, keep_blank_values=True)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.0 and no Content-Length on streams: a response ends when its connection closes.
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            self.send_file("text/html; charset=utf-8", PAGE)
        elif url.path == "/static/js/eventsource.js":
            self.send_file("application/javascript", SCRIPT.read_bytes())
        elif url.path.startswith("/sse"):
            self.server.answer(self, url)
        else:
            self.send_error(404)

    def send_file(self, content_type, body):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.replies = collections.deque()
        self.requests = []
        self.errors = []
        self.stopping = threading.Event()
        self.changed = threading.Condition()

    def script(self, *replies):
        self.replies.extend(replies)

    def answer(self, handler, url):
        request = Request(url.path, url.query, dict(handler.headers), time.monotonic())
        with self.changed:
            self.requests.append(request)
            self.changed.notify_all()
            reply = self.replies.popleft() if self.replies else HANG
        try:
            reply.play(handler, self.stopping)
        finally:
            with self.changed:
                request.ended = time.monotonic()
                self.changed.notify_all()

    def wait_for(self, predicate, timeout=5):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.requests), timeout), self.requests

    def handle_error(self, request, client_address):
        # The browser hangs up on streams it is done with: expected, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            self.errors.append(sys.exc_info()[1])


@pytest.fixture
def server():
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join()
    assert not server.errors


# `setup` runs in the same task as the constructor, so before any event can arrive;
# its listeners come after the one that fills `log`.
START = """({url, options, types, setup}) => {
    window.log = [];
    const source = window.source = new EventSourcePolyfill(url, options);
    for (const type of types) {
        source.addEventListener(type, (event) => log.push({
            type: event.type, data: event.data, lastEventId: event.lastEventId,
            origin: event.origin, state: source.readyState, at: performance.now(),
            targetIsSource: event.target === source,
        }));
    }
    new Function("source", setup)(source);
}"""


class Tab:
    """One page showing our test page; start() makes `source` and records its events in `log`."""

    def __init__(self, page, server):
        self.page, self.server, self.errors, self.loaded = page, server, [], False
        page.on("pageerror", lambda error: self.errors.append(error))

    def load(self):
        if not self.loaded:
            self.page.goto(self.server.base + "/")
            self.loaded = True

    def start(self, url="/sse", types=("open", "message", "error"), setup="", **options):
        self.load()
        self.page.evaluate(START, {"url": url, "options": options, "types": list(types), "setup": setup})

    def run(self, script, arg=None):
        return self.page.evaluate(script, arg)

    def wait(self, expression, arg=None, timeout=5000):
        self.page.wait_for_function(expression, arg=arg, timeout=timeout)

    def wait_for_messages(self, count, timeout=5000):
        self.wait("n => log.filter(e => e.type === 'message').length >= n", count, timeout)

    def log(self, *types):
        return [entry for entry in self.run("log") if not types or entry["type"] in types]

    def messages(self):
        return [entry["data"] for entry in self.log("message")]

    def types(self):
        return [entry["type"] for entry in self.log()]

    def pause(self, ms):
        """Time for something that must NOT happen to show itself."""
        self.page.wait_for_timeout(ms)


@pytest.fixture
def tab(browser, server):
    context = browser.new_context()
    tab = Tab(context.new_page(), server)
    yield tab
    context.close()
    assert [str(error) for error in tab.errors] == []


def gaps(requests):
    """Seconds from the end of each response to the arrival of the next request."""
    return [later.arrived - earlier.ended for earlier, later in zip(requests, requests[1:])]


# --- Messages and fields -------------------------------------------------------------


def test_an_unnamed_event_reaches_onmessage_and_message_listeners_with_its_fields(tab, server):
    server.script(Reply("data: hello\n\n", content_type="text/event-stream; charset=utf-8", then="hang"))
    tab.start(setup="window.viaOnmessage = []; source.onmessage = (e) => viaOnmessage.push(e.data);")
    tab.wait_for_messages(1)

    assert tab.types() == ["open", "message"]
    opened, message = tab.log()
    assert opened["state"] == 1 and opened["targetIsSource"]
    assert message == dict(message, type="message", data="hello", lastEventId="", origin=server.base,
                           state=1, targetIsSource=True)
    assert tab.run("viaOnmessage") == ["hello"]
    assert tab.run("""() => [EventSourcePolyfill.CONNECTING, EventSourcePolyfill.OPEN, EventSourcePolyfill.CLOSED,
                             source.CONNECTING, source.OPEN, source.CLOSED, source.readyState,
                             source.url, source.withCredentials, source.lastEventId]""") == [
        0, 1, 2, 0, 1, 2, 1, server.base + "/sse", False, ""]
    [request] = server.requests
    assert request.raw_query == ""  # no poll=1: Chromium streams; no lastEventId yet
    assert request.headers["Accept"] == "text/event-stream"
    assert request.headers["Cache-Control"] == "no-cache"


def test_data_lines_are_joined_with_newlines_and_lose_one_leading_space(tab, server):
    server.script(Reply("data: one\ndata:two\ndata:  three\ndata\ndata: \ndata: four\n\n",
                        "data\n\n",
                        "data: last\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(3)
    assert tab.messages() == ["one\ntwo\n three\n\n\nfour", "", "last"]


def test_a_named_event_goes_only_to_listeners_of_its_type(tab, server):
    server.script(Reply("event: join\ndata: alice\n\n",
                        "data: plain\n\n",
                        "event: leave\ndata: bob\n\n",
                        "event: join\n\n",  # no data: nothing, and the type does not stick
                        "data: untyped again\n\n",
                        "event: message\ndata: explicit\n\n",
                        "event:\ndata: empty type\n\n",
                        "event: join\ndata: carol\n\n", then="hang"))
    tab.start(types=["message"], setup="""
        window.got = {onmessage: [], join: [], removed: []};
        source.onmessage = (e) => got.onmessage.push(e.data);
        source.addEventListener("join", (e) => got.join.push(e.type + ":" + e.data));
        const removed = (e) => got.removed.push(e.data);
        source.addEventListener("join", removed);
        source.removeEventListener("join", removed);
    """)
    tab.wait("() => got.join.length >= 2")
    assert tab.run("got") == {
        "onmessage": ["plain", "untyped again", "explicit", "empty type"],
        "join": ["join:alice", "join:carol"],
        "removed": [],
    }
    assert tab.messages() == ["plain", "untyped again", "explicit", "empty type"]


def test_comments_and_unknown_fields_are_ignored(tab, server):
    server.script(Reply(": hello\n:\n: data: not data\nfoo: bar\nDATA: upper\nData: mixed\n data: indented\n"
                        "data: kept\n\n", ": ping\n\n", "data: next\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2)
    assert tab.messages() == ["kept", "next"]


# --- Line endings, chunks, BOM ------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["crlf", "cr", "lf"])
def test_lines_may_end_with_crlf_cr_or_lf(tab, server, newline):
    server.script(Reply(f"data: a{newline}data: b{newline}{newline}id: 1{newline}data: c{newline}{newline}"
                        f"data: d\n\r\n", then="hang"))
    tab.start()
    tab.wait_for_messages(3)
    assert [(m["data"], m["lastEventId"]) for m in tab.log("message")] == [("a\nb", ""), ("c", "1"), ("d", "1")]


def test_a_cr_ending_one_chunk_and_an_lf_starting_the_next_are_one_line_break(tab, server):
    gate = threading.Event()
    server.script(Reply("data: x\n\ndata: a\r", gate, "\ndata: b\r\n\r\n", then="hang"))
    tab.start()
    tab.wait_for_messages(1)  # the first chunk, CR and all, has been parsed
    gate.set()
    tab.wait_for_messages(2)
    tab.pause(100)
    assert tab.messages() == ["x", "a\nb"]  # a second line break would have dispatched "a" alone


def test_a_line_split_across_two_chunks_is_parsed_once(tab, server):
    server.script(Reply("data: hel", 0.15, "lo\n", 0.15, "\nda", 0.15, "ta: wor", 0.15, "ld\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2)
    tab.pause(100)
    assert tab.messages() == ["hello", "world"]


def test_a_leading_bom_is_skipped_but_one_later_in_the_stream_is_not(tab, server):
    # Chromium's XHR decodes the body as UTF-8 and so drops the very first BOM itself;
    # what this checks in Chromium is that the polyfill leaves the rest alone.
    server.script(Reply(f"{BOM}data: a\n\n{BOM}data: hidden\n\ndata: b\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2)
    tab.pause(100)
    assert tab.messages() == ["a", "b"]


def test_a_bom_the_browser_leaves_in_response_text_is_skipped_once_per_response(tab, server):
    # Play a browser whose XHR keeps the BOM at the start of responseText.
    tab.page.add_init_script("""(() => {
        const text = Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, "responseText");
        Object.defineProperty(XMLHttpRequest.prototype, "responseText", {
            configurable: true,
            get() { const value = text.get.call(this); return value ? "\\ufeff" + value : value; },
        });
    })()""")
    server.script(Reply(f"{BOM}data: a\n\nretry: 50\n\n"), Reply(f"{BOM}data: b\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2)
    assert tab.messages() == ["a", "b"]
    assert tab.run("""() => new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open("GET", "/");
        xhr.onload = () => resolve(xhr.responseText.charCodeAt(0));
        xhr.send();
    })""") == 0xFEFF


# --- id and retry -------------------------------------------------------------------


def test_an_id_containing_nul_is_ignored(tab, server):
    server.script(Reply("id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\nid: 4\ndata: c\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(3)
    assert [(m["data"], m["lastEventId"]) for m in tab.log("message")] == [("a", "1"), ("b", "1"), ("c", "4")]


def test_a_retry_that_is_not_all_ascii_digits_is_ignored(tab, server):
    # Were any of these read as a number, the last one would leave 5000 ms (or NaN).
    server.script(Reply("retry: 100\nretry: -1\nretry: 1e4\nretry: 3.5\nretry: 20 \nretry: 5000x\ndata: a\n\n"),
                  Reply("data: b\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(2, timeout=2500)
    assert 0.1 <= gaps(server.requests)[0] < 1.0


def test_an_id_only_frame_updates_last_event_id_and_dispatches_nothing(tab, server):
    gate = threading.Event()
    server.script(Reply("retry: 50\nid: 41\n\ndata: a\n\n", gate, "id: 42\n\n"),
                  Reply("data: b\n\n", then="hang"))
    tab.start()
    tab.wait_for_messages(1)
    assert tab.run("source.lastEventId") == "41"
    gate.set()
    tab.wait_for_messages(2)
    assert [(m["data"], m["lastEventId"]) for m in tab.log("message")] == [("a", "41"), ("b", "42")]
    assert tab.types() == ["open", "message", "error", "open", "message"]
    assert server.requests[1].query == {"lastEventId": ["42"]}


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


# --- Long-polling ---------------------------------------------------------------------


def test_long_polling_delivers_every_event_in_order_and_carries_the_last_event_id(tab, server):
    server.script(Reply("id: 1\ndata: a\n\n"),
                  Reply(0.2, "id: 2\ndata: b\n\ndata: c\n\ndata: partial"),
                  Reply("id: 3\n\n"),
                  Reply(": ping\n", 0.1, "data: d\n\n"))
    tab.start("/sse?room=general", transport="poll")
    tab.wait_for_messages(4)
    server.wait_for(lambda requests: len(requests) == 5)

    assert [(m["data"], m["lastEventId"], m["state"]) for m in tab.log("message")] == [
        ("a", "1", 1), ("b", "2", 1), ("c", "2", 1), ("d", "3", 1)]
    assert tab.types() == ["open", "message", "message", "message", "message"]
    assert [r.query.get("poll") for r in server.requests] == [["1"]] * 5
    assert [r.query.get("lastEventId") for r in server.requests] == [None, ["1"], ["2"], ["3"], ["3"]]
    assert {r.query["room"][0] for r in server.requests} == {"general"}
    assert max(gaps(server.requests)) < 1.0  # straight back, not after the 3 s retry
    assert tab.run("source.readyState") == 1


def test_without_xhr_progress_events_the_auto_transport_long_polls(tab, server):
    tab.page.add_init_script("""
        delete XMLHttpRequest.prototype.onprogress;
        if (window.XMLHttpRequestEventTarget) delete XMLHttpRequestEventTarget.prototype.onprogress;
    """)
    server.script(Reply("id: 1\ndata: a\n\n"), Reply("data: b\n\n"))
    tab.start()
    tab.wait_for_messages(2)
    assert tab.run("'onprogress' in new XMLHttpRequest()") is False
    server.wait_for(lambda requests: len(requests) == 3)
    assert [r.query for r in server.requests] == [
        {"poll": ["1"]}, {"poll": ["1"], "lastEventId": ["1"]}, {"poll": ["1"], "lastEventId": ["1"]}]
    assert tab.types() == ["open", "message", "message"]


# --- Listeners ------------------------------------------------------------------------


def test_a_listener_that_throws_does_not_stop_the_next_event_or_the_next_listener(tab, server):
    server.script(Reply("data: a\n\ndata: b\n\n", then="hang"))
    tab.start(types=[], setup="""
        window.seen = [];
        source.addEventListener("message", (e) => { if (e.data === "a") throw new Error("boom in a listener"); });
        source.addEventListener("message", (e) => seen.push("listener " + e.data));
        source.onmessage = (e) => seen.push("onmessage " + e.data);
    """)
    tab.wait("() => seen.length >= 4")
    assert tab.run("seen") == ["onmessage a", "listener a", "onmessage b", "listener b"]
    for _ in range(100):  # rethrown from a timer, so it still reaches the console
        if tab.errors:
            break
        tab.pause(20)
    assert [error.message for error in tab.errors] == ["boom in a listener"]
    tab.errors.clear()
