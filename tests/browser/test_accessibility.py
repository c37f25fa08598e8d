"""Accessible to everyone: WCAG 2.1 AA by axe-core, and usable from the keyboard alone."""
from tests.browser.conftest import CHECK, PHONE
from tests.browser.steps import (
    create_room, messages, seeded, send,
    together, wait_for_bodies, wait_live,
)


def test_every_page_passes_wcag_aa_checks_at_desktop_and_phone_widths(embedded, people, axe_source):
    alice, bob = people(embedded, "alice", "bob", init_script=axe_source)
    together(alice, bob)
    send(bob, f"hello @{alice.name}, see https://example.com")
    send(alice, "hi!")
    wait_for_bodies(alice, [f"hello @{alice.name}, see https://example.com", "hi!"])
    bob.page.type("#body", "typing")
    alice.page.wait_for_selector("#typing:has-text('is typing')")
    found = {"room": alice.page.evaluate(CHECK)}
    alice.page.set_viewport_size(PHONE)
    found["room on a phone"] = alice.page.evaluate(CHECK)
    alice.go("/rooms")
    found["directory"] = alice.page.evaluate(CHECK)
    stranger = alice.context.browser.new_context()
    stranger.add_init_script(axe_source)
    page = stranger.new_page()
    page.goto(alice.base + "/signup")
    page.fill("#username", "x")
    page.click("button[type=submit].primary")
    page.wait_for_selector(".invalid")
    found["sign-up with errors"] = page.evaluate(CHECK)
    page.goto(alice.base + "/login")
    found["log-in"] = page.evaluate(CHECK)
    stranger.close()
    assert found == {name: [] for name in found}


def test_a_keyboard_alone_can_reach_the_composer_send_and_load_older_history(embedded, people):
    alice = people(embedded, "alice")
    room = create_room(alice, "general")
    seeded(alice, room, 60)
    alice.go(f"/rooms/{room}")
    wait_live(alice)
    page = alice.page
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    # Every element that takes focus, as it does: tabbing onto "Older messages"
    # scrolls it into view, which may load the older page (and drop the link)
    # before the loop below gets to read document.activeElement.
    page.evaluate("""() => {
        window.focusTrail = [];
        document.addEventListener('focusin', (e) => {
            window.focusTrail.push(e.target.id || e.target.textContent.trim());
        });
    }""")
    focused = []
    for _ in range(40):  # tab through the page, as someone without a mouse does
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()"))
        if focused[-1] == "Older messages":
            page.keyboard.press("Enter")  # loads the older page in place
            page.wait_for_function("() => document.querySelectorAll('#messages li.message').length === 60")
        if focused[-1] == "body":
            break
    assert "Older messages" in page.evaluate("() => window.focusTrail") and focused[-1] == "body"
    page.keyboard.type("sent without a mouse")
    page.keyboard.press("Enter")
    wait_for_bodies(alice, [f"message {n}" for n in range(1, 61)] + ["sent without a mouse"])
    assert messages(alice)[-1]["seq"] == 61
