"""How many idle streams one gevent worker holds, and what each costs in RSS.

    python -m bench.idle_streams [--streams 5000]

One worker, SQLite, no Redis (the embedded default). 100 users in rooms of
20 each open streams; the worker's RSS is read from /proc before and after.
"""
import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests import smoke
from tests.live import serving
from tests.test_live_stream import room_with


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def open_stream(port, token, held, connect_times):
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n", 1)[0], head
    await reader.readuntil(b"retry: ")
    connect_times.append((time.perf_counter() - started) * 1000)
    held.append(writer)


async def hold(port, tokens, count):
    held, times = [], []
    for start in range(0, count, 250):
        await asyncio.gather(*[open_stream(port, tokens[i % len(tokens)], held, times)
                               for i in range(start, min(start + 250, count))])
    return held, times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, serving(f"sqlite:///{tmp}/idle.sqlite3", Path(tmp)) as server:
        people = [smoke.sign_up(server.base, f"user{i}") for i in range(100)]
        for r in range(5):
            room_with(server.base, people[r * 20], people[r * 20 + 1:(r + 1) * 20], f"room {r}")
        worker = server.workers()[0]
        before = rss_kib(worker)
        port = int(server.base.rsplit(":", 1)[1])
        loop = asyncio.new_event_loop()
        held, times = loop.run_until_complete(hold(port, [p.token for p in people], args.streams))
        time.sleep(2)
        after = rss_kib(worker)
        for writer in held:
            writer.close()
        loop.close()
    times.sort()
    print(f"idle streams held by one worker: {len(held)}; worker RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB, "
          f"{(after - before) / len(held):.1f} KiB per stream; connect p50 {statistics.median(times):.1f} ms, "
          f"p99 {times[int(len(times) * 0.99) - 1]:.1f} ms")


if __name__ == "__main__":
    main()
