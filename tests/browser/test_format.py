"""Message bodies in the browser: the server's rendering inserted as it is, the
same live and after a reload; attacks shown as text; code that scrolls in its
block on a phone instead of widening the page.

In each room here, seq 1 is the system line "bob joined": the messages start at 2."""
import pytest

from tests.browser.conftest import PHONE
from tests.browser.steps import open_room, send, together
from tests.markup_cases import ATTACKS

CODE = "Try this:\n```python\nif a < b:\n    print('<b>hi</b>')\n```"
BODIES = "() => Array.from(document.querySelectorAll('#messages li.message:not(.system) .body')).map(b => b.innerHTML)"
# Anything a body could have injected that runs or loads.
INJECTED = "#messages .body :is(script, img, svg, iframe, object, embed, style, form, input, [onerror], [onclick], [onload])"


def wait_for_count(person, count):
    """Until `count` confirmed messages (not system lines) are shown."""
    person.page.wait_for_function(
        "n => document.querySelectorAll('#messages li.message:not(.system):not(.pending)').length === n", arg=count)


def test_a_fenced_code_block_shows_as_code_live_and_after_a_reload(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    room = together(alice, bob)
    send(alice, CODE)
    wait_for_count(bob, 1)
    expected = ('<p>Try this:</p>\n<pre><code class="language-python">if a &lt; b:\n'
                "    print('&lt;b&gt;hi&lt;/b&gt;')\n</code></pre>")
    live = bob.page.evaluate(BODIES)
    assert live == [expected]
    assert bob.page.text_content("#m2 pre > code.language-python") == "if a < b:\n    print('<b>hi</b>')\n"
    open_room(bob, room)
    assert bob.page.evaluate(BODIES) == live
    assert bob.page.locator("#m2 pre > code.language-python").count() == 1


@pytest.mark.parametrize("when", ["live", "after a reload"])
def test_every_attack_is_shown_as_text_and_nothing_runs_or_is_injected(embedded, people, when):
    alice, bob = people(embedded, "alice", "bob")
    dialogs = []
    alice.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    room = together(alice, bob)
    for body, _ in ATTACKS:
        send(bob, body)
    wait_for_count(alice, len(ATTACKS))
    if when == "after a reload":
        open_room(alice, room)
    page = alice.page
    page.wait_for_timeout(300)  # time for any injected handler to have fired
    assert dialogs == []
    assert page.locator(INJECTED).count() == 0
    shown = page.evaluate(BODIES)
    assert shown == [html for _, html in ATTACKS]  # the server's rendering, untouched by the browser
    hrefs = page.eval_on_selector_all("#messages .body a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.startswith(("https:", "mailto:")) for href in hrefs), hrefs
    assert set(page.eval_on_selector_all("#messages .body a", "links => links.map(a => a.rel + ' ' + a.target)")) == {
        "noopener noreferrer nofollow _blank"}
    assert "<script>alert(1)</script>" in page.text_content("#m2 .body")


def test_a_long_line_of_code_scrolls_in_its_block_and_never_widens_the_page_on_a_phone(embedded, people):
    alice, bob = people(embedded, "alice", "bob")
    bob.page.set_viewport_size(PHONE)
    room = together(alice, bob)
    send(alice, "```\n" + "x = '" + "a" * 300 + "'\n```\nand `" + "b" * 120 + "`")
    wait_for_count(bob, 1)
    for page in [bob.page, open_room(bob, room) or bob.page]:
        widths = page.evaluate("""() => {
            const pre = document.querySelector('#m2 pre');
            return {page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth,
                    pre: pre.clientWidth, code: pre.scrollWidth, scrolls: getComputedStyle(pre).overflowX};
        }""")
        assert widths["page"] <= widths["screen"], widths
        assert widths["code"] > widths["pre"] and widths["scrolls"] == "auto", widths
