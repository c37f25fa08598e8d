"""The room's layout in Chromium: on a phone the page is the screen, with the
composer on it at every width and with the keyboard up, one line of rooms, and the
members behind a header button; without JavaScript a room opens at its newest."""
import pytest

from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.steps import create_room, join, member, open_room, seeded, send, wait_live

WIDTHS = [320, 390, 430]
ROOMS = ["design review", "release planning", "random", "support desk", "customer calls"]

# Where things are, in viewport pixels, and how far the document scrolls.
LAYOUT = """() => {
    const box = el => { const r = el.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; };
    const strip = document.querySelector('nav.sidebar');
    return {width: innerWidth, height: innerHeight,
            scrollHeight: document.scrollingElement.scrollHeight, scrollWidth: document.scrollingElement.scrollWidth,
            body: box(document.getElementById('body')),
            send: box(Array.from(document.querySelectorAll('#composer button')).find(b => b.textContent.trim() === 'Send')),
            stripRows: new Set(Array.from(strip.querySelectorAll('li')).map(li => Math.round(box(li).top))).size,
            stripScrolls: strip.scrollWidth > strip.clientWidth,
            strip: box(strip), current: box(strip.querySelector('a[aria-current=page]'))};
}"""


def inside(box, layout):
    return box["left"] >= 0 and box["top"] >= 0 and box["right"] <= layout["width"] and box["bottom"] <= layout["height"]


def edges(locator):
    box = locator.bounding_box()
    return {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"], "bottom": box["y"] + box["height"]}


def assert_fits(page):
    """The composer and Send are wholly on screen and the document scrolls neither way."""
    layout = page.evaluate(LAYOUT)
    assert inside(layout["body"], layout) and inside(layout["send"], layout), layout
    assert layout["scrollHeight"] <= layout["height"] and layout["scrollWidth"] <= layout["width"], layout
    return layout


def a_busy_account(people, site, **kwargs):
    """alice, in six rooms, one private, and a DM with bob; on the page of "support desk",
    which sorts late in the strip of rooms."""
    alice, bob = people(site, "alice", "bob", **kwargs)
    rooms = [create_room(alice, name) for name in ROOMS]
    create_room(alice, "secret plans", private=True)
    join(bob, rooms[3])
    open_room(alice, rooms[3])
    alice.page.locator(member(bob.name)).locator("summary.menu-button").click()
    alice.page.get_by_role("button", name=f"Message {bob.name}").click()
    wait_live(alice)
    send(alice, "hello")
    alice.page.wait_for_selector("#messages li[data-seq] .body:has-text('hello')")
    open_room(alice, rooms[3])
    return alice, bob, rooms[3]


def test_on_a_phone_the_composer_stays_on_screen_the_rooms_keep_to_one_line_and_members_open_from_the_header(
        embedded, people):
    alice, bob, room = a_busy_account(people, embedded)
    page = alice.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        open_room(alice, room)
        layout = assert_fits(page)
        assert layout["stripRows"] == 1 and layout["stripScrolls"], (width, layout)
        assert layout["strip"]["height"] < 60, (width, layout)
        current, strip = layout["current"], layout["strip"]
        assert strip["left"] <= current["left"] and current["right"] <= strip["right"], (width, layout)
        assert page.is_hidden("#members")
        screenshot(page, f"room-phone-{width}")
        toggle = page.get_by_role("button", name="Members: 2")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        entry = page.locator(member(bob.name))
        entry.wait_for()
        assert inside(edges(entry), layout)
        page.keyboard.press("Escape")
        page.wait_for_selector("#members", state="hidden")
        assert page.evaluate("() => document.activeElement.id") == "members-toggle"
        # The on-screen keyboard takes the bottom of the screen: the layout shrinks with it.
        page.click("#body")
        page.set_viewport_size({"width": width, "height": 500})
        assert_fits(page)
        assert page.evaluate("() => document.activeElement.id") == "body"


def test_the_drawer_closes_with_its_close_button_and_with_a_tap_outside(embedded, people):
    alice = people(embedded, "alice", viewport={"width": 390, "height": 844})
    create_room(alice, "general")
    page = alice.page
    page.click("#members-toggle")
    page.get_by_role("button", name="Close room details").click()
    page.wait_for_selector("#room-details", state="hidden")
    assert page.evaluate("() => document.activeElement.id") == "members-toggle"
    page.click("#members-toggle")
    page.wait_for_selector("#room-details", state="visible")
    page.mouse.click(20, 400)  # on the conversation, beside the drawer
    page.wait_for_selector("#room-details", state="hidden")


def test_on_a_desktop_the_members_are_a_column_and_the_header_button_is_not_shown(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = create_room(alice, "general")
    join(bob, room)
    assert alice.page.is_visible(member(bob.name)) and alice.page.is_hidden("#members-toggle")
    assert_fits(alice.page)
    # With script the history scrolls the ordinary way (history.js counts on it).
    assert alice.page.evaluate("""() => document.documentElement.className === 'js'
        && getComputedStyle(document.getElementById('scroller')).flexDirection !== 'column-reverse'""")


@pytest.fixture
def without_script(browser):
    """A page for `person` (already signed up) in a context with JavaScript off."""
    contexts = []

    def open_for(person, viewport=DESKTOP):
        context = browser.new_context(java_script_enabled=False, viewport=viewport)
        context.add_cookies(person.context.cookies())
        contexts.append(context)
        return context.new_page()

    yield open_for
    for context in contexts:
        context.close()


def test_without_javascript_a_room_opens_at_its_newest_message(embedded, people, without_script):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    seeded(alice, room, 60)
    page = without_script(alice)
    page.goto(f"{alice.base}/rooms/{room}")
    assert page.evaluate("() => document.documentElement.className") == "no-js"
    shown = page.locator("#messages li.message")
    assert [shown.first.locator(".body").text_content(), shown.last.locator(".body").text_content()] == \
        ["message 11", "message 60"]  # the latest page, in order
    scroller, newest, oldest = (box.bounding_box() for box in (page.locator("#scroller"), shown.last, shown.first))
    assert scroller["y"] <= newest["y"] and newest["y"] + newest["height"] <= scroller["y"] + scroller["height"]
    assert oldest["y"] + oldest["height"] < scroller["y"]  # the page's oldest is above, a scroll away
    screenshot(page, "room-no-js")


def test_without_javascript_a_room_with_news_opens_at_its_newest_and_a_link_goes_up_to_the_new_line(
        embedded, people, without_script):
    alice, bob = people(embedded, "alice", "bob")
    room = create_room(alice, "launches")
    join(bob, room)
    seeded(alice, room, 20, prefix="old")
    open_room(bob, room)  # the page marks what it shows read
    bob.go("/rooms")
    seeded(alice, room, 30, prefix="news")
    page = without_script(bob)
    page.goto(f"{bob.base}/rooms/{room}")
    newest, divider = page.locator("#messages li.message").last, page.locator("#unread")
    assert newest.locator(".body").text_content() == "news 30" and newest.is_visible()
    scroller = page.locator("#scroller").bounding_box()
    assert divider.bounding_box()["y"] < scroller["y"]  # news 1 is a scroll away, above
    page.click("a.nojs-jump")
    box = divider.bounding_box()
    assert scroller["y"] <= box["y"] and box["y"] + box["height"] <= scroller["y"] + scroller["height"]


def test_without_javascript_the_members_button_opens_the_drawer_and_its_close_link_shuts_it(
        embedded, people, without_script):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    page = without_script(alice, viewport={"width": 390, "height": 844})
    page.goto(f"{alice.base}/rooms/{room}")
    assert page.is_hidden("#members")
    page.click("#members-toggle")
    assert page.is_visible(member(alice.name))
    page.click("#drawer-close")
    assert page.is_hidden("#members")
    assert_fits(page)


def test_screenshots_of_a_room_at_desktop_and_phone_widths(embedded, people):
    alice, bob, carol = people(embedded, "alice", "bob", "carol")
    room = create_room(alice, "design review")
    for other in (bob, carol):
        join(other, room)
    for who, text in [(alice, "Morning! The new layout is up."), (alice, f"Thoughts, @{bob.name}?"),
                      (bob, "Looks great. Spec: https://example.com/spec (page 2)."), (carol, "One nit on the sidebar."),
                      (bob, "The room strip scrolls sideways on a phone now.")]:
        send(who, text)
    alice.page.wait_for_selector("#messages .body:has-text('The room strip scrolls sideways on a phone now.')")
    create_room(alice, "release planning", private=True)
    open_room(alice, room)
    screenshot(alice.page, "room-desktop")
    phone = alice.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{alice.base}/rooms/{room}")
    phone.wait_for_function("() => window.Chat && window.Chat.live === true")
    assert_fits(phone)
    screenshot(phone, "room-phone")
    phone.click("#members-toggle")
    phone.locator(member(bob.name)).wait_for()
    screenshot(phone, "room-phone-members")
    phone.close()
