"""Opening a found message: from a search result or a permalink, centred, marked,
and named; the search page beside the user's rooms; a prefix for a word half typed."""
import re

import pytest

from tests.browser.conftest import CHECK, DESKTOP, PHONE, screenshot
from tests.browser.steps import create_room, join, seeded, send, wait_for_bodies, wait_live

# How far the message's centre is from the history window's centre, in pixels.
OFF_CENTRE = """id => { const m = document.getElementById(id).getBoundingClientRect(),
    s = document.getElementById('scroller').getBoundingClientRect();
    return Math.abs((m.top + m.bottom) / 2 - (s.top + s.bottom) / 2); }"""


def a_long_run(person, room):
    """60 messages of `person`'s in one run (posted within a minute); the 30th says
    "deploy the lander". Returns its seq."""
    seeded(person, room, 29, prefix="before")
    api = person.api()
    status, message = api.call("POST", f"/rooms/{room}/messages", {"body": "deploy the lander"})
    assert status == 201
    seeded(person, room, 30, prefix="after")
    return message["seq"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_search_result_opens_its_message_centred_marked_and_named_inside_its_run(embedded, people, viewport):
    alice = people(embedded, "alice", viewport=viewport)
    room = create_room(alice, "launches")
    seq = a_long_run(alice, room)
    page = alice.go("/search?q=lander")
    page.locator(".search-result a").click()
    page.wait_for_url(re.compile(rf".*/rooms/{room}\?around={seq}#m{seq}$"))
    wait_live(alice)
    target = f"#m{seq}"
    assert page.get_attribute(target, "class").split()[:3] == ["message", "highlight", "grouped"]
    assert page.evaluate(OFF_CENTRE, f"m{seq}") < 10
    # Its author and time show although it continues a run; its neighbours' stay hidden.
    # (A hidden header is clipped to a 1px box, its insides keeping their size.)
    for part in (".meta", ".meta .author", ".meta time"):
        assert page.is_visible(target + " " + part)
        box = page.locator(target + " " + part).bounding_box()
        assert box["width"] > 10 and box["height"] > 8
    assert page.text_content(target + " .author") == alice.name
    assert page.locator(f"#m{seq + 1} .meta").bounding_box()["width"] <= 1
    screenshot(page, "permalink" if viewport == DESKTOP else "permalink-phone")


def test_a_permalink_opens_at_its_message_centred_after_the_room_page_loaded(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "launches")
    seq = a_long_run(alice, room)
    page = alice.go(f"/rooms/{room}/messages/{seq - 10}")
    wait_live(alice)
    assert page.evaluate(OFF_CENTRE, f"m{seq - 10}") < 10
    assert page.locator(f"#m{seq - 10} .meta").bounding_box()["width"] > 10


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_search_page_keeps_the_sidebar_with_unread_counts(embedded, people, viewport):
    alice, bob = people(embedded, "alice", "bob", viewport=viewport)
    room = create_room(alice, "launches")
    join(bob, room)
    page = bob.go("/search?q=anything")
    wait_live(bob)
    entry = page.locator(f".sidebar li[data-room-id='{room}']")
    assert entry.is_visible() and "launches" in entry.text_content()
    assert page.is_hidden(f".sidebar li[data-room-id='{room}'] .unread")
    send(alice, "news while bob searches")
    page.wait_for_selector(f".sidebar li[data-room-id='{room}'] .unread:text('1')")  # kept live
    search_box = page.locator("form.search-form").bounding_box()
    sidebar = page.locator(".sidebar").bounding_box()
    if viewport == DESKTOP:  # beside the search; on a phone, a strip above it
        assert sidebar["x"] + sidebar["width"] <= search_box["x"]
    else:
        assert sidebar["y"] + sidebar["height"] <= search_box["y"] and sidebar["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "search-sidebar" if viewport == DESKTOP else "search-sidebar-phone")
    entry.locator("a").click()
    page.wait_for_url(re.compile(rf".*/rooms/{room}$"))


def test_a_word_half_typed_finds_nothing_the_page_says_so_and_its_prefix_leads_to_the_message(any_site, people, axe_source):
    alice = people(any_site, "alice", init_script=axe_source)
    room = create_room(alice, "launches")
    for body in ("lunch at noon", "we deploy at dawn"):
        send(alice, body)
    wait_for_bodies(alice, ["lunch at noon", "we deploy at dawn"])
    page = alice.page
    page.get_by_label("Search messages").fill("deplo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=deplo$"))
    assert "No messages in your rooms match “deplo”." in page.text_content("#no-match")
    assert page.text_content("#no-match .suggestion") == "deplo*"
    assert page.locator(".search-result mark").all_text_contents() == ["deploy"]
    assert page.evaluate(CHECK) == []  # WCAG AA, with the sidebar and the suggestion
    page.locator(".search-result a").click()
    page.wait_for_url(re.compile(rf".*/rooms/{room}\?around=2#m2$"))
    wait_live(alice)
    assert page.text_content("#m2.highlight .body") == "we deploy at dawn"
    # The suggestion is a search of its own, which the API answers alike.
    page.goto(alice.base + "/search?q=deplo*")
    assert page.locator(".search-result mark").all_text_contents() == ["deploy"]
    status, found = alice.api().call("GET", "/search?q=deplo*")
    assert status == 200 and [r["message"]["body"] for r in found["results"]] == ["we deploy at dawn"]
