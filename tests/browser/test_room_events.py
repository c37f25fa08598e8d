"""Joins and leaves appear in the room as system lines: live in an open window,
and again, the same words, when the page is loaded afresh."""
from tests.browser.conftest import screenshot
from tests.browser.steps import create_room, join, open_room

SYSTEM = """() => Array.from(document.querySelectorAll('#messages li.message.system .body')).map(b => b.textContent)"""


def wait_for_system(person, lines):
    """Until the page shows exactly these system lines, in order."""
    person.page.wait_for_function(f"expected => JSON.stringify(({SYSTEM})()) === JSON.stringify(expected)", arg=lines)


def test_bob_sees_carol_join_and_leave_live_and_again_after_a_reload(embedded, people):
    bob, carol = people(embedded, "bob", "carol")
    room = create_room(bob, "events")
    wait_for_system(bob, [])
    join(carol, room)
    wait_for_system(bob, [f"{carol.name} joined"])
    carol.page.click("summary:has-text('Leave room')")
    carol.page.get_by_role("button", name="Leave this room").click()
    carol.page.wait_for_url("**/rooms")
    said = [f"{carol.name} joined", f"{carol.name} left"]
    wait_for_system(bob, said)
    screenshot(bob.page, "room-events")
    open_room(bob, room)
    wait_for_system(bob, said)
