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
