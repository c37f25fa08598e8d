"""What people do in the browser, as steps the scenarios share."""
import re
import threading

# People's messages, not the room's system lines ("bob joined"): those have their own checks.
MESSAGES = """() => Array.from(document.querySelectorAll('#messages li.message:not(.system)')).map(li => ({
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


# --- static/js/eventsource.js on its own: what the scripted server answers (Reply),
# and the page that watches (Tab). The `server` and `tab` fixtures are in conftest.py.

BOM = "\ufeff"


class Reply:
    """One scripted answer: `body` holds text or bytes to send, numbers to sleep
    (seconds) and threading.Events to wait for. `then` is "close" (end the
    response), "hang" (stay open and silent), "drop" (hang up without any
    response, a network error for the browser) or "mute" (send nothing at all,
    not even headers, and keep the connection open)."""

    def __init__(self, *body, status=200, content_type="text/event-stream", then="close"):
        self.body, self.status, self.content_type, self.then = body, status, content_type, then

    def play(self, handler, stopping):
        if self.then == "mute":
            stopping.wait(30)
        if self.then in ("drop", "mute"):
            return
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        for part in self.body:
            if isinstance(part, threading.Event):
                while not part.wait(0.05) and not stopping.is_set():
                    pass
            elif isinstance(part, (int, float)):
                stopping.wait(part)
            else:
                handler.wfile.write(part.encode() if isinstance(part, str) else part)
                handler.wfile.flush()
        if self.then == "hang":
            stopping.wait(30)


HANG = Reply(then="hang")


# `setup` runs in the same task as the constructor, so before any event can arrive;
# its listeners come after the one that fills `log`.
START = """({url, options, types, setup}) => {
    window.log = [];
    const source = window.source = new EventSourcePolyfill(url, options);
    for (const type of types) {
        source.addEventListener(type, (event) => log.push({
            type: event.type, data: event.data, lastEventId: event.lastEventId,
            origin: event.origin, state: source.readyState, at: performance.now(),
            targetIsSource: event.target === source,
        }));
    }
    new Function("source", setup)(source);
}"""


class Tab:
    """One page showing our test page; start() makes `source` and records its events in `log`."""

    def __init__(self, page, server):
        self.page, self.server, self.errors, self.loaded = page, server, [], False
        page.on("pageerror", lambda error: self.errors.append(error))

    def load(self):
        if not self.loaded:
            self.page.goto(self.server.base + "/")
            self.loaded = True

    def start(self, url="/sse", types=("open", "message", "error"), setup="", **options):
        self.load()
        self.page.evaluate(START, {"url": url, "options": options, "types": list(types), "setup": setup})

    def run(self, script, arg=None):
        return self.page.evaluate(script, arg)

    def wait(self, expression, arg=None, timeout=5000):
        self.page.wait_for_function(expression, arg=arg, timeout=timeout)

    def wait_for_messages(self, count, timeout=5000):
        self.wait("n => log.filter(e => e.type === 'message').length >= n", count, timeout)

    def log(self, *types):
        return [entry for entry in self.run("log") if not types or entry["type"] in types]

    def messages(self):
        return [entry["data"] for entry in self.log("message")]

    def types(self):
        return [entry["type"] for entry in self.log()]

    def pause(self, ms):
        """Time for something that must NOT happen to show itself."""
        self.page.wait_for_timeout(ms)


def gaps(requests):
    """Seconds from the end of each response to the arrival of the next request."""
    return [later.arrived - earlier.ended for earlier, later in zip(requests, requests[1:])]
