"""Each member's menu in Chromium: what it offers, the question before Remove, Ban
and Leave, by mouse and by keyboard, with and without JavaScript, and the same
menu for someone who joins while the page is open."""
from tests.browser.conftest import CHECK, screenshot
from tests.browser.steps import create_room, join, member, open_room, together, wait_live

# What a member's menu says: its opener's name, then each item ([kind, text]),
# a question's item with its question and its confirming button's name.
DESCRIBE = """li => {
    const menu = li.querySelector('details.member-menu');
    if (!menu) { return null; }
    const items = Array.from(menu.querySelector('.menu').children).map(item => item.tagName === 'DETAILS'
        ? ['question', item.querySelector('summary').textContent, item.querySelector('p').textContent,
           item.querySelector('button[type=submit]').textContent]
        : ['button', item.querySelector('button').getAttribute('aria-label')]);
    return [menu.querySelector('summary').textContent, items];
}"""


def opener(page, name):
    return page.locator(member(name)).locator("summary.menu-button")


def focused(page, text):
    """Until focus is on the button reading `text`: a question opens at once, but menu.js moves focus to
    its answer on `toggle`, which the browser fires as a later task (a loaded machine could look too early)."""
    page.wait_for_function(
        "text => document.activeElement.matches('button[type=submit]') && document.activeElement.textContent === text",
        arg=text)


def ask(page, name, label):
    """Open `name`'s menu and its question `label` ("Remove", "Ban")."""
    opener(page, name).click()
    page.locator(member(name)).locator("summary.menu-item", has_text=label).click()


def test_the_owner_is_asked_before_removing_and_can_back_out_with_escape(embedded, people):
    alice, bob, mallory = people(embedded, "alice", "bob", "mallory")
    room = together(alice, bob, mallory)
    open_room(alice, room)
    page = alice.page
    entry = page.locator(member(mallory.name))
    assert entry.locator(".menu").is_hidden()
    opener(page, mallory.name).click()
    assert entry.locator(".menu > form button, .menu > details > summary").all_text_contents() == \
        ["Message", "Remove", "Ban"]
    screenshot(page, "member-menu")
    entry.locator("summary", has_text="Remove").click()
    confirm = page.get_by_role("button", name=f"Remove {mallory.name}")
    assert confirm.is_visible()
    focused(page, f"Remove {mallory.name}")
    assert entry.locator(".confirm-body p").first.text_content() == \
        f"Take {mallory.name} out of this room? They may join again."
    page.keyboard.press("Escape")  # backs out of the question, not the menu
    assert confirm.is_hidden() and entry.locator(".menu").is_visible()
    page.keyboard.press("Escape")
    assert entry.locator(".menu").is_hidden()
    assert opener(page, mallory.name).evaluate("s => s === document.activeElement")
    assert page.locator(member(mallory.name)).count() == 1  # nothing was done


def test_a_keyboard_alone_opens_a_members_menu_and_bans_them_after_the_question(embedded, people):
    alice, mallory = people(embedded, "alice", "mallory")
    room = together(alice, mallory)
    open_room(alice, room)
    page = alice.page
    opener(page, mallory.name).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == f"Message {mallory.name}"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Ban"
    page.keyboard.press("Enter")
    focused(page, f"Ban {mallory.name}")
    page.keyboard.press("Enter")
    page.wait_for_selector(f".flashes:has-text('{mallory.name} was banned.')")
    mallory.page.wait_for_url("**/rooms?left=banned")


def test_a_question_opened_before_its_menu_has_heard_its_own_opening_stays_open_with_focus_on_its_answer(
        embedded, people):
    # A quick keyboard on a busy machine: Chromium runs input before the menu's `toggle` task,
    # so the menu hears that it opened only after its question has opened too.
    alice, mallory = people(embedded, "alice", "mallory")
    room = together(alice, mallory)
    open_room(alice, room)
    page = alice.page
    entry = page.locator(member(mallory.name))
    entry.evaluate("""li => {
        li.querySelector('summary.menu-button').click();
        const ban = Array.from(li.querySelectorAll('details.confirm > summary')).find(s => s.textContent === 'Ban');
        ban.click();
    }""")
    focused(page, f"Ban {mallory.name}")
    assert entry.locator("details.member-menu").evaluate("d => d.open")


def test_one_menu_is_open_at_a_time_and_a_click_elsewhere_closes_it(embedded, people):
    alice, bob, carol = people(embedded, "alice", "bob", "carol")
    room = together(alice, bob, carol)
    open_room(alice, room)
    page = alice.page
    opener(page, bob.name).click()
    opener(page, carol.name).focus()  # bob's open menu covers carol's button: the keyboard reaches it
    page.keyboard.press("Enter")
    assert page.locator("details.member-menu[open]").count() == 1
    assert page.locator(member(carol.name)).locator(".menu").is_visible()
    page.click("#scroller")
    assert page.locator("details.member-menu[open]").count() == 0


def test_someone_who_joins_while_the_page_is_open_gets_the_same_menu_as_after_a_reload(embedded, people):
    alice, bob, mallory = people(embedded, "alice", "bob", "mallory")
    room = create_room(alice, "general")
    join(bob, room)
    join(mallory, room)
    for viewer in (alice, bob):  # the owner's menu, and a member's
        live = viewer.page.locator(member(mallory.name))
        live.wait_for()
        built = live.evaluate(DESCRIBE)
        open_room(viewer, room)
        assert built == viewer.page.locator(member(mallory.name)).evaluate(DESCRIBE)
    assert [kind for kind, *_ in built[1]] == ["button"]  # bob may only message
    owners = alice.page.locator(member(mallory.name)).evaluate(DESCRIBE)
    assert [item[1] for item in owners[1]] == [f"Message {mallory.name}", "Remove", "Ban"]


def test_without_javascript_remove_and_leave_still_ask_first(embedded, people):
    alice, bob, mallory = people(embedded, "alice", "bob", "mallory")
    room = together(alice, bob, mallory)
    contexts = [alice.context.browser.new_context(java_script_enabled=False) for _ in range(2)]
    try:
        pages = []
        for context, who in zip(contexts, (alice, bob)):
            context.add_cookies(who.context.cookies())
            pages.append(context.new_page())
        owner, leaver = pages
        owner.goto(f"{alice.base}/rooms/{room}")
        ask(owner, mallory.name, "Remove")
        owner.get_by_role("button", name=f"Remove {mallory.name}").click()
        owner.wait_for_selector(f".flashes:has-text('{mallory.name} was removed.')")
        leaver.goto(f"{alice.base}/rooms/{room}")
        leaver.click("summary:has-text('Leave room')")
        assert leaver.is_visible("text=Leave this room? You may join it again from the directory.")
        leaver.get_by_role("button", name="Leave this room").click()
        leaver.wait_for_selector(".flashes:has-text('You left general.')")
    finally:
        for context in contexts:
            context.close()
    wait_live(alice)


def test_an_open_menu_its_question_and_the_phone_drawer_pass_wcag_aa_checks(embedded, people, axe_source):
    alice, bob = people(embedded, "alice", "bob", init_script=axe_source)
    room = together(alice, bob)
    open_room(alice, room)
    page = alice.page
    ask(page, bob.name, "Ban")
    found = {"menu and question": page.evaluate(CHECK)}
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#members-toggle")
    page.wait_for_selector(member(bob.name))
    found["drawer"] = page.evaluate(CHECK)
    assert found == {"menu and question": [], "drawer": []}
