"""One load-client process: thousands of SSE streams and a few posters on one event loop.

The coordinator (`bench.scenarios`) drives each process through a pipe with
commands; a process answers each one when it is done. Messages posted by the
bench carry their send time (`t=<monotonic ns>`) in the body, so a receiver
measures post->receive latency alone (CLOCK_MONOTONIC is one clock for every
process on the box). Each stream also checks that every room's seqs arrive
one by one, with no gap and no repeat.
"""
import asyncio
import itertools
import json
import random
import re
import time
from array import array

try:
    import uvloop
except ImportError:  # the bench still runs, with a slower client
    uvloop = None

# A message event's data up to its body's send time, in Message.to_json's key
# order (tests/test_bench.py checks it against a real one); system messages,
# edits and deletes do not match.
MESSAGE = re.compile(rb'"room_id":(\d+),"seq":(\d+),"kind":"message","author":\{[^}]*\},"body":"(?:t=(\d+))?')
LAST_ID = re.compile(rb"(?:^|\n)id: ([^\n]*)\n")
CONNECT_LIMIT = 200  # connections being opened at once, per process


def positions(cursor):
    """{room: seq} from a stream cursor (v1.<room>-<seq>...)."""
    return {int(room): int(seq) for room, seq in (part.split("-") for part in cursor.split(".")[1:])}


class StreamConnection(asyncio.Protocol):
    """One tab's stream. It keeps its cursor (the last id) to resume with."""

    def __init__(self, client, token, last_id=None):
        self.client, self.token, self.last_id = client, token, last_id
        self.seen = {}  # room -> last seq received
        self.anomalies = 0  # seqs that arrived out of turn: a gap or a repeat
        self.received = 0  # message events
        self.opened = asyncio.get_running_loop().create_future()
        self.head, self.buffer, self.transport = b"", b"", None
        self.target, self.caught_up_at = None, None

    def connection_made(self, transport):
        self.transport = transport
        resume = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id else ""
        transport.write(f"GET /api/v1/stream HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n"
                        f"Authorization: Bearer {self.token}\r\n{resume}\r\n".encode())

    def data_received(self, data):
        now = time.monotonic_ns()
        if self.head is not None:  # still reading the response head
            data = self.head + data
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.head = data
                return
            status, data, self.head = data[:end].split(b"\r\n", 1)[0], data[end + 4:], None
            if b" 200 " not in status:
                self.fail(status.decode(errors="replace"))
                return
        data = self.buffer + data
        end = data.rfind(b"\n\n")
        if end < 0:
            self.buffer = data
            return
        frames, self.buffer = data[:end + 2], data[end + 2:]
        self.read(frames, now)

    def read(self, frames, now):
        ids = LAST_ID.findall(frames)
        if not self.opened.done():
            if ids:  # the opening frame: `id: <cursor>` and `retry:`
                for room, seq in positions(ids[0].decode()).items():
                    self.seen.setdefault(room, seq)  # a resumed stream keeps what it had
                self.opened.set_result(now)
        latencies, seen = self.client.latencies, self.seen
        for match in MESSAGE.finditer(frames):
            room, seq, sent = int(match[1]), int(match[2]), match[3]
            last = seen.get(room)
            if last is not None and seq != last + 1:
                self.anomalies += 1
            if last is None or seq > last:
                seen[room] = seq
            self.received += 1
            if sent is not None:
                latencies.append(now - int(sent))
        if ids:
            self.last_id = ids[-1].decode()
        if self.target is not None and all(seen.get(room, 0) >= seq for room, seq in self.target.items()):
            self.caught_up_at, self.target = now, None

    @property
    def got_in(self):
        """Whether the stream opened (and was not refused or timed out)."""
        opened = self.opened
        return opened.done() and not opened.cancelled() and opened.exception() is None

    def fail(self, reason):
        self.client.errors[reason] = self.client.errors.get(reason, 0) + 1
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(reason))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc):
        if not self.opened.done():
            self.fail(f"closed before the stream opened ({exc or 'EOF'})")
        self.transport = None


class Client:
    def __init__(self, pipe, host, port, source):
        self.pipe, self.host, self.port, self.source = pipe, host, port, source
        self.streams = []  # StreamConnection, in the order they were asked for
        self.rooms = []  # the rooms of each stream, as the coordinator said
        self.latencies = array("q")  # ns, post -> receive
        self.errors = {}
        self.done = None

    async def run(self):
        loop = asyncio.get_running_loop()
        self.done = loop.create_future()
        while not self.done.done():
            # A blocking read in a thread: the pipe must stay blocking, or a large
            # command arrives in pieces.
            name, args = await loop.run_in_executor(None, self.pipe.recv)
            try:
                result = await getattr(self, "do_" + name)(*args)
            except Exception as error:  # reported to the coordinator, which stops the run
                result = {"exception": f"{type(error).__name__}: {error}"}
            self.pipe.send(result)

    async def connect(self, stream, deadline):
        loop = asyncio.get_running_loop()
        started = time.monotonic_ns()
        try:
            await asyncio.wait_for(loop.create_connection(lambda: stream, self.host, self.port,
                                                          local_addr=(self.source, 0)), deadline)
            opened = await asyncio.wait_for(stream.opened, deadline)
        except (OSError, asyncio.TimeoutError, ConnectionError) as error:
            reason = type(error).__name__ if not str(error) else str(error)[:80]
            if not isinstance(error, ConnectionError):  # those were counted as they happened
                self.errors[reason] = self.errors.get(reason, 0) + 1
            if stream.transport is not None:
                stream.transport.close()
            return None
        return (opened - started) / 1e6

    async def open_all(self, streams, spread=0.0, deadline=30.0, rate=None):
        """Open `streams`, CONNECT_LIMIT at a time (or each at a random moment within
        `spread` seconds, or `rate` a second); returns connect times in ms (None for a failure)."""
        gate = asyncio.Semaphore(CONNECT_LIMIT)
        started = time.monotonic()

        async def one(index, stream):
            if spread:
                await asyncio.sleep(random.uniform(0, spread))
            if rate:
                await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            async with gate:
                return await self.connect(stream, deadline)

        return await asyncio.gather(*[one(index, stream) for index, stream in enumerate(streams)])

    def owed(self, latest, only_got_in=False):
        """Messages the streams lack, up to each room's `latest` seq."""
        return sum(max(latest.get(room, 0) - stream.seen.get(room, 0), 0)
                   for stream, rooms in zip(self.streams, self.rooms) if stream.got_in or not only_got_in
                   for room in rooms)

    # Commands (each returns what goes back to the coordinator).

    async def do_open(self, specs, deadline=30.0, rate=None):
        """specs: [(token, [room ids])]. Opens one stream each (`rate` a second, if given)."""
        loop_streams = [StreamConnection(self, token) for token, _ in specs]
        self.streams += loop_streams
        self.rooms += [set(rooms) for _, rooms in specs]
        times = await self.open_all(loop_streams, deadline=deadline, rate=rate)
        return {"times": [t for t in times if t is not None], "failed": sum(t is None for t in times),
                "errors": dict(self.errors)}

    async def do_drop(self):
        """Close every stream, keeping each one's cursor to resume with."""
        for stream in self.streams:
            if stream.transport is not None:
                stream.transport.close()
        await asyncio.sleep(0.1)
        return {"dropped": len(self.streams)}

    async def do_resume(self, latest, spread, deadline, retry=3.0):
        """Reconnect every stream with its last id, each at a random moment within
        `spread` s, and again `retry` s after a failure, as EventSource does. Returns
        each one's time from its first reconnect to holding every room's `latest`
        seq (waiting up to `deadline` s), and what each missed or got twice."""
        end = time.monotonic() + spread + deadline
        owed = self.owed(latest)  # what the streams should receive on resuming
        before = sum(stream.received for stream in self.streams)
        failures = 0

        async def one(old, rooms):
            nonlocal failures
            await asyncio.sleep(random.uniform(0, spread))
            started = time.monotonic_ns()
            while True:
                stream = StreamConnection(self, old.token, old.last_id)
                stream.seen, stream.received, stream.anomalies = old.seen, old.received, old.anomalies
                stream.target = {room: latest[room] for room in rooms if room in latest}
                if await self.connect(stream, max(end - time.monotonic(), 0.1)) is not None:
                    break
                failures += 1
                old = stream
                if time.monotonic() + retry >= end:
                    return stream, None
                await asyncio.sleep(retry)
            while stream.target is not None and stream.transport is not None and time.monotonic() < end:
                await asyncio.sleep(0.05)
            return stream, None if stream.caught_up_at is None else (stream.caught_up_at - started) / 1e6

        outcomes = await asyncio.gather(*[one(s, r) for s, r in zip(self.streams, self.rooms)])
        self.streams = [stream for stream, _ in outcomes]
        caught_up = [t for _, t in outcomes if t is not None]
        missing = self.owed(latest, only_got_in=True)  # still lacking, having got back in: lost, not late
        return {"caught_up_ms": caught_up, "not_caught_up": len(outcomes) - len(caught_up),
                "never_reconnected": sum(not s.got_in for s in self.streams),
                "failed": failures, "missing": missing,
                "anomalies": sum(s.anomalies for s in self.streams),
                "received": sum(s.received for s in self.streams) - before,
                "expected": owed, "errors": dict(self.errors)}

    async def do_await(self, room, seq, deadline):
        """Wait until every stream in `room` has seq `seq` (or the deadline)."""
        members = [s for s, rooms in zip(self.streams, self.rooms) if room in rooms]
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if all(s.seen.get(room, 0) >= seq for s in members):
                return {"ok": True}
            await asyncio.sleep(0.005)
        return {"ok": False, "behind": sum(s.seen.get(room, 0) < seq for s in members)}

    async def do_take(self):
        """The latencies recorded since the last take (ns), and clear them."""
        taken, self.latencies = self.latencies, array("q")
        return {"latencies": taken.tobytes(), "errors": dict(self.errors),
                "anomalies": sum(s.anomalies for s in self.streams)}

    async def do_verify(self, latest):
        """Whether every stream holds every room's latest seq, having seen each once."""
        return {"missing": self.owed(latest), "anomalies": sum(s.anomalies for s in self.streams),
                "open": sum(s.transport is not None for s in self.streams)}

    async def do_close(self):
        for stream in self.streams:
            if stream.transport is not None:
                stream.transport.close()
        self.streams, self.rooms = [], []
        await asyncio.sleep(0.1)
        return {"closed": True}

    async def do_post(self, jobs, rate, duration, connections):
        """Post for `duration` s over `connections` keep-alive connections.
        jobs: [(token, room)], used round-robin. With `rate` (posts/s), an open
        loop at that rate; without, each connection posts again as soon as it
        has its answer. Returns POST times (ms), failures, and the time it took."""
        queue, times, failures = asyncio.Queue(), [], {}
        end = time.monotonic() + duration
        unsent = 0  # posts not sent: the server fell more than LATE s behind the schedule

        async def schedule():
            started = time.monotonic()
            for n in itertools.count():
                at = started + n / rate
                if at >= end:
                    break
                await asyncio.sleep(max(at - time.monotonic(), 0))
                queue.put_nowait(jobs[n % len(jobs)])
            for _ in range(connections):
                queue.put_nowait(None)

        async def worker(index):
            nonlocal unsent
            reader, writer = await asyncio.open_connection(self.host, self.port, local_addr=(self.source, 0))
            try:
                while True:
                    if rate:
                        job = await queue.get()
                        if job is None:
                            return
                        if time.monotonic() > end + LATE:  # report the rate reached; don't overrun
                            unsent += 1
                            continue
                    else:
                        if time.monotonic() >= end:
                            return
                        job = jobs[index % len(jobs)]
                    started = time.monotonic_ns()
                    status = await post(reader, writer, job, started)
                    if status in (200, 201):
                        times.append((time.monotonic_ns() - started) / 1e6)
                    else:
                        failures[str(status)] = failures.get(str(status), 0) + 1
            finally:
                writer.close()

        began = time.monotonic()
        tasks = [asyncio.create_task(worker(i)) for i in range(connections)]
        if rate:
            tasks.append(asyncio.create_task(schedule()))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - began
        return {"times": times, "failures": failures, "unsent": unsent, "elapsed": elapsed}

    async def do_quit(self):
        await self.do_close()
        self.done.set_result(True)
        return {"bye": True}


LATE = 10.0  # s past a rated run's end after which queued posts are dropped, not sent


async def post(reader, writer, job, sent_ns):
    """One POST on a kept-alive connection; returns the status."""
    token, room = job
    body = json.dumps({"body": f"t={sent_ns} bench"}).encode()
    writer.write(f"POST /api/v1/rooms/{room}/messages HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    await reader.readexactly(int(length[1]) if length else 0)
    return status


def main(pipe, host, port, source):
    """The process's entry point (multiprocessing target)."""
    if uvloop is not None:
        uvloop.install()
    asyncio.run(Client(pipe, host, port, source).run())
