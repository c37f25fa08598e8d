"""static/js/eventsource.js, our EventSource polyfill, in real Chromium: the
long-polling transport, asked for or chosen when XHR gives no progress events.
"""
from tests.browser.steps import Reply, gaps


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
