"""Reactions in the browser: chips that count, live in the other window, pressed
only where the reaction is yours, the same after a reload; a picker the keyboard
works; and a room with reactions that axe finds nothing wrong with.

In each room here, seq 1 is the system line "bob joined": the messages start at 2."""
from tests.browser.conftest import CHECK
from tests.browser.steps import act_on, open_room, send, together, wait_for_bodies

THUMBS = "\U0001f44d"
HEART = "\u2764\ufe0f"
# The chips of message `seq`: [{emoji, count, pressed, names}], as the reader sees them.
CHIPS = """seq => Array.from(document.querySelectorAll('#m' + seq + ' .reactions .reaction')).map(b => ({
    emoji: b.dataset.emoji, count: Number(b.querySelector('.count').textContent),
    pressed: b.getAttribute('aria-pressed') === 'true', names: b.title, label: b.getAttribute('aria-label')}))"""


def chips(person, seq=2):
    return person.page.evaluate(CHIPS, seq)


def wait_for_chips(person, expected, seq=2):
    """Until message `seq` shows exactly these (emoji, count, pressed) chips."""
    person.page.wait_for_function(
        f"""([seq, expected]) => JSON.stringify(({CHIPS})(seq).map(c => [c.emoji, c.count, c.pressed]))
            === JSON.stringify(expected)""", arg=[seq, expected])


def chip(person, emoji, seq=2):
    return person.page.locator(f'#m{seq} .reactions .reaction[data-emoji="{emoji}"]')


def focused(person):
    return person.page.evaluate("() => document.activeElement.getAttribute('aria-label') || document.activeElement.id")


def test_alice_reacts_and_bob_sees_the_count_change_live_each_pressed_only_where_it_is_theirs(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = together(alice, bob)
    send(alice, "ship it?")
    wait_for_bodies(bob, ["ship it?"])
    act_on(alice, 2, "Add reaction")
    alice.page.get_by_role("menuitem", name="thumbs up").click()
    wait_for_chips(bob, [[THUMBS, 1, False]])
    wait_for_chips(alice, [[THUMBS, 1, True]])
    assert chips(bob)[0]["names"] == alice.name
    chip(bob, THUMBS).click()
    wait_for_chips(bob, [[THUMBS, 2, True]])
    wait_for_chips(alice, [[THUMBS, 2, True]])
    assert chips(alice)[0]["names"] == f"{alice.name}, {bob.name}"
    assert chips(alice)[0]["label"] == f"{THUMBS} 2: {alice.name}, {bob.name}"
    chip(bob, THUMBS).click()  # bob takes his back
    wait_for_chips(alice, [[THUMBS, 1, True]])
    wait_for_chips(bob, [[THUMBS, 1, False]])
    shown = {"alice": chips(alice), "bob": chips(bob)}
    for person in (alice, bob):
        open_room(person, room)  # rendered by the server this time
    assert {"alice": chips(alice), "bob": chips(bob)} == shown
    chip(alice, THUMBS).click()  # the server's chips toggle too
    wait_for_chips(bob, [])
    wait_for_chips(alice, [])


def test_the_picker_works_from_the_keyboard_and_escape_gives_the_focus_back(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    send(bob, "the demo went well")
    wait_for_bodies(alice, ["the demo went well"])
    page = alice.page
    page.click("#m2 .body")  # a message takes the focus; Tab then reaches its tools
    page.keyboard.press("Tab")
    assert focused(alice) == "Add reaction"
    page.keyboard.press("Enter")
    assert focused(alice) == "thumbs up"
    page.keyboard.press("ArrowLeft")  # round to the last one
    assert focused(alice) == "thumbs down"
    for key, name in (("ArrowRight", "thumbs up"), ("ArrowRight", "red heart"), ("ArrowDown", "check mark"),
                      ("ArrowUp", "red heart"), ("End", "thumbs down"), ("Home", "thumbs up")):
        page.keyboard.press(key)
        assert focused(alice) == name
    page.keyboard.press("Escape")
    assert page.locator("#m2 .picker").count() == 0
    assert focused(alice) == "Add reaction"
    assert page.get_attribute("#m2 .tool.react", "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # picks the red heart
    wait_for_chips(alice, [[HEART, 1, True]])
    wait_for_chips(bob, [[HEART, 1, False]])
    assert page.locator("#m2 .picker").count() == 0
    assert focused(alice) == "Add reaction"  # back on the tool that opened it
    bob.page.click("#m2 .body")
    for _ in range(5):  # past the message's tools to its chip
        bob.page.keyboard.press("Tab")
        if focused(bob).startswith(HEART):
            break
    tip = bob.page.eval_on_selector(f'#m2 .reaction[data-emoji="{HEART}"]',
                                    "b => getComputedStyle(b, '::after').content")
    assert tip == f'"{alice.name}"'  # who chose it, shown to the keyboard too
    bob.page.keyboard.press("Enter")
    wait_for_chips(alice, [[HEART, 2, True]])
    assert focused(bob) == f"{HEART} 2: {alice.name}, {bob.name}"  # still on the chip, as it now stands


def test_a_reaction_arriving_while_alice_edits_leaves_her_edit_box_and_its_text_alone(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    send(alice, "standup at 10")
    wait_for_bodies(bob, ["standup at 10"])
    act_on(alice, 2, "Edit message")
    box = alice.page.get_by_role("textbox", name="Edit message")
    box.fill("standup at 10:30")
    status, _ = bob.api().call("PUT", f"/rooms/{room}/messages/2/reactions/%F0%9F%91%8D", None)
    assert status == 200
    wait_for_chips(alice, [[THUMBS, 1, False]])
    assert box.input_value() == "standup at 10:30"
    assert focused(alice) == "Edit message"


def test_a_room_with_reactions_and_an_open_picker_passes_wcag_aa_checks(embedded, people, axe_source):
    alice, bob = people(embedded, "alice", "bob", init_script=axe_source)
    together(alice, bob)
    send(bob, "lunch?")
    wait_for_bodies(alice, ["lunch?"])
    act_on(alice, 2, "Add reaction")
    alice.page.get_by_role("menuitem", name="thumbs up").click()
    act_on(bob, 2, "Add reaction")
    bob.page.get_by_role("menuitem", name="party popper").click()
    wait_for_chips(alice, [[THUMBS, 1, True], ["\U0001f389", 1, False]])
    found = {"room with reactions": alice.page.evaluate(CHECK)}
    act_on(alice, 2, "Add reaction")
    found["open picker"] = alice.page.evaluate(CHECK)
    assert found == {name: [] for name in found}
