"""Real Chromium (Debian's), driven by Playwright, against the app served by
gunicorn as people run it. One browser and one server per run; each person in
a test is a fresh browser context, signed up through the real form."""
import os
import uuid

import pytest

from tests import smoke
from tests.conftest import require, scratch_database, unavailable
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
        yield server


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """Production settings on PostgreSQL, two workers joined by Redis."""
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    tmp = tmp_path_factory.mktemp("cluster")
    with scratch_database("chat_browser") as database, serving(
            database, tmp, workers=2, REDIS_URL=redis_url, REALTIME_PREFIX=f"browser-{uuid.uuid4().hex}:",
            **SETTINGS) as server:
        yield server


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
