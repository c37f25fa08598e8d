"""Real Chromium (Debian's), driven by Playwright, against the app served by
gunicorn as people run it. One browser and one server per run; each person in
a test is a fresh browser context, signed up through the real form."""
import collections
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests import smoke
from tests.browser.steps import HANG, Tab
from tests.conftest import ROOT, require, scratch_database, unavailable
from tests.live import serving

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Root in a sandboxless container, no GPU, and no calls home (the network is closed).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts")
PASSWORD = "browser-test-password"
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 360, "height": 740}
# What the tests run with: quick presence (a closed tab is noticed at the next
# heartbeat, then kept online for the grace), and no limits in the way of sign-ups.
SETTINGS = {"STREAM_HEARTBEAT": "2", "PRESENCE_GRACE": "1",
            "LOGIN_LIMIT_PER_IP": "1000 per minute", "SIGNUP_LIMIT_PER_IP": "1000 per minute"}


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("needs Playwright: pip install -e '.[test]'")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def embedded(tmp_path_factory):
    """The README's setup: one gevent worker, SQLite, no Redis, development settings."""
    tmp = tmp_path_factory.mktemp("embedded")
    with serving(f"sqlite:///{tmp / 'chat.sqlite3'}", tmp, CHAT_ENV="development", **SETTINGS) as server:
        yield operated(server)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """Production settings on PostgreSQL, two workers joined by Redis."""
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    tmp = tmp_path_factory.mktemp("cluster")
    with scratch_database("chat_browser") as database, serving(
            database, tmp, workers=2, REDIS_URL=redis_url, REALTIME_PREFIX=f"browser-{uuid.uuid4().hex}:",
            **SETTINGS) as server:
        yield operated(server)


def operated(server):
    """A site whose first account (its admin, who makes #general) is the operator's,
    as after the README's first steps, so the people the tests sign up are ordinary."""
    status, body = smoke.Client(server.base).call("POST", "/users", {"username": "operator", "password": PASSWORD})
    assert status == 201 and body["is_admin"], body
    return server


@pytest.fixture(params=["embedded", "cluster"])
def any_site(request):
    return request.getfixturevalue(request.param)


class Person:
    """Someone at a browser: a page of their own, signed up as `name`."""

    def __init__(self, context, page, base, name):
        self.context, self.page, self.base, self.name = context, page, base, name
        self.errors, self.expected_errors = [], []
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def go(self, path):
        self.page.goto(self.base + path)
        return self.page

    def api(self):
        """The API as this person, through a fresh token."""
        status, body = smoke.Client(self.base).call("POST", "/tokens", {"username": self.name, "password": PASSWORD})
        assert status == 201, body
        return smoke.Client(self.base, body["token"])

    def unexpected_errors(self):
        return [e for e in self.errors if not any(allowed in e for allowed in self.expected_errors)]


@pytest.fixture
def people(browser):
    """people(site, "alice", ...) -> Person for each name (made unique per test), signed up."""
    made = []

    def sign_up(site, *names, init_script=None, viewport=DESKTOP):
        crowd = []
        for name in names:
            context = browser.new_context(viewport=viewport)
            if init_script:
                context.add_init_script(init_script)
            page = context.new_page()
            page.set_default_timeout(10_000)
            person = Person(context, page, site.base, f"{name}_{uuid.uuid4().hex[:6]}")
            made.append(person)
            page.goto(site.base + "/signup")
            page.fill("#username", person.name)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url("**/rooms")
            crowd.append(person)
        return crowd[0] if len(crowd) == 1 else crowd

    yield sign_up
    errors = {person.name: person.unexpected_errors() for person in made}
    for person in made:
        person.context.close()
    assert not any(errors.values()), f"console errors: {errors}"


def screenshot(page, name):
    """Save what the user sees under tests/artifacts/ (git-ignored)."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, name + ".png"))


# --- static/js/eventsource.js, our EventSource polyfill, on its own ---------------------
# A small scripted SSE server (one per test) plays a queue of replies to /sse and
# records every request, so a test can say what the server sends (steps.Reply) and
# check both what the page saw and what the polyfill asked for.

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "eventsource.js"
PAGE = b'<!doctype html><meta charset="utf-8"><title>eventsource</title>' \
       b'<script src="/static/js/eventsource.js"></script>'


@dataclass
class Request:
    path: str
    raw_query: str
    headers: dict
    arrived: float
    ended: float = None
    query: dict = field(init=False)

    def __post_init__(self):
        self.query = parse_qs(self.raw_query, keep_blank_values=True)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.0 and no Content-Length on streams: a response ends when its connection closes.
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            self.send_file("text/html; charset=utf-8", PAGE)
        elif url.path == "/static/js/eventsource.js":
            self.send_file("application/javascript", SCRIPT.read_bytes())
        elif url.path.startswith("/sse"):
            self.server.answer(self, url)
        else:
            self.send_error(404)

    def send_file(self, content_type, body):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.replies = collections.deque()
        self.requests = []
        self.errors = []
        self.stopping = threading.Event()
        self.changed = threading.Condition()

    def script(self, *replies):
        self.replies.extend(replies)

    def answer(self, handler, url):
        request = Request(url.path, url.query, dict(handler.headers), time.monotonic())
        with self.changed:
            self.requests.append(request)
            self.changed.notify_all()
            reply = self.replies.popleft() if self.replies else HANG
        try:
            reply.play(handler, self.stopping)
        finally:
            with self.changed:
                request.ended = time.monotonic()
                self.changed.notify_all()

    def wait_for(self, predicate, timeout=5):
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.requests), timeout), self.requests

    def handle_error(self, request, client_address):
        # The browser hangs up on streams it is done with: expected, not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            self.errors.append(sys.exc_info()[1])


@pytest.fixture
def server():
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join()
    assert not server.errors


@pytest.fixture
def tab(browser, server):
    context = browser.new_context()
    tab = Tab(context.new_page(), server)
    yield tab
    context.close()
    assert [str(error) for error in tab.errors] == []


# --- axe-core, for the WCAG checks ---------------------------------------------------

AXE = os.path.join(ROOT, "tests", "js", "node_modules", "axe-core", "axe.min.js")
CHECK = """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
    .violations.map(v => `${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""


@pytest.fixture
def axe_source():
    if not os.path.exists(AXE):
        unavailable("needs axe-core: npm ci --prefix tests/js")
    with open(AXE, encoding="utf-8") as file:
        return file.read()  # an init script: injected by the browser, so the page's CSP allows it
