"""Reading back: scroll-back, permalinks, reloads, and a dropped connection."""
import os
import signal
import time

from tests.browser.steps import (
    create_room, messages, open_room, seeded, send,
    together, wait_for_bodies, wait_live,
)
from tests.live import wait_until_healthy

# Scroll to the top, note where message ANCHOR sits on screen, and let the page react.
TOP = """() => { const s = document.getElementById('scroller'); s.scrollTop = 0;
    const top = document.querySelector('#ANCHOR .body').getBoundingClientRect().top;
    s.dispatchEvent(new Event('scroll')); return top; }"""

# The room's whole log as the page shows it, system lines ("bob joined") included: [[seq, text]].
LOG = """() => Array.from(document.querySelectorAll('#messages li[data-seq]')).map(li =>
    [Number(li.dataset.seq), li.querySelector('.body').textContent])"""


def restart_worker(server, page):
    """SIGKILL the server's one worker and wait for gunicorn's replacement, while the
    page shows it is reconnecting. Waiting through the page lets its routes answer
    (Playwright runs route handlers only while the test is inside one of its calls)."""
    (worker,) = server.workers()
    os.kill(worker, signal.SIGKILL)
    page.wait_for_selector("#connection:has-text('Reconnecting')")
    deadline = time.monotonic() + 30
    while worker in server.workers() or not server.workers():
        assert time.monotonic() < deadline, "gunicorn did not replace the worker"
        page.wait_for_timeout(100)
    wait_until_healthy(server, 1)


def test_scrolling_up_loads_all_300_older_messages_in_order_keeping_the_place(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "archive")
    bodies = seeded(alice, room, 300)
    open_room(alice, room)
    page = alice.page
    assert [m["seq"] for m in messages(alice)] == list(range(251, 301))
    while page.evaluate("() => document.querySelectorAll('#messages li.message').length") < 300:
        anchor = page.evaluate("() => document.querySelector('#messages li.message').id")
        count = len(messages(alice))
        offset = page.evaluate(TOP.replace("ANCHOR", anchor))  # where the reader sees it, at the top
        page.wait_for_function(f"() => document.querySelectorAll('#messages li.message').length > {count}")
        # What the reader was looking at has not moved on screen.
        assert abs(page.evaluate(f"() => document.querySelector('#{anchor} .body').getBoundingClientRect().top") - offset) < 2
    shown = messages(alice)
    assert [m["seq"] for m in shown] == list(range(1, 301))
    assert [m["body"] for m in shown] == bodies
    assert page.locator("a.page-link:text('Older messages')").count() == 0


def test_a_permalink_opens_the_room_at_the_message_highlighted_and_scrolls_on_to_the_latest(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "archive")
    seeded(alice, room, 150)
    page = alice.go(f"/rooms/{room}/messages/40")
    wait_live(alice)
    assert page.url.endswith(f"/rooms/{room}?around=40#m40")
    assert page.get_attribute("#m40", "class").split()[:2] == ["message", "highlight"]
    assert page.evaluate("""() => { const r = document.getElementById('m40').getBoundingClientRect(),
        s = document.getElementById('scroller').getBoundingClientRect(); return r.top >= s.top && r.bottom <= s.bottom; }""")
    # Scrolling down from an old window loads newer pages until the live end.
    while messages(alice)[-1]["seq"] < 150:
        last = messages(alice)[-1]["seq"]
        page.evaluate("() => { const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight; "
                      "s.dispatchEvent(new Event('scroll')); }")
        page.wait_for_function(f"() => Number([...document.querySelectorAll('#messages li[data-seq]')].pop().dataset.seq) > {last}")
    seqs = [m["seq"] for m in messages(alice)]
    assert seqs == list(range(seqs[0], 151))
    send(alice, "now live again")
    page.wait_for_selector("#m151")


def test_a_reload_shows_the_same_history(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    for n in range(6):
        send(alice if n % 2 else bob, f"line {n}")
        wait_for_bodies(alice, [f"line {i}" for i in range(n + 1)])
    before = alice.page.evaluate("() => document.getElementById('messages').innerText")
    alice.page.reload()
    wait_live(alice)
    assert alice.page.evaluate("() => document.getElementById('messages').innerText") == before
    # bob's join is the room's first line (#m1), so the six messages are #m2..#m7, none missing.
    assert alice.page.evaluate(LOG) == [[1, f"{bob.name} joined"]] + [[n + 2, f"line {n}"] for n in range(6)]


def test_after_a_dropped_connection_the_page_catches_up_with_nothing_lost_or_doubled(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    send(bob, "before the drop")
    wait_for_bodies(alice, ["before the drop"])
    # Chrome logs the cut stream and the blocked reconnects; nothing else may show.
    for who in (alice, bob):
        who.expected_errors += ["net::ERR_INCOMPLETE_CHUNKED_ENCODING", "net::ERR_FAILED"]
    alice.page.route("**/api/v1/stream*", lambda route: route.abort())
    # The server goes away under the open stream: its worker is killed and restarted.
    restart_worker(embedded, alice.page)
    api = bob.api()
    for n in range(3):
        assert api.call("POST", f"/rooms/{room}/messages", {"body": f"missed {n}"})[0] == 201
    alice.page.wait_for_timeout(1500)  # it keeps trying, and failing, meanwhile
    assert alice.page.is_visible("#connection")
    alice.page.unroute("**/api/v1/stream*")
    wait_for_bodies(alice, ["before the drop", "missed 0", "missed 1", "missed 2"], timeout=40_000)
    alice.page.wait_for_selector("#connection", state="hidden")
    send(bob, "after the drop")
    bodies = ["before the drop", "missed 0", "missed 1", "missed 2", "after the drop"]
    wait_for_bodies(alice, bodies)
    # bob's join is the room's first line (#m1), so the five messages are #m2..#m6, each once.
    assert alice.page.evaluate(LOG) == [[1, f"{bob.name} joined"]] + [[n + 2, body] for n, body in enumerate(bodies)]


def test_after_a_reset_the_page_reloads_the_rooms_recent_history(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    send(bob, "seen")
    wait_for_bodies(alice, ["seen"])
    for who in (alice, bob):
        who.expected_errors += ["net::ERR_INCOMPLETE_CHUNKED_ENCODING", "status of 503"]
    # While the server is away, alice's stream is refused as by a stopping worker,
    # so the page gives up on the browser's retries and reconnects by itself.
    refused = []
    alice.page.route("**/api/v1/stream*", lambda route: (refused.append(route.request.url), route.fulfill(
        status=503, json={"error": {"code": "shutting_down", "message": "restarting"}})))
    restart_worker(embedded, alice.page)
    api = bob.api()
    for body in ("while away 1", "while away 2"):
        assert api.call("POST", f"/rooms/{room}/messages", {"body": body})[0] == 201
    deadline = time.monotonic() + 20
    while not refused:  # the browser's own retry is refused: from here the page reconnects by itself
        assert time.monotonic() < deadline, "the page never tried to reconnect"
        alice.page.wait_for_timeout(100)
    # It comes back with a cursor the server cannot honour: the stream starts from
    # now and says reset, and the page reloads the room to fill the gap.
    alice.page.unroute("**/api/v1/stream*")
    alice.page.route("**/api/v1/stream*", lambda route: route.continue_(
        url=route.request.url.split("?")[0] + "?lastEventId=not-a-cursor"))
    wait_for_bodies(alice, ["seen", "while away 1", "while away 2"], timeout=40_000)
    send(bob, "live again")
    wait_for_bodies(alice, ["seen", "while away 1", "while away 2", "live again"])


def test_sending_from_an_old_page_of_history_shows_the_latest_with_the_message(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "archive")
    seeded(alice, room, 120)
    alice.go(f"/rooms/{room}/messages/10")
    wait_live(alice)
    send(alice, "back to the present")
    send(alice, "and one more")
    alice.page.wait_for_function("""() => { const seqs = [...document.querySelectorAll('#messages li.message')]
        .map(li => li.dataset.seq); return seqs.length > 2 && seqs.slice(-2).join() === '121,122'; }""")
    # The latest page (which of the new ones it already holds depends on timing), without a gap.
    shown = messages(alice)
    first = shown[0]["seq"]
    assert first <= 73 and [m["seq"] for m in shown] == list(range(first, 123))
    assert [m["body"] for m in shown[-2:]] == ["back to the present", "and one more"]
    assert alice.page.url.endswith(f"/rooms/{room}?around=10#m10")  # in place: nothing queued was lost
