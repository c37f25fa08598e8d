"""Finding a message: the top bar's search box, the results, and the message in its room."""
import re

from tests.browser.conftest import CHECK, PHONE, screenshot
from tests.browser.steps import create_room, send, wait_for_bodies, wait_live


def test_searching_from_the_top_bar_finds_the_message_marks_the_words_and_opens_it_in_its_room(any_site, people):
    alice, bob = people(any_site, "alice", "bob")
    room = create_room(alice, "launches")
    create_room(bob, "hangar", private=True)
    send(bob, "deploying the lander is a secret")
    bodies = ["the rocket is on the pad", "we are deploying the lander tomorrow", "lunch at noon"]
    for body in bodies:
        send(alice, body)
    wait_for_bodies(alice, bodies)
    page = alice.page
    page.get_by_label("Search messages").fill("deploy lander")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=deploy\+lander$"))
    results = page.locator(".search-result")
    assert results.count() == 1
    assert page.locator(".search-result mark").all_text_contents() == ["deploying", "lander"]
    assert results.first.locator(".room-name").text_content() == "launches"
    shown = page.locator("main").text_content()
    assert "is a secret" not in shown and "hangar" not in shown
    screenshot(page, "search-results")
    results.first.locator("a").click()
    page.wait_for_url(re.compile(rf".*/rooms/{room}\?around=2#m2$"))
    wait_live(alice)
    assert page.locator("li.message.highlight").evaluate_all("items => items.map(li => li.id)") == ["m2"]
    assert page.text_content("#m2 .body") == "we are deploying the lander tomorrow"


def test_on_a_phone_the_top_bar_stays_one_line_and_its_button_opens_the_search_page(embedded, people):
    alice = people(embedded, "alice", viewport=PHONE)
    create_room(alice, "launches")
    send(alice, "deploy at dawn")
    wait_for_bodies(alice, ["deploy at dawn"])
    page = alice.page
    height = "() => document.querySelector('.topbar').getBoundingClientRect().height"
    with_search = page.evaluate(height)
    screenshot(page, "search-phone")
    without = page.evaluate(f"() => {{ const box = document.querySelector('.topbar-search'); box.remove();"
                            f" const h = ({height})(); document.querySelector('.topbar nav a').after(box); return h; }}")
    assert with_search == without
    page.click(".topbar-search button")
    page.wait_for_url(re.compile(r".*/search\?q=$"))
    page.fill("#q", "dawn")
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector(".search-result mark:text-is('dawn')")


def test_the_search_page_passes_wcag_aa_checks_with_results_and_with_an_error(embedded, people, axe_source):
    alice = people(embedded, "alice", init_script=axe_source)
    create_room(alice, "launches")
    send(alice, "deploy at dawn")
    wait_for_bodies(alice, ["deploy at dawn"])
    page = alice.go("/search?q=dawn")
    page.wait_for_selector(".search-result mark")
    found = {"results": page.evaluate(CHECK)}
    page.set_viewport_size(PHONE)
    found["results on a phone"] = page.evaluate(CHECK)
    alice.expected_errors.append("400 (BAD REQUEST)")
    alice.go("/search?q=%21%21%21")
    page.wait_for_selector("#q-errors")
    found["an error"] = page.evaluate(CHECK)
    assert found == {name: [] for name in found}
