"""The composer near the limit and as it fills: a long paste is kept whole and
counted, refused with a reason until it is short enough, and the box grows with
its lines up to 40% of the screen, then scrolls, and shrinks back after a send."""
import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.steps import act_on, create_room, messages, send, wait_for_bodies

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
# 4,100 characters whose end shows whether anything was cut.
LONG = ("The deploy log, pasted whole. " * 137)[:4087] + " and the end."
COUNTER = "#composer .counter"
BOX = """() => { const box = document.getElementById('body'), r = box.getBoundingClientRect();
    const send = Array.from(document.querySelectorAll('#composer button')).find(b => b.textContent.trim() === 'Send');
    return {height: r.height, bottom: r.bottom, scrolls: box.scrollHeight > box.clientHeight + 1,
            view: innerHeight, send: send.getBoundingClientRect().bottom}; }"""


def paste(page, text, into="#body"):
    """Put `text` in the box at once, through the browser's text input, as a paste does."""
    page.locator(into).focus()
    page.keyboard.insert_text(text)


def stored(person, room):
    status, page = person.api().call("GET", f"/rooms/{room}/messages")
    assert status == 200
    return [m["body"] for m in page["messages"]]


def counter(page):
    return page.eval_on_selector(COUNTER, """c => ({text: c.textContent, over: c.classList.contains('over'),
        role: c.getAttribute('role'), live: c.getAttribute('aria-live'), height: c.getBoundingClientRect().height,
        colour: getComputedStyle(c).color})""")


def posts(person):
    """The message POSTs the page makes from now on."""
    sent = []
    person.page.on("request", lambda r: r.method == "POST" and r.url.endswith("/messages") and sent.append(r.url))
    return sent


@WIDTHS
def test_a_long_paste_is_kept_whole_counted_and_refused_until_it_is_trimmed_to_the_limit(embedded, people, viewport):
    alice = people(embedded, "alice", viewport=viewport)
    room = create_room(alice, "general")
    page, sent = alice.page, posts(alice)
    assert len(LONG) == 4100 and counter(page)["text"] == "" and counter(page)["height"] == 0
    paste(page, LONG)
    assert page.input_value("#body") == LONG  # nothing cut
    shown = counter(page)
    assert shown["text"] == "4,100 / 4,000 characters: 100 too many"
    assert shown["over"] and shown["colour"] == "rgb(201, 42, 42)"
    assert (shown["role"], shown["live"]) == ("status", "polite")
    assert page.get_attribute("#body", "aria-invalid") == "true"
    page.press("#body", "Enter")
    alert = page.wait_for_selector("#composer .form-errors[role=alert] li")
    assert alert.text_content().startswith("Message must be at most 4,000 characters; this one has 4,100.")
    screenshot(page, f"composer-over-the-limit-{'phone' if viewport == PHONE else 'desktop'}")
    page.click("#composer button.primary")  # Send: refused the same way
    assert page.input_value("#body") == LONG and messages(alice) == [] and sent == []
    page.eval_on_selector("#body", "box => box.setSelectionRange(4000, 4100)")
    page.press("#body", "Backspace")
    assert counter(page)["text"] == "4,000 / 4,000" and not counter(page)["over"]
    assert page.locator("#composer .form-errors").is_hidden()  # the reason goes with the excess
    page.press("#body", "Enter")
    wait_for_bodies(alice, [LONG[:4000]])
    assert stored(alice, room) == [LONG[:4000]] and len(sent) == 1
    assert page.input_value("#body") == "" and counter(page)["text"] == ""


def test_the_counter_shows_from_3500_characters_and_counts_an_emoji_once_as_the_server_does(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    page = alice.page
    paste(page, "x" * 3498)
    assert counter(page)["text"] == ""
    paste(page, "\U0001F680")  # two UTF-16 units, one character
    assert counter(page)["text"] == ""
    paste(page, "y")
    shown = counter(page)
    assert (shown["text"], shown["over"], shown["height"] > 0) == ("3,500 / 4,000", False, True)
    paste(page, "z" * 499)
    assert counter(page)["text"] == "3,999 / 4,000"
    page.press("#body", "Enter")  # 4,000 characters by the server's count (4,001 in UTF-16)
    body = "x" * 3498 + "\U0001F680" + "y" + "z" * 499
    wait_for_bodies(alice, [body])
    assert stored(alice, room) == [body]


def test_an_edit_over_the_limit_is_refused_with_the_reason_and_kept_whole(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    send(alice, "short for now")
    wait_for_bodies(alice, ["short for now"])
    act_on(alice, 1, "Edit message")
    box = alice.page.get_by_role("textbox", name="Edit message")
    assert box.get_attribute("maxlength") is None
    box.evaluate("box => box.setSelectionRange(box.value.length, box.value.length)")
    paste(alice.page, LONG[13:], into="#m1 form.edit textarea")
    edited = "short for now" + LONG[13:]
    assert box.input_value() == edited
    assert alice.page.text_content("#m1 form.edit .counter") == "4,100 / 4,000 characters: 100 too many"
    box.press("Enter")
    error = alice.page.locator("#m1 form.edit .error[role=alert]")
    assert error.text_content() == "Message must be at most 4,000 characters; this one has 4,100."
    assert box.input_value() == edited and stored(alice, room) == ["short for now"]


@WIDTHS
def test_the_composer_grows_with_its_lines_up_to_40_percent_of_the_view_then_scrolls_and_shrinks_after_sending(
        embedded, people, viewport):
    alice = people(embedded, "alice", viewport=viewport)
    create_room(alice, "general")
    page = alice.page
    start = page.evaluate(BOX)
    assert not start["scrolls"]
    paste(page, "line 1")
    heights = [page.evaluate(BOX)["height"]]
    for n in range(2, 6):
        page.keyboard.press("Shift+Enter")
        page.keyboard.insert_text(f"line {n}")
        heights.append(page.evaluate(BOX)["height"])
    assert heights[0] == heights[1] == start["height"]  # two rows hold two lines
    assert heights[1] < heights[2] < heights[3] < heights[4] and not page.evaluate(BOX)["scrolls"]  # each line adds one
    paste(page, "".join(f"\nline {n}" for n in range(6, 80)))
    full = page.evaluate(BOX)
    assert full["view"] * 0.4 - 2 <= full["height"] <= full["view"] * 0.4  # about 40% and never more
    assert full["scrolls"] and full["send"] <= full["view"] and full["bottom"] <= full["view"]
    screenshot(page, f"composer-grown-{'phone' if viewport == PHONE else 'desktop'}")
    page.keyboard.press("Enter")
    wait_for_bodies(alice, ["\n".join(f"line {n}" for n in range(1, 80))])
    after = page.evaluate(BOX)
    assert after["height"] == start["height"] and not after["scrolls"]
