"""Post -> receive latency between two gunicorn gevent workers joined by Redis.

    python -m bench.latency [--messages 200] [--redis redis://127.0.0.1:6379/0]

Alice's stream is held by one worker and bob's by the other; each message is
posted through the API and timed until the other person's stream delivers it.
"""
import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from tests import smoke
from tests.live import serving
from tests.test_live_stream import room_with, streams_on_two_workers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serving(
            f"sqlite:///{tmp}/bench.sqlite3", Path(tmp), workers=2, REDIS_URL=args.redis,
            REALTIME_PREFIX=f"bench-{uuid.uuid4().hex}:") as server:
        alice, bob = smoke.sign_up(server.base, "alice"), smoke.sign_up(server.base, "bob")
        room = room_with(server.base, alice, [bob], "lobby")
        streams = streams_on_two_workers(server.base, [alice, bob])
        people = [(alice, streams[1]), (bob, streams[0])]  # each post is read on the other worker
        latencies = []
        for i in range(args.messages):
            poster, reader = people[i % 2]
            started = time.perf_counter()
            poster.call("POST", f"/rooms/{room}/messages", {"body": f"ping {i}"})
            reader.take(1, kind="message")
            latencies.append((time.perf_counter() - started) * 1000)
            streams[i % 2].take(1, kind="message")  # the poster's own copy
        for stream in streams:
            stream.close()
    latencies.sort()
    print(f"cross-worker post->receive over {len(latencies)} messages: "
          f"p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, "
          f"max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
