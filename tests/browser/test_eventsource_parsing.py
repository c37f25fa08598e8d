"""static/js/eventsource.js, our EventSource polyfill, in real Chromium: what it
makes of a stream over XHR. Events and their fields, line endings, chunks and the
BOM, id and retry, and listeners. The scripted server and the page are the
`server` and `tab` fixtures (tests/browser/conftest.py).
"""
import threading

import pytest

from tests.browser.steps import BOM, Reply, gaps


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
