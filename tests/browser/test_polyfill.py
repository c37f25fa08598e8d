"""The same live chat in a browser without EventSource: our polyfill carries it,
by XHR streaming where the browser can read a response as it arrives, and by
long-polling where it cannot."""
import pytest

from tests.browser.steps import send, together, wait_for_bodies

# The room's whole log as the page shows it, system lines ("bob joined") included: [[seq, text]].
LOG = """() => Array.from(document.querySelectorAll('#messages li[data-seq]')).map(li =>
    [Number(li.dataset.seq), li.querySelector('.body').textContent])"""

NO_EVENTSOURCE = "delete window.EventSource; if (window.EventSource) { window.EventSource = undefined; }"
# A browser whose XHR reports no progress while loading (as old ones did): it must long-poll.
NO_STREAMING_XHR = NO_EVENTSOURCE + """
delete XMLHttpRequest.prototype.onprogress;
if (window.XMLHttpRequestEventTarget) { delete XMLHttpRequestEventTarget.prototype.onprogress; }
"""


@pytest.mark.parametrize("init_script, polls", [(NO_EVENTSOURCE, False), (NO_STREAMING_XHR, True)],
                         ids=["streaming", "long-poll"])
def test_without_eventsource_the_polyfill_carries_live_chat_both_ways(embedded, people, init_script, polls):
    alice, bob = people(embedded, "alice", "bob", init_script=init_script)
    streams = []
    for person in (alice, bob):
        person.page.on("request", lambda request: "/api/v1/stream" in request.url and streams.append(request.url))
    together(alice, bob)
    assert alice.page.evaluate("() => typeof window.EventSource") == "undefined"
    assert alice.page.evaluate("() => 'onprogress' in new XMLHttpRequest()") is not polls
    send(alice, "hello over XHR")
    wait_for_bodies(bob, ["hello over XHR"])
    send(bob, "and back")
    wait_for_bodies(alice, ["hello over XHR", "and back"])
    # Typing is ephemeral: one announced while a long poll is between requests
    # is gone, and typing.js says it again every 3 s for as long as bob types.
    for word in ("typing", " still", " more"):
        bob.page.type("#body", word)
        if alice.page.locator("#typing:has-text('is typing')").is_visible():
            break
        bob.page.wait_for_timeout(3100)
    alice.page.wait_for_selector("#typing:has-text('is typing')")
    for n in range(5):  # a burst, across several polls when polling
        send(bob, f"burst {n}")
    bodies = ["hello over XHR", "and back"] + [f"burst {n}" for n in range(5)]
    wait_for_bodies(alice, bodies)
    # bob's join is the room's first line (#m1), so the seven messages are #m2..#m8, in order, each once.
    assert alice.page.evaluate(LOG) == [[1, f"{bob.name} joined"]] + [[n + 2, body] for n, body in enumerate(bodies)]
    assert streams and all(("poll=1" in url) is polls for url in streams)
    if polls:
        assert len(streams) > 4  # it really polled: a request per answer
