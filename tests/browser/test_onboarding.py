"""A new site's first day in Chromium, at desktop and phone widths: the first
account is told it runs the site and finds #general; a teammate signs up
through an invite link and lands in the room; a public room is previewed, then
joined."""
import re
import uuid

import pytest

from tests.browser.conftest import CHECK, DESKTOP, PASSWORD, PHONE, SETTINGS, Person, screenshot
from tests.browser.steps import create_room, seeded, send, wait_live
from tests.live import serving

WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


def width(viewport):
    return "desktop" if viewport is DESKTOP else "phone"


def stranger(browser, base, name, viewport, init_script=None):
    """Someone at a browser of their own, with no account yet."""
    context = browser.new_context(viewport=viewport)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return Person(context, page, base, f"{name}_{uuid.uuid4().hex[:6]}")


def fits(page, selector, viewport):
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


@WIDTHS
def test_the_first_account_on_a_new_site_is_told_it_is_the_admin_and_finds_general(browser, tmp_path, viewport):
    with serving(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path, CHAT_ENV="development", **SETTINGS) as site:
        first = stranger(browser, site.base, "founder", viewport)
        try:
            page = first.go("/signup")
            page.fill("#username", first.name)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url("**/rooms")
            note = page.locator(".flashes p").first
            assert "You are the first account, so you are this site's admin" in note.text_content()
            assert fits(page, ".flashes", viewport)
            screenshot(page, f"onboarding-first-admin-{width(viewport)}")
            page.click("main a:text-is('general')")
            page.wait_for_url(re.compile(r".*/rooms/\d+$"))
            wait_live(first)
            assert page.locator("#room-name").text_content().strip().startswith("general")
            assert first.unexpected_errors() == []
        finally:
            first.context.close()


@WIDTHS
def test_a_teammate_signs_up_through_an_invite_link_and_lands_in_the_private_room(
        browser, embedded, people, axe_source, viewport):
    owner = people(embedded, "owner")
    room = create_room(owner, "backstage", private=True)
    owner.page.click("summary:has-text('Invite link')")
    owner.page.click("button:has-text('Make an invite link')")
    owner.page.wait_for_url("**/invites/*")
    link = owner.page.input_value("#invite-url")
    assert link.startswith(embedded.base + "/invites/")

    newcomer = stranger(browser, embedded.base, "newcomer", viewport, init_script=axe_source)
    try:
        page = newcomer.page
        page.goto(link)
        assert "owner_" in page.locator(".invite-header").text_content()
        assert page.evaluate(CHECK) == []
        screenshot(page, f"invite-signup-{width(viewport)}")
        page.fill("#username", newcomer.name)
        page.fill("#password", PASSWORD)
        page.click("button:has-text('Sign up and join backstage')")
        page.wait_for_url(f"**/rooms/{room}")
        assert page.is_visible(".flashes:has-text('You joined backstage.')")
        wait_live(newcomer)
        send(newcomer, "hello from the invite link")
        owner.go(f"/rooms/{room}")
        owner.page.wait_for_selector("#messages .body:has-text('hello from the invite link')")
        assert newcomer.unexpected_errors() == []
    finally:
        newcomer.context.close()


@WIDTHS
def test_a_public_room_is_previewed_read_only_then_joined(embedded, people, axe_source, viewport):
    host = people(embedded, "host")
    guest = people(embedded, "guest", viewport=viewport, init_script=axe_source)
    room = create_room(host, "open-plan")
    seeded(host, room, 3, prefix="welcome aboard")
    page = guest.go(f"/rooms/{room}")
    page.wait_for_selector("#messages .body:has-text('welcome aboard 3')")
    assert page.locator("#composer").count() == 0 and page.locator("textarea").count() == 0
    assert fits(page, "button:has-text('Join open-plan')", viewport)
    assert page.evaluate(CHECK) == []
    screenshot(page, f"preview-{width(viewport)}")
    page.click("button:has-text('Join open-plan')")
    page.wait_for_url(f"**/rooms/{room}")
    wait_live(guest)
    send(guest, "glad to be here")
    page.wait_for_selector("#messages li.message:not(.pending) .body:has-text('glad to be here')")
    host.go(f"/rooms/{room}")
    host.page.wait_for_selector("#messages .body:has-text('glad to be here')")
