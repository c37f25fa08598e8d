"""Replies and threads in the browser: the Reply action, "in reply to" and the reply
count, live in the other window and the same after a reload; the thread panel
and its composer; following "in reply to" to the message it answers.

In a room made with `together`, seq 1 is the system line "bob joined": the messages start at 2."""
import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.steps import act_on, create_room, open_room, seeded, send, together, wait_for_bodies, wait_for_text

THREAD = """() => Array.from(document.querySelectorAll('#thread .message')).map(li => li.querySelector('.body').textContent)"""
# Whether the message is wholly inside the history's window.
IN_VIEW = """id => { const m = document.getElementById(id).getBoundingClientRect(),
    s = document.getElementById('scroller').getBoundingClientRect();
    return m.top >= s.top && m.bottom <= s.bottom; }"""


def wait_for_thread(person, bodies):
    """Until the thread panel shows exactly `bodies`, the parent first."""
    person.page.wait_for_function(f"expected => JSON.stringify(({THREAD})()) === JSON.stringify(expected)", arg=bodies)


def test_alice_replies_to_bobs_message_and_bob_sees_it_threaded_live_and_after_a_reload(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob)
    send(bob, "who has the deploy keys?")
    wait_for_bodies(alice, ["who has the deploy keys?"])
    act_on(alice, 2, "Reply")
    page = alice.page
    assert page.text_content("#replying .replying-text") == f"Replying to {bob.name}: who has the deploy keys?"
    assert page.evaluate("() => document.activeElement.id") == "body"
    page.get_by_role("button", name="Cancel reply").click()  # × drops the quote ...
    assert page.is_hidden("#replying")
    act_on(alice, 2, "Reply")
    page.press("#body", "Escape")  # ... and so does Escape
    assert page.is_hidden("#replying")
    act_on(alice, 2, "Reply")
    send(alice, "I do")
    wait_for_bodies(bob, ["who has the deploy keys?", "I do"])
    assert page.is_hidden("#replying")  # sent: the next message is no reply
    expected = {"#m3 .reply-to": f"in reply to {bob.name}: who has the deploy keys?", "#m2 .replies-count": "1 reply"}
    for who in (alice, bob):
        for selector, text in expected.items():
            wait_for_text(who, selector, text)
    assert bob.page.get_attribute("#m3 .reply-to", "href") == f"/rooms/{room}/messages/2"
    send(alice, "not a reply")
    wait_for_bodies(bob, ["who has the deploy keys?", "I do", "not a reply"])
    assert bob.page.locator("#m5 .reply-to").count() == 0  # seq 4 is the count's own entry in the log
    screenshot(bob.page, "replies")
    open_room(bob, room)
    wait_for_bodies(bob, ["who has the deploy keys?", "I do", "not a reply"])
    for selector, text in expected.items():
        assert bob.page.text_content(selector).strip() == text
    assert bob.page.locator(".reply-to").count() == 1 and bob.page.locator(".replies-count").count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_thread_panel_shows_a_message_and_its_replies_and_its_composer_replies_for_everyone(embedded, people, viewport):
    alice, bob = people(embedded, "alice", "bob", viewport=viewport)
    room = together(alice, bob)
    send(bob, "standup notes?")
    wait_for_bodies(alice, ["standup notes?"])
    act_on(alice, 2, "Reply")
    send(alice, "shipped the importer")
    wait_for_text(bob, "#m2 .replies-count", "1 reply")
    page = bob.page
    page.click("#m2 .replies-count")
    wait_for_thread(bob, ["standup notes?", "shipped the importer"])
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Reply in thread"
    box = page.locator("#thread").bounding_box()
    width = viewport["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    if viewport == PHONE:  # the whole screen
        assert (box["x"], box["width"]) == (0, width)
    else:  # in the members column's place, beside the conversation
        chat = page.locator("#chat").bounding_box()
        assert box["x"] >= chat["x"] + chat["width"] and page.is_hidden("#room-details")
    page.fill("#thread textarea", "reviewing PRs")
    page.press("#thread textarea", "Enter")
    wait_for_thread(bob, ["standup notes?", "shipped the importer", "reviewing PRs"])
    assert page.input_value("#thread textarea") == ""
    wait_for_bodies(alice, ["standup notes?", "shipped the importer", "reviewing PRs"])
    wait_for_text(alice, "#m2 .replies-count", "2 replies")
    wait_for_text(alice, "#m5 .reply-to", f"in reply to {bob.name}: standup notes?")
    send(alice, "lunch?")  # not in the thread
    act_on(alice, 5, "Reply")
    send(alice, "a reply to a reply, in its own thread")
    wait_for_bodies(bob, ["standup notes?", "shipped the importer", "reviewing PRs", "lunch?",
                          "a reply to a reply, in its own thread"])
    assert page.evaluate(THREAD) == ["standup notes?", "shipped the importer", "reviewing PRs"]
    wait_for_text(bob, "#thread .thread-parent .replies-count", "2 replies")
    screenshot(page, "thread" if viewport == DESKTOP else "thread-phone")
    page.keyboard.press("Escape")
    assert page.is_hidden("#thread")
    if viewport == DESKTOP:
        assert page.is_visible("#room-details")
    assert page.evaluate("() => document.activeElement.className") == "replies-count"
    page.click("#m2 .replies-count")
    wait_for_thread(bob, ["standup notes?", "shipped the importer", "reviewing PRs"])
    page.get_by_role("button", name="Close thread").click()
    assert page.is_hidden("#thread")
    open_room(alice, room)
    wait_for_text(alice, "#m2 .replies-count", "2 replies")


def test_a_refused_reply_in_the_thread_keeps_its_text_and_says_why(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    send(bob, "hot take")
    wait_for_bodies(alice, ["hot take"])
    act_on(alice, 2, "Reply")
    send(alice, "disagree")
    wait_for_text(alice, "#m2 .replies-count", "1 reply")
    alice.page.click("#m2 .replies-count")
    wait_for_thread(alice, ["hot take", "disagree"])
    bob.page.once("dialog", lambda dialog: dialog.accept())
    act_on(bob, 2, "Delete message")
    alice.page.wait_for_function("() => document.querySelector('#thread .thread-parent.deleted')")
    alice.expected_errors.append("status of 409")  # the browser logs the refusal it is about to get
    alice.page.fill("#thread textarea", "strongly")
    alice.page.press("#thread textarea", "Enter")
    wait_for_text(alice, "#thread .error", "That message was deleted: it can't be replied to.")
    assert alice.page.input_value("#thread textarea") == "strongly"
    wait_for_thread(alice, ["Message deleted", "disagree"])
    assert alice.page.text_content("#m3 .reply-to") == f"in reply to {bob.name}: Message deleted"


def test_in_reply_to_scrolls_to_the_message_on_the_page_or_opens_its_permalink(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "launches")
    api = alice.api()
    status, _ = api.call("POST", f"/rooms/{room}/messages", {"body": "the launch plan"})
    assert status == 201
    seeded(alice, room, 30, prefix="chatter")
    status, answer = api.call("POST", f"/rooms/{room}/messages", {"body": "agreed", "reply_to": 1})
    assert status == 201 and answer["seq"] == 32
    open_room(alice, room)
    page = alice.page
    assert not page.evaluate(IN_VIEW, "m1")  # the room opens at its newest: the plan is off screen
    page.click("#m32 .reply-to")
    page.wait_for_function("() => document.getElementById('m1').classList.contains('highlight')")
    assert page.evaluate(IN_VIEW, "m1")
    assert page.url == f"{alice.base}/rooms/{room}"  # no page load
    seeded(alice, room, 60, prefix="later")
    status, answer = api.call("POST", f"/rooms/{room}/messages", {"body": "still agreed", "reply_to": 1})
    assert status == 201
    open_room(alice, room)
    assert page.locator("#m1").count() == 0  # outside the loaded window
    page.click(f"#m{answer['seq']} .reply-to")
    page.wait_for_url(re.compile(rf".*/rooms/{room}\?around=1#m1$"))
    page.wait_for_selector("#m1.highlight")
    wait_for_text(alice, "#m1 .replies-count", "2 replies")
