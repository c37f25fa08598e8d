"""A graceful stop as systemd, Docker and Kubernetes make it: SIGTERM to gunicorn's
master. Every worker ends its streams at once, closes its idle keep-alive
connections and exits 0, so a deploy is not held for the graceful timeout, and
each client resumes from its cursor on a server that is still running.

gunicorn's master logs a worker's exit status only when it is not 0 ("exited
with code N") or was a signal ("was sent SIGKILL"), and only for workers it reaps
before its graceful timeout runs out: so each test checks that the master itself
exited 0 well inside that timeout, that every worker it booted logged "Worker
exiting", and that the log holds none of those lines, nor a traceback."""
import http.client
import re
import signal
import socket
import time
from contextlib import contextmanager

import pytest

from tests import smoke, sse
from tests.conftest import require, scratch_database
from tests.live import redis_settings, serving

pytestmark = pytest.mark.live

GRACEFUL_TIMEOUT = 90
PROMPTLY = 30  # seconds: well inside the graceful timeout and keep-alive, which a held connection waits out
TROUBLE = ["Traceback", "BlockingSwitchOutError", "exited with code", "was sent", "Exception in worker process",
           "Worker graceful timeout", "[ERROR]"]


@contextmanager
def site(mode, tmp_path):
    """(database, settings) for the embedded setup (one worker, SQLite, no Redis)
    or a cluster node (two workers, PostgreSQL, Redis)."""
    if mode == "embedded":
        yield f"sqlite:///{tmp_path / 'stop.sqlite3'}", {"workers": 1}
        return
    settings = {"workers": 2, **redis_settings(require("TEST_REDIS_URL", "needs Redis"))}
    with scratch_database("chat_stop") as database:
        yield database, settings


def timeouts():
    """A graceful timeout and keep-alive far longer than a prompt stop takes, even on a busy machine."""
    return {"GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT), "KEEPALIVE": str(GRACEFUL_TIMEOUT)}


class Tab:
    """GET /api/v1/stream on a connection of its own, read as raw HTTP so that a
    cut-off response (not ended by its last chunk) is told from a clean end."""

    def __init__(self, base, token, last_event_id=None):
        host, port = base.rsplit("/", 1)[1].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=GRACEFUL_TIMEOUT)
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/api/v1/stream", headers=headers)
        self.sock = self.connection.sock
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        self.served_by = self.response.getheader("X-Served-By")
        self.body = b""

    def read_until(self, text):
        """Read whole lines until one holds `text`: the stream is attached and following."""
        while text.encode() not in self.body:
            line = self.response.readline()
            assert line, "the stream ended early"
            self.body += line

    def read_to_end(self):
        """The rest of the body; raises http.client.IncompleteRead if it was cut off."""
        self.body += self.response.read()
        return self.body

    def cursor(self):
        return re.findall(rb"^id: (.*)$", self.body, re.M)[-1].decode()

    def messages(self):
        return re.findall(rb'^data: \{.*"body": ?"([^"]*)"', self.body, re.M)

    def close(self):
        self.response.close()
        self.connection.close()
        self.sock.close()

    def closed_by_server(self):
        """Whether the server closed the connection, rather than keep it waiting for another request."""
        self.sock.settimeout(PROMPTLY)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False


def tabs_on_every_worker(server, who, workers, each=2):
    """Streams for `who` until every worker holds `each` of them."""
    tabs, held = [], {}
    for _ in range(workers * each * 20):
        tab = Tab(server.base, who.token)
        if held.get(tab.served_by, 0) < each:
            held[tab.served_by] = held.get(tab.served_by, 0) + 1
            tab.read_until("retry:")
            tabs.append(tab)
        else:
            tab.close()
        if len(held) == workers and all(count == each for count in held.values()):
            return tabs
    pytest.fail(f"could not land {each} streams on each of {workers} workers: {held}")


def idle_keepalive(server):
    """A connection that made one request and stays open, as a browser keeps one after a page load."""
    host, port = server.base.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=GRACEFUL_TIMEOUT)
    connection.request("GET", "/healthz")
    assert connection.getresponse().read()
    return connection


class Stop:
    """SIGTERM to the master, as systemd sends it."""

    def __init__(self, server):
        self.server, self.workers = server, server.workers()
        self.started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)

    def seconds(self):
        return time.monotonic() - self.started

    def wait(self):
        """(the master's exit code, seconds since the SIGTERM)."""
        return self.server.process.wait(timeout=GRACEFUL_TIMEOUT + 10), self.seconds()


def assert_every_worker_exited_cleanly(server, workers):
    log = server.output()
    booted = {int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", log)}
    exited = {int(pid) for pid in re.findall(r"Worker exiting \(pid: (\d+)\)", log)}
    assert set(workers) <= booted and booted == exited, log
    assert [line for line in log.splitlines() if any(word in line for word in TROUBLE)] == [], log


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_sigterm_with_nothing_open_exits_every_worker_with_code_0_and_no_traceback(mode, tmp_path):
    with site(mode, tmp_path) as (database, settings), \
            serving(database, tmp_path, **timeouts(), **settings) as server:
        stop = Stop(server)
        code, seconds = stop.wait()
        assert (code, len(stop.workers)) == (0, settings["workers"]), server.output()
        assert seconds < PROMPTLY, server.output()
        assert_every_worker_exited_cleanly(server, stop.workers)


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_sigterm_ends_open_streams_cleanly_at_once_and_every_worker_exits_with_code_0(mode, tmp_path):
    with site(mode, tmp_path) as (database, settings), \
            serving(database, tmp_path, **timeouts(), **settings) as server:
        alice = smoke.sign_up(server.base, "alice")
        alice.call("POST", "/rooms", {"name": "lobby"})
        tabs = tabs_on_every_worker(server, alice, settings["workers"])
        idle = idle_keepalive(server)
        stop = Stop(server)
        for tab in tabs:
            body = tab.read_to_end()  # ended by its last chunk: not cut off mid-event
            assert b"\nretry: 3000\n" in body and body.endswith(b"\n\n")  # it reconnects; no event is cut
            assert tab.cursor().startswith("v1.")  # what it resumes from, elsewhere
            assert tab.closed_by_server()  # not kept waiting for a request, holding the worker
            tab.close()
        idle.sock.settimeout(PROMPTLY)
        assert idle.sock.recv(1) == b""  # a browser's idle connection is let go too
        idle.close()
        assert stop.seconds() < PROMPTLY  # all of it at once, not after the keep-alive or graceful timeout
        code, seconds = stop.wait()
        assert (code, len(stop.workers)) == (0, settings["workers"]), server.output()
        assert seconds < PROMPTLY, server.output()
        assert_every_worker_exited_cleanly(server, stop.workers)


def test_a_stream_ended_by_a_rolling_deploy_resumes_on_the_next_node_with_exactly_what_it_missed(tmp_path):
    """Two nodes share PostgreSQL and Redis; one is stopped under an open stream."""
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    shared = {**timeouts(), **redis_settings(redis_url)}
    with scratch_database("chat_rolling") as database, serving(database, tmp_path, **shared) as old, \
            serving(database, tmp_path, **shared) as new:
        alice = smoke.sign_up(old.base, "alice")
        room = alice.call("POST", "/rooms", {"name": "lobby"})[1]["id"]
        tab = Tab(old.base, alice.token)
        tab.read_until("retry:")
        on_new = smoke.Client(new.base, alice.token)
        assert on_new.call("POST", f"/rooms/{room}/messages", {"body": "before the deploy"})[0] == 201
        tab.read_until("before the deploy")
        assert Stop(old).wait()[0] == 0
        tab.read_to_end()
        for body in ("during the deploy", "after the deploy"):
            assert on_new.call("POST", f"/rooms/{room}/messages", {"body": body})[0] == 201
        resumed = sse.Stream(new.base, alice.token, last_event_id=tab.cursor())
        got = [event["data"]["body"] for event in resumed.take(2, kind="message")]
        assert (tab.messages(), got) == ([b"before the deploy"], ["during the deploy", "after the deploy"])
        assert resumed.quiet(0.5)
        resumed.close()
        tab.close()
