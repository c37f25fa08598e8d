"""Coming back to a room with news: the "New" divider, and the way back to it."""
import pytest

from tests.browser.conftest import CHECK, DESKTOP, PHONE, screenshot
from tests.browser.steps import create_room, join, open_room, seeded, wait_live

# Where the divider is, seen from the history's window: 'above', 'below' or 'here'.
WHERE = """() => { const d = document.getElementById('unread').getBoundingClientRect(),
    s = document.getElementById('scroller').getBoundingClientRect();
    return d.bottom <= s.top ? 'above' : d.top >= s.bottom ? 'below' : 'here'; }"""
# The last message (not a system line) before the divider, and the first after it.
BESIDE = """() => { const items = [...document.querySelectorAll('#messages > li')],
    at = items.indexOf(document.getElementById('unread')),
    said = li => li.matches('.message:not(.system)'), body = li => li && li.querySelector('.body').textContent;
    return {before: body(items.slice(0, at).filter(said).pop()), after: body(items.slice(at + 1).find(said))}; }"""
SCROLL = "top => { const s = document.getElementById('scroller'); s.scrollTop = top; s.dispatchEvent(new Event('scroll')); }"


def away_while_news_arrives(site, people, viewport, **options):
    """bob, in alice's room, reads her first 50 messages and goes to the room list;
    she says 30 more, all one run. Returns (bob, room)."""
    alice, bob = people(site, "alice", "bob", viewport=viewport, **options)
    room = create_room(alice, "launches")
    join(bob, room)
    bob.go("/rooms")
    seeded(alice, room, 50, prefix="old")
    open_room(bob, room)  # the page marks what it shows read
    bob.go("/rooms")
    wait_live(bob)
    seeded(alice, room, 30, prefix="news")
    return bob, room


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_room_opens_at_the_new_divider_before_the_first_unread_and_the_jump_brings_it_back(embedded, people, viewport):
    bob, room = away_while_news_arrives(embedded, people, viewport)
    open_room(bob, room)
    page = bob.page
    around = page.evaluate(BESIDE)
    assert around == {"before": "old 50", "after": "news 1"}
    assert page.evaluate(WHERE) == "here"
    # It shows news 1's author and time although news 1 continues alice's run.
    assert "grouped" in page.get_attribute("#unread + li.message", "class")
    assert page.locator("#unread + li.message .meta").bounding_box()["width"] > 10  # a hidden one is clipped to 1px
    assert page.is_visible("#unread + li.message .meta .author") and page.is_visible("#unread + li.message .meta time")
    assert page.is_hidden("#unread-jump")
    screenshot(page, "unread-divider" if viewport == DESKTOP else "unread-divider-phone")

    # Scrolled back into older history, the divider is below: the control points down to it.
    page.evaluate(SCROLL, 0)
    page.wait_for_selector("#unread-jump", state="visible")
    assert page.text_content("#jump-unread") == "Jump to first unread ↓"
    assert "30 new messages since" in page.text_content("#unread-jump")
    page.click("#jump-unread")
    assert page.evaluate(WHERE) == "here"
    page.wait_for_selector("#unread-jump", state="hidden")

    # Read on past it, and it is above: the control points up, and brings it back.
    page.evaluate(SCROLL, 10 ** 6)
    page.wait_for_function(f"() => ({WHERE})() === 'above'")
    page.wait_for_selector("#unread-jump", state="visible")
    assert page.text_content("#jump-unread") == "Jump to first unread ↑"
    screenshot(page, "unread-jump" if viewport == DESKTOP else "unread-jump-phone")
    box, scroller = page.locator("#unread-jump").bounding_box(), page.locator("#scroller").bounding_box()
    assert scroller["y"] <= box["y"] and box["y"] + box["height"] < scroller["y"] + scroller["height"] / 2
    assert box["x"] >= scroller["x"] - 1 and box["x"] + box["width"] <= scroller["x"] + scroller["width"] + 1
    page.click("#jump-unread")
    assert page.evaluate(WHERE) == "here"
    page.wait_for_selector("#unread-jump", state="hidden")


def test_a_dismissed_jump_stays_away_and_a_room_without_news_has_no_divider(embedded, people, axe_source):
    bob, room = away_while_news_arrives(embedded, people, DESKTOP, init_script=axe_source)
    open_room(bob, room)
    page = bob.page
    page.evaluate(SCROLL, 0)
    page.wait_for_selector("#unread-jump", state="visible")
    assert page.evaluate(CHECK) == []  # WCAG AA, with the divider and the jump on screen
    page.click("#unread-jump button[aria-label=Dismiss]")
    page.wait_for_selector("#unread-jump", state="hidden")
    page.evaluate(SCROLL, 400)
    page.wait_for_timeout(200)  # a scroll that would have shown it
    assert page.is_hidden("#unread-jump")
    # The visit marked the news read: the next one opens at the newest, without a divider.
    open_room(bob, room)
    assert page.locator("#unread").count() == 0 and page.locator("#unread-jump").count() == 0
    assert page.evaluate("() => Chat.history.atBottom()")
