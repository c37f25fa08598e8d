"""The app as production runs it: migrated by `flask db upgrade`, served by gunicorn
with gevent workers (two, joined by Redis, when Redis is here), over real HTTP."""
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests import smoke
from tests.conftest import require
from tests.live import serving

pytestmark = pytest.mark.live


def redis_workers():
    """Two workers when Redis can join them (as production runs), else the embedded one."""
    url = os.environ.get("TEST_REDIS_URL")
    return {"workers": 2, "REDIS_URL": url, "REALTIME_PREFIX": f"live-{uuid.uuid4().hex}:"} if url else {}


def test_the_whole_api_story_works_under_gunicorn_with_gevent_workers(empty_database, tmp_path):
    with serving(empty_database, tmp_path, **redis_workers()) as server:
        smoke.run(server.base)


def test_fifty_concurrent_posters_over_http_get_seqs_one_to_n(empty_database, tmp_path):
    posters, each = 50, 6
    with serving(empty_database, tmp_path, **redis_workers()) as server:
        base = server.base
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
        # the room's log: "poster0 joined"... then every message, with no gap or double
        assert smoke.pages(owner, room, "after") == list(range(1, posters + posters * each + 1))


def test_login_limits_are_shared_by_every_worker_through_redis(tmp_path):
    redis_url = require("TEST_REDIS_URL", "needs Redis")
    database = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    with serving(database, tmp_path, workers=2, REDIS_URL=redis_url, LOGIN_LIMIT_PER_USERNAME="4 per minute") as server:
        base = server.base
        name = f"target_{uuid.uuid4().hex[:8]}"
        anonymous = smoke.Client(base)
        statuses = [anonymous.call("POST", "/tokens", {"username": name, "password": "guess-guess-guess"})[0]
                    for _ in range(5)]
        assert statuses == [401, 401, 401, 401, 429]
