"""@ in the composer (or an edit box) offers the room's members, filtered as you
type, picked with the keyboard or a click, and never sends the message on the way."""
import pytest

from tests.browser.conftest import CHECK, DESKTOP, PHONE, screenshot
from tests.browser.steps import member, messages, send, together, wait_for_bodies

LIST = "#mention-list"
LISTED = """() => { const list = document.getElementById('mention-list');
    return list.hidden ? null : Array.from(list.querySelectorAll('[role=option]')).map(o => o.dataset.username); }"""
ARIA = """() => { const box = document.getElementById('body'), list = document.getElementById('mention-list');
    const active = list.querySelector('[aria-selected=true]');
    return {role: box.getAttribute('role'), expanded: box.getAttribute('aria-expanded'),
            controls: box.getAttribute('aria-controls'), autocomplete: box.getAttribute('aria-autocomplete'),
            descendant: box.getAttribute('aria-activedescendant'), list: list.id, listRole: list.getAttribute('role'),
            roles: Array.from(list.children).map(o => o.getAttribute('role')),
            active: active && active.id, activeName: active && active.dataset.username}; }"""
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def listed(person):
    """The usernames the open list offers, top to bottom; None while it is closed."""
    return person.page.evaluate(LISTED)


def wait_listed(person, names):
    person.page.wait_for_function(f"names => JSON.stringify(({LISTED})()) === JSON.stringify(names)", arg=names)


def typed(person, text):
    """Type into the composer key by key, as a person does."""
    person.page.locator("#body").press_sequentially(text)


@WIDTHS
def test_typing_at_lists_the_other_members_and_each_letter_narrows_the_list(embedded, people, viewport):
    alice, bob, carol = people(embedded, "alice", "bob", "carol", viewport=viewport)
    together(alice, bob, carol)
    assert listed(alice) is None
    typed(alice, "hey @")
    assert sorted(listed(alice)) == sorted([bob.name, carol.name])  # not alice herself
    typed(alice, "CaR")  # in any case; names end in hex digits, which have no "r"
    assert listed(alice) == [carol.name]
    assert alice.page.text_content(f"{LIST} strong") == "car"  # the part typed so far stands out
    typed(alice, "zz")
    assert listed(alice) is None  # no one is called that
    alice.page.keyboard.press("Backspace")
    alice.page.keyboard.press("Backspace")
    assert listed(alice) == [carol.name]  # back to a name's letters: back again
    typed(alice, " ")
    assert listed(alice) is None  # a space ends the name
    alice.page.fill("#body", "")
    typed(alice, f"mail {bob.name}@")  # not the start of a word: an address, not a mention
    assert listed(alice) is None


def test_names_that_start_with_the_letters_come_before_names_that_only_contain_them(embedded, people):
    ann, joanna, bob = people(embedded, "ann", "joanna", "bob")
    together(bob, joanna, ann)
    typed(bob, "@ann")
    assert listed(bob) == [ann.name, joanna.name]
    typed(bob, "a")
    assert listed(bob) == [joanna.name]


@WIDTHS
def test_arrow_down_and_enter_insert_the_name_and_do_not_send_the_message(embedded, people, viewport):
    alice, bob, carol = people(embedded, "alice", "bob", "carol", viewport=viewport)
    together(alice, bob, carol)
    page = alice.page
    typed(alice, "thanks @")
    offered = listed(alice)
    assert len(offered) == 2
    assert page.evaluate(ARIA)["activeName"] == offered[0]  # the first is ready for Enter
    page.keyboard.press("ArrowDown")
    assert page.evaluate(ARIA)["activeName"] == offered[1]
    page.keyboard.press("ArrowDown")  # round to the top
    page.keyboard.press("ArrowUp")  # and back to the bottom
    assert page.evaluate(ARIA)["activeName"] == offered[1]
    page.keyboard.press("Enter")
    assert page.input_value("#body") == f"thanks @{offered[1]} "
    assert listed(alice) is None
    assert page.evaluate("() => document.getElementById('body').selectionStart") == len(f"thanks @{offered[1]} ")
    typed(alice, "for the review")
    assert messages(alice) == []  # nothing was sent by the Enter that picked the name
    page.keyboard.press("Enter")  # with the list closed, Enter sends again
    wait_for_bodies(bob, [f"thanks @{offered[1]} for the review"])


def test_tab_inserts_the_active_name_in_the_middle_of_a_message(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    page = alice.page
    page.fill("#body", "ask  about it")
    page.evaluate("() => document.getElementById('body').setSelectionRange(4, 4)")
    typed(alice, "@" + bob.name[:2])
    page.keyboard.press("Tab")
    assert page.input_value("#body") == f"ask @{bob.name} about it"
    assert page.evaluate("() => document.activeElement.id") == "body"  # Tab did not leave the composer


def test_escape_closes_the_list_and_it_stays_closed_for_that_name(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    page = alice.page
    typed(alice, "@")
    assert listed(alice) == [bob.name]
    page.keyboard.press("Escape")
    assert listed(alice) is None and page.evaluate(ARIA)["expanded"] == "false"
    assert page.evaluate(ARIA)["descendant"] is None
    typed(alice, bob.name[:2])
    assert listed(alice) is None  # not reopened while finishing the same word
    page.keyboard.press("Enter")
    wait_for_bodies(bob, ["@" + bob.name[:2]])
    typed(alice, "@")
    assert listed(alice) == [bob.name]  # a new @ offers it again


@WIDTHS
def test_clicking_a_member_inserts_the_name_and_keeps_typing_in_the_composer(embedded, people, viewport):
    alice, bob, carol = people(embedded, "alice", "bob", "carol", viewport=viewport)
    together(alice, bob, carol)
    page = alice.page
    typed(alice, "ping @ca")
    page.click(f"{LIST} [data-username='{carol.name}']")
    assert page.input_value("#body") == f"ping @{carol.name} "
    assert listed(alice) is None
    assert page.evaluate("() => document.activeElement.id") == "body"
    assert messages(alice) == []


def test_someone_who_joins_while_the_list_is_open_is_offered_at_once(embedded, people):
    alice, bob, dave = people(embedded, "alice", "bob", "dave")
    room = together(alice, bob)
    typed(alice, "@")
    assert listed(alice) == [bob.name]
    status, _ = dave.api().call("POST", f"/rooms/{room}/members", {})
    assert status == 201
    alice.page.wait_for_selector(member(dave.name))
    wait_listed(alice, sorted([bob.name, dave.name]))


@WIDTHS
def test_the_open_list_is_an_accessible_combobox_and_passes_wcag_checks(embedded, people, axe_source, viewport):
    alice, bob, carol = people(embedded, "alice", "bob", "carol", init_script=axe_source, viewport=viewport)
    together(alice, bob, carol)
    send(bob, "the deploy is green")
    wait_for_bodies(alice, ["the deploy is green"])
    page = alice.page
    assert page.evaluate(ARIA)["expanded"] == "false"
    typed(alice, "nice work @")
    page.keyboard.press("ArrowDown")
    aria = page.evaluate(ARIA)
    assert aria == {"role": "combobox", "expanded": "true", "controls": "mention-list", "autocomplete": "list",
                    "descendant": aria["active"], "list": "mention-list", "listRole": "listbox",
                    "roles": ["option", "option"], "active": "mention-option-1", "activeName": listed(alice)[1]}
    assert page.get_by_role("listbox", name="Members to mention").is_visible()
    box, composer = page.locator(LIST).bounding_box(), page.locator("#body").bounding_box()
    assert box["y"] + box["height"] <= composer["y"]  # above the composer, hiding none of it
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate(CHECK) == []
    screenshot(page, "autocomplete" if viewport is DESKTOP else "autocomplete-phone")


def test_in_an_edit_box_enter_picks_the_name_and_escape_closes_only_the_list(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    together(alice, bob)
    send(alice, "ask")
    wait_for_bodies(bob, ["ask"])
    page = alice.page
    page.press("#body", "ArrowUp")
    box = page.locator("#m2 textarea[aria-label='Edit message']")  # after seq 1, "bob joined"
    box.press("End")
    box.press_sequentially(" @")
    assert listed(alice) == [bob.name]
    assert box.get_attribute("aria-activedescendant") == "mention-option-0"
    box.press("Escape")
    assert listed(alice) is None and box.is_visible()  # still editing
    box.press_sequentially(" @" + bob.name[:3])
    box.press("Enter")
    assert box.input_value() == f"ask @ @{bob.name} "
    box.press("Enter")  # now it saves
    wait_for_bodies(bob, [f"ask @ @{bob.name}"])
