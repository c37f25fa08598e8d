"""@mentions in the browser: highlighted for the one mentioned, counted in their sidebar,
and (once they opt in) a notification while their tab is hidden."""
import re

from tests.browser.steps import (
    RECORD_NOTIFICATIONS, create_room, hide_tab, join, messages, notes, open_room,
    record_notifications, send, together, wait_for_bodies, wait_for_text, wait_live,
)

MARKED = """() => Array.from(document.querySelectorAll('#messages li.message')).map(li => ({
    body: li.querySelector('.body').textContent, mine: li.classList.contains('mentions-me'),
    marks: Array.from(li.querySelectorAll('.mention.me')).map(m => m.textContent)}))"""


def test_a_mention_in_another_room_shows_on_its_sidebar_entry_until_bob_opens_it(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    general, random = create_room(alice, "general"), create_room(alice, "random")
    join(bob, general), join(bob, random)  # bob is looking at random
    open_room(alice, general)
    entry = f"#room-nav li[data-room-id='{general}']"
    send(alice, f"@{bob.name} can you review the release notes?")
    bob.page.wait_for_selector(f"{entry} .mention-count:not([hidden])")
    send(alice, "no rush")
    wait_for_text(bob, f"{entry} .unread", "2 unread")
    assert bob.page.text_content(f"{entry} .mention-count") == "@1 mentions"
    assert alice.page.locator("li.mentions-me, .mention.me").count() == 0  # it is bob who was mentioned
    bob.page.click(f"{entry} a")
    wait_live(bob)
    shown = bob.page.evaluate(MARKED)
    assert shown == [  # his own join line comes first; it names him but is no mention
        {"body": f"{bob.name} joined", "mine": False, "marks": []},
        {"body": f"@{bob.name} can you review the release notes?", "mine": True, "marks": [f"@{bob.name}"]},
        {"body": "no rush", "mine": False, "marks": []}]
    bob.page.click(f"#room-nav li[data-room-id='{random}'] a")
    wait_live(bob)
    assert bob.page.is_hidden(f"{entry} .mention-count") and bob.page.is_hidden(f"{entry} .unread")


def test_only_a_whole_word_mention_in_any_case_is_marked_live_and_after_a_reload(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    bodies = [f"ping @{bob.name.upper()}!", f"not for {alice.name}@{bob.name}", f"@{bob.name}s is someone else",
              f"see https://example.com/@{bob.name} (not you)"]
    for body in bodies:
        send(alice, body)
    wait_for_bodies(bob, bodies)
    expected = [{"body": f"{bob.name} joined", "mine": False, "marks": []},  # his join line names him: no mention
                {"body": bodies[0], "mine": True, "marks": [f"@{bob.name.upper()}"]}] + [
        {"body": body, "mine": False, "marks": []} for body in bodies[1:]]
    assert bob.page.evaluate(MARKED) == expected
    open_room(bob, room)
    assert bob.page.evaluate(MARKED) == expected


def test_bob_is_notified_of_a_mention_or_a_direct_message_only_while_his_tab_is_hidden_and_he_opted_in(
        any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    record_notifications(bob)
    room = together(alice, bob)
    page = bob.page
    assert page.text_content("#notify-on") == "Turn on notifications" and page.is_visible("#notify")
    hide_tab(bob)
    send(alice, f"@{bob.name} before you opted in")
    wait_for_bodies(bob, [f"@{bob.name} before you opted in"])
    hide_tab(bob, False)
    page.click("#notify-on")
    wait_for_text(bob, "#notify-on", "Turn off notifications")
    send(alice, f"@{bob.name} while you look")
    wait_for_bodies(bob, [f"@{bob.name} before you opted in", f"@{bob.name} while you look"])
    hide_tab(bob)  # he switches to another tab
    send(alice, "an ordinary message")
    send(alice, f"@{bob.name} are you there?")
    page.wait_for_function("() => window.__notes.length > 0")
    # seq 1 is the room's "bob joined" line, so alice's fourth message is seq 5.
    assert messages(bob)[-1] == {"seq": 5, "body": f"@{bob.name} are you there?", "pending": False}
    assert notes(bob) == [{"title": f"{alice.name} mentioned you", "body": f"@{bob.name} are you there?",
                           "tag": f"chat-{room}-5"}]
    directory = alice.go("/rooms")
    directory.get_by_label("Message someone by username").fill(bob.name)
    directory.get_by_role("button", name="Message", exact=True).click()
    directory.wait_for_url(re.compile(r".*/rooms/\d+$"))
    wait_live(alice)
    dm = int(directory.url.rsplit("/", 1)[1])
    page.wait_for_selector(f"#dm-nav li[data-room-id='{dm}']")
    send(alice, "just between us")
    page.wait_for_function("() => window.__notes.length > 1")
    assert notes(bob)[1] == {"title": alice.name, "body": "just between us", "tag": f"chat-{dm}-1"}
    assert len(notes(bob)) == 2


def test_turning_notifications_on_asks_the_browser_and_its_refusal_takes_the_offer_away(embedded, people):
    bob = people(embedded, "bob", init_script=RECORD_NOTIFICATIONS)  # no permission granted: the browser says no
    room = create_room(bob, "general")
    page = bob.page
    assert page.evaluate("() => [Notification.permission, window.__asked]") == ["default", 0]
    page.click("#notify-on")
    page.wait_for_selector("#notify", state="hidden")
    assert page.evaluate("() => [Notification.permission, window.__asked]") == ["denied", 1]
    open_room(bob, room)
    assert page.is_hidden("#notify")
