"""A message's actions: a small toolbar of named icon buttons that never covers the
text or the edit box, reachable by keyboard once the message has the focus; and
an edited message inside a run that shows its "(edited)" and not its author again."""
import pytest

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.steps import act_on, messages, open_room, send, together, wait_for_text

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
WORDY = "a first message long enough to wrap onto several lines at any width, " * 4
# The toolbar's box, each line of the message's words and meta (the boxes the
# text is drawn in, not the block around it), the edit box, and the message's own box.
BOXES = """seq => { const li = document.getElementById('m' + seq);
    const edges = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const box = el => edges(el.getBoundingClientRect());
    const lines = [];
    for (const part of li.querySelectorAll('.body, .meta > *')) {
        if (part.getBoundingClientRect().width <= 1) { continue; }  // a run's hidden name
        // Each text node's line boxes: a paragraph's block is not text.
        const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const range = document.createRange(); range.selectNodeContents(walker.currentNode);
            for (const r of range.getClientRects()) { if (r.width && r.height) { lines.push(edges(r)); } }
        }
    }
    const bar = li.querySelector('.actions'), edit = li.querySelector('form.edit textarea');
    return {bar: bar && box(bar), visible: bar && getComputedStyle(bar).visibility === 'visible',
            lines: lines, edit: edit && box(edit), message: box(li)}; }"""


def seqs(person, *bodies):
    """The seqs of the messages showing these bodies (a join line may come first)."""
    shown = {m["body"]: m["seq"] for m in messages(person)}
    return [shown[body] for body in bodies]


def overlaps(a, b):
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def inside(a, b):
    return a["left"] >= b["left"] and a["right"] <= b["right"] and a["top"] >= b["top"] and a["bottom"] <= b["bottom"]


def assert_clear(page, seq):
    """Message `seq`'s toolbar is showing, within the message, and on none of its text or edit box."""
    boxes = page.evaluate(BOXES, seq)
    assert boxes["visible"] and inside(boxes["bar"], boxes["message"]), boxes
    assert boxes["lines"] and not [line for line in boxes["lines"] if overlaps(boxes["bar"], line)], boxes
    assert boxes["edit"] is None or not overlaps(boxes["bar"], boxes["edit"]), boxes
    return boxes


def focused(page):
    """What has the keyboard's focus: (tag, accessible label or id)."""
    return page.evaluate("""() => [document.activeElement.tagName,
        document.activeElement.getAttribute('aria-label') || document.activeElement.id]""")


@WIDTHS
def test_the_toolbar_never_covers_the_text_or_the_edit_box(embedded, people, viewport):
    alice, bob = people(embedded, "alice", "bob", viewport=viewport)
    together(alice, bob)
    bodies = [WORDY.strip(), ("and a second one, in the same run, whose first line runs right up to the edge " * 3).strip()]
    for body in bodies:
        send(alice, body)
    page = alice.page
    page.wait_for_function("n => document.querySelectorAll('#messages .message.mine:not(.pending)').length === n", arg=2)
    run = seqs(alice, *bodies)
    assert page.locator(f"#m{run[1]}.grouped").count() == 1
    for seq in run:
        page.hover(f"#m{seq} .body")
        assert_clear(page, seq)
    screenshot(page, f"message-toolbar-{'phone' if viewport == PHONE else 'desktop'}")
    for seq in run:
        act_on(alice, seq, "Edit message")
        boxes = assert_clear(page, seq)  # the edit box has the focus: the toolbar shows beside it
        assert boxes["edit"]["right"] - boxes["edit"]["left"] > (boxes["message"]["right"] - boxes["message"]["left"]) / 2
        page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    assert not page.evaluate(BOXES, run[0])["visible"]  # out of the way until wanted


@WIDTHS
def test_the_toolbar_buttons_have_names_and_icons_and_work_from_the_keyboard(embedded, people, viewport):
    alice, bob = people(embedded, "alice", "bob", viewport=viewport)
    together(bob, alice)  # bob owns the room: he may delete alice's message, and she may not touch his
    send(alice, "deploy at 5")
    send(bob, "ok")
    page = alice.page
    page.wait_for_function("() => document.querySelectorAll('#messages .message:not(.system):not(.pending)').length === 2")
    mine, theirs = seqs(alice, "deploy at 5", "ok")
    page.hover(f"#m{theirs} .body")  # bob's message: alice may react and reply, not edit or delete
    assert page.locator(f"#m{theirs} .actions button").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label'))") == ["Add reaction", "Reply"]
    page.mouse.move(0, 0)
    assert not page.evaluate(BOXES, mine)["visible"]
    page.click(f"#m{mine} .body")  # a click (or a tap) gives the message the focus, and shows its tools
    page.mouse.move(0, 0)
    assert page.evaluate(BOXES, mine)["visible"]
    tools = page.locator(f"#m{mine}").get_by_role("group", name="Message actions").get_by_role("button")
    assert tools.evaluate_all("""bs => bs.map(b => [b.getAttribute('aria-label'),
        b.querySelector('svg use').getAttribute('href')])""") == [
        ["Add reaction", "#i-smile"], ["Reply", "#i-reply"], ["Edit message", "#i-edit"], ["Delete message", "#i-trash"]]
    for name in ("Add reaction", "Reply", "Edit message"):
        page.keyboard.press("Tab")
        assert focused(page) == ["BUTTON", name]
    page.keyboard.press("Enter")
    assert focused(page) == ["TEXTAREA", "Edit message"] and page.locator(f"#m{mine} form.edit textarea").is_visible()
    page.keyboard.press("Escape")
    assert focused(page) == ["TEXTAREA", "body"] and page.locator(f"#m{mine} form.edit").count() == 0
    page.locator(f"#m{mine}").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
    assert focused(page) == ["BUTTON", "Delete message"]
    bob.page.hover(f"#m{mine} .body")
    assert bob.page.locator(f"#m{mine} .actions").get_by_role("button").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label'))") == ["Add reaction", "Reply", "Delete message"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Space")
    for who in (alice, bob):
        wait_for_text(who, f"#m{mine} .body", "Message deleted")
    assert page.locator(f"#m{mine} .actions").count() == 0


AUTHORS = """() => Array.from(document.querySelectorAll('#messages .message:not(.system)')).map(li => {
    const author = li.querySelector('.author'), edited = li.querySelector('.edited');
    const shown = el => { if (!el) { return false; }  // drawn where it is: a clipped name is not hit
        const r = el.getBoundingClientRect(), hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return !!hit && el.contains(hit); };
    return {seq: Number(li.dataset.seq), author: shown(author) ? author.textContent : null,
            edited: shown(edited) ? edited.textContent : null,
            editedTop: edited && edited.getBoundingClientRect().top,
            bodyTop: li.querySelector('.body').getBoundingClientRect().top}; })"""


@WIDTHS
def test_an_edited_message_inside_a_run_shows_its_edited_marker_and_not_its_author_again(embedded, people, viewport):
    alice, bob = people(embedded, "alice", "bob", viewport=viewport)
    room = together(alice, bob)
    for text in ("the build is green", "shiping at 5", "then lunch"):
        send(alice, text)
    bob.page.wait_for_function("() => document.querySelectorAll('#messages .message:not(.system)').length === 3")
    first, second, _ = seqs(bob, "the build is green", "shiping at 5", "then lunch")
    act_on(alice, second, "Edit message")
    alice.page.get_by_role("textbox", name="Edit message").fill("shipping at 5")
    alice.page.keyboard.press("Enter")
    wait_for_text(bob, f"#m{second} .edited", "(edited)")
    wait_for_text(alice, f"#m{second} .edited", "(edited)")
    open_room(alice, room)  # as the server renders it, then decorated
    for who in (bob, alice):
        shown = who.page.evaluate(AUTHORS)
        assert [(m["author"], m["edited"]) for m in shown] == [
            (alice.name, None), (None, "(edited)"), (None, None)], shown
        # On the line of the text it marks, not on a line of its own.
        assert abs(shown[1]["editedTop"] - shown[1]["bodyTop"]) < 8, shown
    assert seqs(bob, "the build is green", "shipping at 5") == [first, second]
    alice.page.hover(f"#m{second} .body")  # its toolbar shares the marker's row, clear of both
    assert_clear(alice.page, second)
    screenshot(alice.page, f"edited-in-a-run-toolbar-{'phone' if viewport == PHONE else 'desktop'}")
    act_on(alice, second, "Edit message")
    assert_clear(alice.page, second)
    screenshot(bob.page, f"edited-in-a-run-{'phone' if viewport == PHONE else 'desktop'}")
