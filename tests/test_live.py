"""The app as production runs it: migrated by `flask db upgrade`, served by gunicorn
with two gevent workers, spoken to over real HTTP."""
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from tests import smoke
from tests.conftest import require

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.live


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(database, tmp_path, **settings):
    """A migrated database served by gunicorn; yields the base URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    port = free_port()
    env.update(CHAT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL=database,
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", **settings)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = open(tmp_path / "gunicorn.log", "w+")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def wait_until_healthy(base, server, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    pytest.fail(f"gunicorn did not become healthy:\n{log.read()}")


def test_the_whole_api_story_works_under_gunicorn_with_gevent_workers(empty_database, tmp_path):
    with serving(empty_database, tmp_path) as base:
        smoke.run(base)


def test_fifty_concurrent_posters_over_http_get_seqs_one_to_n(empty_database, tmp_path):
    posters, each = 50, 6
    with serving(empty_database, tmp_path, SIGNUP_LIMIT_PER_IP="100 per minute") as base:
        owner = smoke.sign_up(base, "owner")
        room = owner.call("POST", "/rooms", {"name": "busy"})[1]["id"]
        clients = [smoke.sign_up(base, f"poster{i}") for i in range(posters)]
        for client in clients:
            assert client.call("POST", f"/rooms/{room}/members", {})[0] == 201

        def post_all(client):
            return [client.call("POST", f"/rooms/{room}/messages", {"body": f"hi {n}"})[0] for n in range(each)]

        with ThreadPoolExecutor(posters) as pool:
            statuses = [status for batch in pool.map(post_all, clients) for status in batch]
        assert statuses == [201] * (posters * each)
        assert smoke.pages(owner, room, "after") == list(range(1, posters * each + 1))


def test_login_limits_are_shared_by_every_worker_through_redis(tmp_path):
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    database = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    with serving(database, tmp_path, REDIS_URL=redis_url, LOGIN_LIMIT_PER_USERNAME="4 per minute") as base:
        name = f"target_{uuid.uuid4().hex[:8]}"
        anonymous = smoke.Client(base)
        statuses = [anonymous.call("POST", "/tokens", {"username": name, "password": "guess-guess-guess"})[0]
                    for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
