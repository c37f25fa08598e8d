"""Chatting in real Chromium: two people, two browser contexts, live both ways."""
from tests.browser.steps import (
    create_room, join, messages, open_room, send,
    together, wait_for_bodies,
)


def test_two_people_sign_up_and_chat_live_both_ways(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    together(alice, bob)
    send(alice, "hello bob")
    wait_for_bodies(bob, ["hello bob"])
    send(bob, "hi alice\nhow are you?")
    wait_for_bodies(alice, ["hello bob", "hi alice\nhow are you?"])
    wait_for_bodies(bob, ["hello bob", "hi alice\nhow are you?"])
    assert [m["seq"] for m in messages(alice)] == [2, 3]  # after seq 1, "bob joined"


def test_shift_enter_starts_a_new_line_and_enter_sends(embedded, people):
    alice = people(embedded, "alice")
    create_room(alice, "general")
    page = alice.page
    page.click("#body")
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    assert page.input_value("#body") == "first line\nsecond line"
    page.keyboard.press("Enter")
    wait_for_bodies(alice, ["first line\nsecond line"])
    assert page.input_value("#body") == ""


def test_bob_is_typing_appears_and_clears_when_his_message_arrives(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    bob.page.type("#body", "just a sec")
    alice.page.wait_for_function(f"() => document.getElementById('typing').textContent === '{bob.name} is typing…'")
    bob.page.press("#body", "Enter")
    wait_for_bodies(alice, ["just a sec"])
    assert alice.page.text_content("#typing") == ""
    assert bob.page.text_content("#typing") == ""  # nobody is told about their own typing


def test_the_members_panel_shows_who_is_online_and_who_left(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    bobs_entry = f"#members li:has(.name:text-is('{bob.name}'))"
    alice.page.wait_for_selector(f"{bobs_entry}.online")
    assert alice.page.text_content(f"{bobs_entry} .status") == "online"
    bob.page.close()  # his only tab: once the server notices (next heartbeat) and the grace is over
    alice.page.wait_for_selector(f"{bobs_entry}:not(.online)")
    assert alice.page.text_content(f"{bobs_entry} .status") == "offline"


def test_a_new_message_in_another_room_raises_its_unread_badge_until_it_is_read(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    general, random = create_room(alice, "general"), create_room(alice, "random")
    join(bob, general), join(bob, random)
    open_room(alice, general)
    other_tab = alice.context.new_page()  # the same person in a second tab, on the directory
    other_tab.goto(alice.base + "/rooms")
    other_tab.wait_for_function("() => window.Chat && window.Chat.live === true")
    badge = f"#room-nav li[data-room-id='{random}'] .unread"
    send(bob, "first")  # bob is in random now
    alice.page.wait_for_function(f"() => document.querySelector(\"{badge}\").textContent.startsWith('1')")
    send(bob, "second")
    alice.page.wait_for_function(f"() => document.querySelector(\"{badge}\").textContent.startsWith('2')")
    assert alice.page.title().startswith("(2) ")
    tab_badge = f"li[data-room-id='{random}'] .unread"
    other_tab.wait_for_function(f"() => document.querySelector(\"{tab_badge}\").textContent.startsWith('2')")
    alice.page.click(f"#room-nav li[data-room-id='{random}'] a")
    wait_for_bodies(alice, ["first", "second"])
    other_tab.wait_for_function(f"() => document.querySelector(\"{tab_badge}\").hidden")
    assert alice.page.is_hidden(f"#room-nav li[data-room-id='{general}'] .unread")
