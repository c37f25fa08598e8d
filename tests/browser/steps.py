"""What people do in the browser, as steps the scenarios share."""
import re

MESSAGES = """() => Array.from(document.querySelectorAll('#messages li.message')).map(li => ({
    seq: li.dataset.seq ? Number(li.dataset.seq) : null, body: li.querySelector('.body').textContent,
    pending: li.classList.contains('pending')}))"""


def create_room(person, name, private=False):
    """Create a room from the directory's form; returns its id, with the person in it."""
    page = person.go("/rooms")
    page.fill("#name", name)
    if private:
        page.check("#private")
    page.click("form[action='/rooms'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/rooms/\d+$"))
    wait_live(person)
    return int(page.url.rsplit("/", 1)[1])


def together(owner, *others, name="general"):
    """A public room made by `owner` and joined by `others`, all live in it; returns its id."""
    room = create_room(owner, name)
    for other in others:
        join(other, room)
    return room


def join(person, room_id):
    """Join a public room from its page, and wait until its stream is live."""
    page = person.go(f"/rooms/{room_id}")
    page.click("button:has-text('Join')")
    page.wait_for_url(re.compile(rf".*/rooms/{room_id}$"))
    wait_live(person)


def open_room(person, room_id):
    person.go(f"/rooms/{room_id}")
    wait_live(person)


def wait_live(person):
    """Until the page's stream has opened (the hub has the tab from then on)."""
    person.page.wait_for_function("() => window.Chat && window.Chat.live === true")


def send(person, text):
    person.page.fill("#body", text)
    person.page.press("#body", "Enter")


def messages(person):
    """[{seq, body, pending}] as the page shows them, top to bottom."""
    return person.page.evaluate(MESSAGES)


def wait_for_bodies(person, bodies, timeout=10_000):
    """Until the page shows exactly `bodies` (confirmed, in order)."""
    person.page.wait_for_function(
        f"""expected => {{ const shown = ({MESSAGES})();
            return JSON.stringify(shown.map(m => m.pending ? null : m.body)) === JSON.stringify(expected); }}""",
        arg=bodies, timeout=timeout)


def seeded(person, room_id, count, prefix="message"):
    """Post `count` messages through the API as `person`; returns their bodies."""
    api = person.api()
    bodies = [f"{prefix} {n}" for n in range(1, count + 1)]
    for body in bodies:
        status, _ = api.call("POST", f"/rooms/{room_id}/messages", {"body": body})
        assert status == 201
    return bodies


def member(name):
    """The selector of `name`'s entry in the room's members list."""
    return f"#members li[data-username='{name}']"


def act_on(person, seq, label):
    """Point at message `seq` (its actions show on hover) and press the button labelled `label`."""
    message = person.page.locator(f"#m{seq}")
    message.hover()
    message.get_by_role("button", name=label, exact=True).click()


def wait_for_text(person, selector, text):
    """Until the first element matching `selector` reads exactly `text`."""
    person.page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.textContent === text", arg=[selector, text])


# The OS popup can't be watched from here: this stand-in for window.Notification
# records what the page asks to show in window.__notes, and passes the
# permission questions on to the browser (counting them in window.__asked).
RECORD_NOTIFICATIONS = """(() => {
    const Real = window.Notification;
    if (!Real) { return; }
    window.__notes = [];
    window.__asked = 0;
    function Recorded(title, options) {
        window.__notes.push({title: title, body: options && options.body, tag: options && options.tag});
        this.close = function () {};
    }
    Object.defineProperty(Recorded, 'permission', {get: () => Real.permission});
    Recorded.requestPermission = callback => { window.__asked += 1; return Real.requestPermission(callback); };
    window.Notification = Recorded;
})()"""

HIDE = """hidden => {
    for (const [name, value] of [['hidden', hidden], ['visibilityState', hidden ? 'hidden' : 'visible']]) {
        Object.defineProperty(document, name, {configurable: true, get: () => value});
    }
    document.dispatchEvent(new Event('visibilitychange'));
}"""


def record_notifications(person):
    """`person` has said yes to notifications in the browser; from the next page on,
    what the page shows as notifications is recorded (see `notes`)."""
    person.context.grant_permissions(["notifications"], origin=person.base)
    person.context.add_init_script(RECORD_NOTIFICATIONS)


def notes(person):
    """[{title, body, tag}] for each notification the page has created."""
    return person.page.evaluate("() => window.__notes")


def hide_tab(person, hidden=True):
    """Make the page believe its tab went into the background (or came back)."""
    person.page.evaluate(HIDE, hidden)
