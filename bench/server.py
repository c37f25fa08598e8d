"""The app under test, started as production runs it: a migrated database, bulk
bench accounts, then gunicorn with gevent workers joined by Redis."""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

from config import database_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User plus system CPU time the process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class App:
    """One server: `with App(tmp, "postgres", users=...) as app:`; app.manifest has the tokens."""

    def __init__(self, tmp, database, users, room_size=20, big=(), workers=2, config="gunicorn.conf.py", **settings):
        self.tmp, self.kind, self.workers_wanted, self.config = Path(tmp), database, workers, config
        self.users, self.room_size, self.big, self.settings = users, room_size, big, settings
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.prefix = f"bench-{uuid.uuid4().hex[:8]}:"
        self.process = self.database = self.admin = self.manifest = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def create_database(self):
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp}/bench-{self.port}.sqlite3"
        self.admin = create_engine(database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
        self.database = f"chat_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database}"'))
        return self.admin.url.set(database=self.database).render_as_string(hide_password=False)

    def start(self):
        url = self.create_database()
        self.url = url
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "FLASK_ENV")}
        env.update(DATABASE_URL=url, CHAT_ENV="development")
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
        manifest = self.tmp / f"manifest-{self.port}.json"
        started = time.monotonic()
        subprocess.run(flask + ["bench", "provision", "--users", str(self.users), "--room-size", str(self.room_size),
                                "--big", ",".join(map(str, self.big)), "--out", str(manifest)],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        self.provision_seconds = time.monotonic() - started
        self.manifest = json.loads(manifest.read_text())
        env.update(CHAT_ENV="production", SECRET_KEY=secrets.token_urlsafe(48), REDIS_URL=REDIS_URL,
                   REALTIME_PREFIX=self.prefix, BIND=f"127.0.0.1:{self.port}", WEB_CONCURRENCY=str(self.workers_wanted))
        env.update({key: str(value) for key, value in self.settings.items()})
        self.log = open(self.tmp / f"gunicorn-{self.port}.log", "w+")
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(self.config), "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.wait_healthy()

    def wait_healthy(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.workers()) >= self.workers_wanted:
                        for _ in range(20):  # warm both workers: first requests import lazily
                            urllib.request.urlopen(self.base + "/healthz", timeout=5).read()
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not become healthy:\n{self.output()}")

    def workers(self):
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def rss_kib(self):
        """Resident memory of the workers, in KiB (the master holds no streams)."""
        return sum(rss_kib(pid) for pid in self.workers())

    def cpu_seconds(self):
        """CPU time the workers have used so far, in seconds (user plus system)."""
        return sum(cpu_seconds(pid) for pid in self.workers())

    def sockets(self):
        """Open file descriptors per worker (each stream is one)."""
        return [len(os.listdir(f"/proc/{pid}/fd")) for pid in self.workers()]

    def latest_seqs(self):
        engine = create_engine(database_url(self.url))
        try:
            with engine.connect() as connection:
                return dict(connection.execute(text("SELECT id, last_seq FROM rooms")).all())
        finally:
            engine.dispose()

    def problems(self):
        """The server log's warnings, errors and exceptions, each with how often it came."""
        found, lines = {}, self.output().splitlines()
        for i, line in enumerate(lines):
            if any(word in line for word in ("WARNING", "ERROR", "CRITICAL")):
                key = line.split("] ", 2)[-1][:160]
            elif line and not line[0].isspace() and i and lines[i - 1].startswith("    ") and ":" in line:
                key = line[:160]  # the last line of a traceback: the exception
            else:
                continue
            found[key] = found.get(key, 0) + 1
        return [f"{count} x {key}" for key, count in found.items()]

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            for line in self.problems()[-20:]:
                print(f"bench: server log: {line}", flush=True)
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
            self.process = None
            self.log.close()
            kept = ROOT / "bench" / "results" / f"gunicorn-{self.kind}-{self.port}.log"
            kept.parent.mkdir(exist_ok=True)
            kept.write_text((self.tmp / f"gunicorn-{self.port}.log").read_text())
        if self.admin is not None:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            self.admin.dispose()
            self.admin = None
        try:
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=self.prefix + "*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start:start + 1000])
            client.close()
        except redis.RedisError:
            pass

    # What the manifest says.

    def token(self, index):
        return self.manifest["users"][index][2]

    def rooms_of(self, count):
        """{user index: [room ids]} for users 0..count-1."""
        rooms = {i: [] for i in range(count)}
        for room_id, _, members in self.manifest["rooms"]:
            for index in members:
                if index < count:
                    rooms[index].append(room_id)
        return rooms

    def room(self, name):
        return next(room for room in self.manifest["rooms"] if room[1] == name)
