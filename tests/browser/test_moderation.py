"""A room's owner in the browser: removing and banning members, renaming the room and setting its topic."""
import re

from tests.browser.steps import join, member, open_room, send, together, wait_for_bodies, wait_for_text, wait_live

SYSTEM = """() => Array.from(document.querySelectorAll('#messages li.message.system .body')).map(b => b.textContent)"""


def wait_for_system(person, bodies):
    """Until the page shows exactly these system lines ("bob joined" too), in order."""
    person.page.wait_for_function(f"expected => JSON.stringify(({SYSTEM})()) === JSON.stringify(expected)", arg=bodies)


def test_a_removed_member_is_taken_to_the_directory_and_can_join_again(any_site, people):
    alice, bob, mallory = people(any_site, "alice", "bob", "mallory")
    room = together(alice, bob, mallory)
    for who in (alice, bob):
        open_room(who, room)
    alice.page.wait_for_selector(member(mallory.name))
    assert bob.page.locator(f"{member(mallory.name)} button").all_text_contents() == ["Message"]  # bob is no owner
    assert bob.page.locator("details.room-settings").count() == 0
    assert alice.page.locator(f"{member(alice.name)} .member-actions").count() == 0
    alice.page.locator(member(mallory.name)).locator("summary.menu-button").click()
    alice.page.locator(member(mallory.name)).locator("summary", has_text="Remove").click()
    alice.page.get_by_role("button", name=f"Remove {mallory.name}").click()
    alice.page.wait_for_selector(f".flashes:has-text('{mallory.name} was removed.')")
    mallory.page.wait_for_url("**/rooms?left=removed")
    assert mallory.page.is_visible("text=A room's owner removed you from it.")
    assert mallory.page.is_visible(f"section[aria-labelledby=public] li:has(a[href$='/rooms/{room}'])")
    # bob and mallory joined (the owner's creating the room is no line), then the removal: no "left" after it.
    joins = [f"{bob.name} joined", f"{mallory.name} joined"]
    said = f"{alice.name} removed {mallory.name}"
    wait_for_system(bob, joins + [said])
    bob.page.wait_for_selector(member(mallory.name), state="detached")
    assert alice.page.locator(member(mallory.name)).count() == 0
    wait_for_system(alice, joins + [said])  # from the server, after the form's redirect
    mallory.go(f"/rooms/{room}").click("button:has-text('Join')")
    wait_live(mallory)
    send(mallory, "sorry, I'll behave")
    wait_for_bodies(bob, ["sorry, I'll behave"])
    wait_for_system(bob, joins + [said, f"{mallory.name} joined"])


def test_a_banned_member_is_taken_out_and_told_so_when_they_try_to_join_again(embedded, people):
    alice, bob, mallory = people(embedded, "alice", "bob", "mallory")
    room = together(alice, bob, mallory)
    send(mallory, "buy cheap watches")
    open_room(alice, room)
    alice.page.locator(member(mallory.name)).locator("summary.menu-button").click()
    alice.page.locator(member(mallory.name)).locator("summary", has_text="Ban").click()
    alice.page.get_by_role("button", name=f"Ban {mallory.name}").click()
    alice.page.wait_for_selector(f".flashes:has-text('{mallory.name} was banned.')")
    mallory.page.wait_for_url("**/rooms?left=banned")
    assert mallory.page.is_visible("text=A room's owner banned you from it: you cannot join it again.")
    said = [f"{bob.name} joined", f"{mallory.name} joined", f"{alice.name} banned {mallory.name}"]
    wait_for_bodies(bob, ["buy cheap watches"])
    wait_for_system(bob, said)
    # bob and mallory joined (#m1, #m2), mallory spoke (#m3), then the ban: one line, no "left" after it.
    assert bob.page.locator("#messages li.system").evaluate_all("items => items.map(li => li.id)") == ["m1", "m2", "m4"]
    mallory.expected_errors.append("403 (FORBIDDEN)")
    mallory.go(f"/rooms/{room}").click("button:has-text('Join')")
    mallory.page.wait_for_selector("h1:text-is('You are banned from this room.')")
    assert mallory.page.is_visible("text=Error 403")
    open_room(bob, room)
    wait_for_system(bob, said)  # rendered by the server this time
    assert bob.page.locator(member(mallory.name)).count() == 0


def test_the_owner_can_ban_someone_who_joined_while_her_page_was_open(embedded, people):
    alice, mallory = people(embedded, "alice", "mallory")
    room = together(alice, name="general")
    join(mallory, room)
    send(mallory, "buy cheap watches")
    wait_for_bodies(alice, ["buy cheap watches"])
    alice.page.wait_for_selector(f"#members li:has(.name:text-is('{mallory.name}'))")
    alice.page.locator(member(mallory.name)).locator("summary.menu-button").click(timeout=3_000)
    alice.page.locator(member(mallory.name)).locator("summary", has_text="Ban").click()
    alice.page.get_by_role("button", name=f"Ban {mallory.name}").click()
    mallory.page.wait_for_url("**/rooms?left=banned")


def test_renaming_the_room_and_setting_its_topic_show_at_once_for_everyone_in_it(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob, name="general")
    page = alice.page
    assert page.locator("#room-name").count() == 1 and page.locator("#room-topic").count() == 1  # ids used once
    page.click("details.room-settings summary")
    assert page.get_by_label("Room name").input_value() == "general"
    page.get_by_label("Room name").fill("launch crew")
    page.get_by_label("Topic").fill("T-minus 3 days")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf".*/rooms/{room}$"))
    said = [f"{bob.name} joined", f"{alice.name} renamed the room to \u201claunch crew\u201d",
            f"{alice.name} changed the topic to \u201cT-minus 3 days\u201d"]
    wait_for_system(bob, said)
    wait_for_text(bob, "#room-name .room-title", "launch crew")
    wait_for_text(bob, "#room-topic", "T-minus 3 days")
    assert bob.page.is_visible("#room-topic")
    wait_for_text(bob, f"#room-nav li[data-room-id='{room}'] .room-label", "launch crew")
    assert page.text_content("#room-name .room-title") == "launch crew"
    wait_for_system(alice, said)
    assert page.title() == "launch crew · Chat"


def test_a_blank_room_name_is_refused_next_to_the_field(embedded, people):
    alice = people(embedded, "alice")
    together(alice, name="general")
    page = alice.page
    page.click("details.room-settings summary")
    page.get_by_label("Room name").fill("   ")
    alice.expected_errors.append("400 (BAD REQUEST)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("details.room-settings[open] .field.invalid .errors")
    name = page.get_by_label("Room name")
    assert name.get_attribute("aria-invalid") == "true"
    assert page.text_content("#room-name .room-title") == "general"
