"""Message bodies in the browser: links and mentions as the server renders
them, and user text that is only ever text."""
import pytest

from chat.markup import rich
from tests.browser.steps import create_room, open_room, send, together, wait_for_bodies
from tests.markup_cases import CASES

SAME_DOM = """([body, reader, serverHtml]) => {
    const fromServer = document.createElement('div'), live = document.createElement('div');
    fromServer.innerHTML = serverHtml;  // our own renderer's output, as a history page has it
    live.appendChild(Chat.format(body, reader));
    return fromServer.isEqualNode(live) ? null : live.innerHTML;
}"""

ATTACKS = [
    '<img src=x onerror="window.__xss = 1">',
    "<script>window.__xss = 2</script>",
    '<a href="javascript:window.__xss = 3">click me</a>',
    "javascript:window.__xss = 4",
    'https://example.com/"><img src=x onerror="window.__xss=5">',
    '<svg onload="window.__xss = 6"></svg>',
]


def test_the_browser_formats_every_body_exactly_as_the_server_does(embedded, people):
    alice = people(embedded, "alice")
    create_room(alice, "general")
    for body, reader, _ in CASES:
        assert alice.page.evaluate(SAME_DOM, [body, reader or "", str(rich(body, reader))]) is None, body


@pytest.mark.parametrize("when", ["live", "after a reload"])
def test_an_xss_attempt_is_shown_as_text_and_nothing_runs(embedded, people, when):
    alice, bob = people(embedded, "alice", "bob")
    dialogs = []
    alice.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    room = together(alice, bob)
    for attack in ATTACKS:
        send(bob, attack)
    wait_for_bodies(alice, ATTACKS)
    if when == "after a reload":
        open_room(alice, room)
    page = alice.page
    page.wait_for_timeout(300)  # time for any injected handler to have fired
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#messages .body img, #messages .body script, #messages .body svg").count() == 0
    hrefs = page.eval_on_selector_all("#messages .body a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["https://example.com/"]
    assert page.get_attribute("#messages .body a", "rel") == "noopener noreferrer"
    assert dialogs == []
