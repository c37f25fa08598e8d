"""Rooms in the browser: private rooms by invitation, joining and leaving live."""
from tests.browser.steps import create_room, open_room, send, wait_for_bodies, wait_live


def test_an_invitation_to_a_private_room_appears_in_the_sidebar_at_once(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    lobby = create_room(bob, "lobby")  # bob is on a room page, with its sidebar
    secret = create_room(alice, "secret", private=True)
    alice.page.fill("#username", bob.name.upper())
    alice.page.click("form[action$='/invite'] button")
    alice.page.wait_for_selector(f".flashes:has-text('{bob.name} is now a member.')")
    entry = bob.page.wait_for_selector(f"#room-nav li[data-room-id='{secret}']")
    assert "secret" in entry.text_content()
    assert bob.page.url.endswith(f"/rooms/{lobby}")
    bob.page.click(f"#room-nav li[data-room-id='{secret}'] a")
    wait_live(bob)
    send(bob, "thanks for the invite")
    wait_for_bodies(alice, ["thanks for the invite"])
    assert alice.page.is_visible(f"#members li:has(.name:text-is('{bob.name}'))")


def test_leaving_a_room_takes_you_to_the_directory_and_off_its_members_list(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = create_room(alice, "general")
    bob.go(f"/rooms/{room}").click("button:has-text('Join')")
    wait_live(bob)
    open_room(alice, room)
    bobs_entry = f"#members li:has(.name:text-is('{bob.name}'))"
    alice.page.wait_for_selector(bobs_entry)
    bob.page.click("summary:has-text('Leave room')")  # it asks first
    bob.page.get_by_role("button", name="Leave this room").click()
    bob.page.wait_for_url("**/rooms")
    assert bob.page.is_visible(".flashes:has-text('You left general.')")
    alice.page.wait_for_selector(bobs_entry, state="detached")
