"""Run the app as production does: `flask db upgrade`, then gunicorn with gevent workers."""
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, base, process, log):
        self.base, self.process, self.log = base, process, log

    def workers(self):
        """Pids of the master's live worker processes."""
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def output(self):
        self.log.seek(0)
        return self.log.read()


@contextmanager
def serving(database, tmp_path, workers=1, **settings):
    """A migrated database served by gunicorn; yields a Server."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    port = free_port()
    env.update(CHAT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL=database,
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers), SIGNUP_LIMIT_PER_IP="1000 per minute",
               UPLOADS_DIR=str(tmp_path / "uploads"))
    env.update(settings)
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = open(tmp_path / f"gunicorn-{port}.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_healthy(server, workers)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_until_healthy(server, workers, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=2) as response:
                if response.status == 200 and len(server.workers()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not become healthy:\n{server.output()}")


@contextmanager
def private_redis(tmp_path):
    """A Redis server of the test's own, which it may kill and restart at will."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]
    redis = Redis(command, port)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


class Redis:
    def __init__(self, command, port):
        self.command, self.port, self.process = command, port, None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def redis_settings(url):
    """Settings for a live server on Redis, under a prefix of its own."""
    return {"REDIS_URL": url, "REALTIME_PREFIX": f"live-{uuid.uuid4().hex}:", "STREAM_HEARTBEAT": "0.5"}


def last_seq(client, room):
    """The room's last seq as `client` (a member) reads it: where a test's own posts start after."""
    return client.call("GET", f"/rooms/{room}")[1]["last_seq"]


def room_with(base, owner, members, name):
    """A room `owner` (a smoke.Client) makes and `members` join; its id."""
    room = owner.call("POST", "/rooms", {"name": name})[1]["id"]
    for member in members:
        assert member.call("POST", f"/rooms/{room}/members", {})[0] == 201
    return room
