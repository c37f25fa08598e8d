"""Two people's first visit to a running server, in real Chromium:

    python -m tests.browser.first_visit http://127.0.0.1:8000

Each signs up in a browser of their own; one creates a room, the other joins,
and they chat both ways. Fails on any console error. CI runs it against the
server that the README's run command started from a fresh clone."""
import sys
import uuid

from playwright.sync_api import sync_playwright

from tests.browser.conftest import ARGS, CHROMIUM, DESKTOP, PASSWORD, Person
from tests.browser.steps import send, together, wait_for_bodies


def sign_up(browser, base, name):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    person = Person(context, page, base, f"{name}_{uuid.uuid4().hex[:6]}")
    page.goto(base + "/")  # the front door: sent to log in, and on to sign up
    page.click("a:text('Create an account')")
    page.fill("#username", person.name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/rooms")
    return person


def run(base):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        alice, bob = sign_up(browser, base, "alice"), sign_up(browser, base, "bob")
        together(alice, bob, name="first visit")
        send(alice, "hello from the first browser")
        wait_for_bodies(bob, ["hello from the first browser"])
        send(bob, "and hello back from the second")
        wait_for_bodies(alice, ["hello from the first browser", "and hello back from the second"])
        errors = alice.errors + bob.errors
        browser.close()
    assert not errors, f"console errors: {errors}"
    print(f"ok   two browsers signed up and chatted live at {base}, no console errors")


if __name__ == "__main__":
    run(sys.argv[1].rstrip("/"))
