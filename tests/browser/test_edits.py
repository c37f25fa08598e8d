"""Editing and deleting messages in the browser: in place, live for everyone, and kept after a reload.

In each room here, seq 1 is the system line "bob joined": the messages start at 2."""
from tests.browser.steps import act_on, messages, open_room, send, together, wait_for_bodies, wait_for_text


def test_alice_fixes_a_typo_in_place_and_bob_sees_the_message_marked_edited(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob)
    send(alice, "lunch at non?")
    wait_for_bodies(bob, ["lunch at non?"])
    act_on(alice, 2, "Edit message")
    box = alice.page.get_by_role("textbox", name="Edit message")
    assert box.input_value() == "lunch at non?"
    assert alice.page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Edit message"
    box.fill("lunch at noon?")
    box.press("Enter")
    wait_for_bodies(bob, ["lunch at noon?"])
    wait_for_bodies(alice, ["lunch at noon?"])
    assert alice.page.locator("#m2 form.edit").count() == 0
    wait_for_text(bob, "#m2 .edited", "(edited)")
    assert bob.page.eval_on_selector("#m2 .edited", "el => el.tagName") == "SPAN"  # bob may not read old versions
    bob.page.hover("#m2")
    assert bob.page.locator("#m2 .meta button").count() == 0  # nor edit or delete alice's message
    history = alice.page.get_by_role("button", name="Show earlier versions")
    history.click()
    alice.page.wait_for_selector("#m2 ol.versions li")
    earlier = alice.page.locator("#m2 ol.versions li").evaluate_all(
        "items => items.map(li => li.textContent.slice(li.querySelector('time').textContent.length))")
    assert earlier == [" lunch at non?"]
    assert history.get_attribute("aria-expanded") == "true"
    open_room(bob, room)
    assert messages(bob)[0]["body"] == "lunch at noon?"
    assert bob.page.text_content("#m2 .edited") == "(edited)"


def test_up_arrow_in_the_empty_composer_edits_your_latest_message_and_escape_leaves_it_alone(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    send(bob, "who is on call?")
    send(alice, "I am")
    send(alice, "until Fridya")
    wait_for_bodies(alice, ["who is on call?", "I am", "until Fridya"])
    page = alice.page
    page.press("#body", "ArrowUp")
    box = page.locator("#m4 textarea[aria-label='Edit message']")
    assert box.input_value() == "until Fridya"
    box.press("Escape")
    assert page.locator("form.edit").count() == 0
    assert page.is_visible("#m4 .body") and page.text_content("#m4 .body") == "until Fridya"
    assert page.evaluate("() => document.activeElement.id") == "body"  # back in the composer
    page.press("#body", "ArrowUp")
    box.fill("until Friday")
    box.press("Enter")
    wait_for_bodies(bob, ["who is on call?", "I am", "until Friday"])
    page.fill("#body", "draft")
    page.press("#body", "ArrowUp")  # in a composer with text, ↑ only moves the caret
    assert page.locator("form.edit").count() == 0


def test_alice_can_edit_the_second_message_of_her_run_by_pointing_at_it(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    send(alice, "the build is green")
    send(alice, "shipping at 5")
    wait_for_bodies(alice, ["the build is green", "shipping at 5"])
    assert alice.page.locator("#m3.grouped").count() == 1  # shown under the first one's name
    act_on(alice, 3, "Edit message")
    alice.page.get_by_role("textbox", name="Edit message").fill("shipping at 6")
    alice.page.keyboard.press("Enter")
    wait_for_bodies(bob, ["the build is green", "shipping at 6"])


def test_deleting_asks_first_and_leaves_a_tombstone_for_everyone(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob)  # alice owns the room
    send(bob, "my password is hunter2")
    wait_for_bodies(alice, ["my password is hunter2"])
    send(alice, "bob, that was public!")
    wait_for_bodies(bob, ["my password is hunter2", "bob, that was public!"])  # or "sorry" may overtake it
    send(bob, "sorry")
    wait_for_bodies(bob, ["my password is hunter2", "bob, that was public!", "sorry"])
    bob.page.once("dialog", lambda dialog: dialog.dismiss())
    act_on(bob, 2, "Delete message")
    bob.page.once("dialog", lambda dialog: dialog.accept())
    act_on(bob, 2, "Delete message")
    for who in (alice, bob):
        who.page.wait_for_selector("#m2.deleted")
        wait_for_text(who, "#m2 .body", "Message deleted")
    assert bob.page.locator("#m2 .actions").count() == 0  # nothing left to edit or delete
    alice.page.hover("#m4")  # bob's "sorry"
    assert alice.page.locator("#m4 .actions button").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))") == [
        "Add reaction", "Reply", "Delete message"]
    alice.page.once("dialog", lambda dialog: dialog.accept())
    act_on(alice, 4, "Delete message")  # as the room's owner
    bob.page.wait_for_selector("#m4.deleted")
    open_room(bob, room)
    assert [(m["seq"], m["body"]) for m in messages(bob)] == [
        (2, "Message deleted"), (3, "bob, that was public!"), (4, "Message deleted")]
    assert "hunter2" not in bob.page.content()
