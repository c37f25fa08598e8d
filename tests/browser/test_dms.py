"""Direct messages in the browser: starting one, and the other person hearing of it live."""
import re

import pytest

from tests.browser.steps import create_room, join, member, send, together, wait_for_bodies, wait_for_text, wait_live

DM_URL = re.compile(r".*/rooms/\d+$")


def test_alice_messages_bob_from_the_members_list_and_he_sees_it_arrive_in_his_sidebar(any_site, people):
    bob, alice = people(any_site, "bob", "alice")
    general = together(bob, alice)  # alice's page lists bob (he was there first)
    page = alice.page
    page.locator(member(bob.name)).locator("summary.menu-button").click()
    page.locator(member(bob.name)).get_by_role("button", name=f"Message {bob.name}").click()
    page.wait_for_url(DM_URL)
    wait_live(alice)
    dm = int(page.url.rsplit("/", 1)[1])
    assert dm != general
    assert page.text_content("h1#room-name") == f"{bob.name} direct message"
    assert page.title() == f"{bob.name} · Chat"
    assert page.locator("#dm-nav li a[aria-current=page] .room-label").text_content() == bob.name
    # Between two people: nobody to invite, remove or ban, and no settings.
    assert page.locator("aside form").count() == 0
    assert page.locator("#members .member-actions button").count() == 0
    entry = f"#dm-nav li[data-room-id='{dm}']"
    wait_for_text(bob, f"{entry} .room-label", alice.name)
    assert bob.page.url.endswith(f"/rooms/{general}")
    send(alice, "psst, got a minute?")
    bob.page.wait_for_selector(f"{entry} .unread:not([hidden])")
    assert bob.page.text_content(f"{entry} .unread") == "1 unread"
    assert bob.page.is_hidden(f"{entry} .mention-count")
    bob.page.click(f"{entry} a")
    wait_live(bob)
    wait_for_bodies(bob, ["psst, got a minute?"])
    assert bob.page.text_content("h1#room-name") == f"{alice.name} direct message"
    send(bob, "sure, what's up?")
    wait_for_bodies(alice, ["psst, got a minute?", "sure, what's up?"])


def test_the_directory_form_opens_the_one_conversation_the_two_of_them_share(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    general = create_room(alice, "general")
    page = bob.go("/rooms")
    page.get_by_label("Message someone by username").fill(alice.name.upper())
    page.get_by_role("button", name="Message", exact=True).click()
    page.wait_for_url(DM_URL)
    wait_live(bob)
    dm = int(page.url.rsplit("/", 1)[1])
    send(bob, "hi from the directory")
    wait_for_bodies(bob, ["hi from the directory"])
    join(bob, general)
    # alice's page (general) heard of the DM; from general she opens it through bob's name.
    alice.page.wait_for_selector(f"#dm-nav li[data-room-id='{dm}']")
    alice.go(f"/rooms/{general}").locator(member(bob.name)).locator("summary.menu-button").click()
    alice.page.locator(member(bob.name)).get_by_role("button", name=f"Message {bob.name}").click()
    alice.page.wait_for_url(re.compile(rf".*/rooms/{dm}$"))
    wait_live(alice)
    wait_for_bodies(alice, ["hi from the directory"])
    listed = alice.go("/rooms").locator(f"section[aria-labelledby=direct] li[data-room-id='{dm}']")
    assert listed.locator(".room-name").text_content() == bob.name
    assert listed.locator(".badge").text_content() == "direct message"


@pytest.mark.parametrize("whom, error", [
    ("nobody_by_that_name", "There is no user with that name."),
    ("yourself", "A direct message needs someone else."),
])
def test_the_directory_form_says_why_it_cannot_start_a_conversation(embedded, people, whom, error):
    alice = people(embedded, "alice")
    page = alice.go("/rooms")
    box = page.get_by_label("Message someone by username")
    box.fill(alice.name if whom == "yourself" else whom)
    alice.expected_errors.append("400 (BAD REQUEST)")
    page.get_by_role("button", name="Message", exact=True).click()
    page.wait_for_selector(".field.invalid .errors")
    assert page.url.endswith("/dms")
    assert box.get_attribute("aria-invalid") == "true"
    assert page.text_content(f"#{box.get_attribute('aria-describedby')}").strip() == error

