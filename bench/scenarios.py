"""The scenarios S1-S5. Each takes the running app and the client processes,
and returns {"figures": {...}, "summary": one line for the table}."""
import http.client
import json
import multiprocessing
import statistics
import time
from array import array

from bench import client

SOURCES = [f"127.0.0.{i}" for i in range(2, 40)]  # a source address per process: 28k ports each
STREAMS_PER_PROCESS = 12_000  # under the 20,000 open files a process may have


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def ms(value):
    return None if value is None else round(value, 1)


def merged_errors(answers, errors=None):
    """The load clients' error counts, added up (onto `errors`, if given)."""
    errors = dict(errors or {})
    for answer in answers:
        for reason, count in answer["errors"].items():
            errors[reason] = errors.get(reason, 0) + count
    return errors


class Clients:
    """Load-client processes (bench.client), driven over pipes."""

    def __init__(self, app, count, first_source=0):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for i in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=client.main, args=(theirs, "127.0.0.1", app.port,
                                                                 SOURCES[first_source + i]), daemon=True)
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)

    def __len__(self):
        return len(self.pipes)

    def ask(self, commands, timeout=180):
        """Send one (name, args) to each process (a list: one each), gather the answers."""
        for pipe, command in zip(self.pipes, commands):
            pipe.send(command)
        answers = []
        for pipe in self.pipes[:len(commands)]:
            if not pipe.poll(timeout):
                raise RuntimeError(f"a load client did not answer {commands[0][0]} within {timeout} s")
            answer = pipe.recv()
            if "exception" in answer:
                raise RuntimeError(f"a load client failed: {answer['exception']}")
            answers.append(answer)
        return answers

    def all(self, name, *args, timeout=180):
        return self.ask([(name, args)] * len(self), timeout)

    def open(self, specs, deadline=60, rate=None):
        """Spread stream specs [(token, rooms)] over the processes (opened `rate` a second
        in all, if given); returns (connect ms, failed, errors)."""
        shares = [specs[i::len(self)] for i in range(len(self))]
        each = rate / len(self) if rate else None
        # Each connect may take up to `deadline` s, CONNECT_LIMIT at a time, so a
        # slow server needs longer than three minutes for 12,000 of them.
        wait = max(180, deadline + len(shares[0]) / (each or 50))
        answers = self.ask([("open", (share, deadline, each)) for share in shares], wait)
        times = [t for a in answers for t in a["times"]]
        return times, sum(a["failed"] for a in answers), merged_errors(answers)

    def latencies(self):
        """Post -> receive latencies (ms) recorded by every process since the last
        call. `out_of_turn` is then how many messages so far came with a gap or
        a repeat in their room's seqs, on any stream."""
        values, self.out_of_turn = [], 0
        for answer in self.all("take"):
            recorded = array("q")
            recorded.frombytes(answer["latencies"])
            values.extend(v / 1e6 for v in recorded)
            self.out_of_turn += answer["anomalies"]
        return values

    def stop(self):
        for pipe in self.pipes:
            try:
                pipe.send(("quit", ()))
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def specs_for(app, count):
    rooms = app.rooms_of(count)
    return [(app.token(i), rooms[i]) for i in range(count)]


def settle(app, baseline, seconds=25):
    """After closing streams: wait until the workers have let go of them (at once,
    as they watch each socket; at the next heartbeat where they cannot)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and sum(app.sockets()) > baseline + 50:
        time.sleep(0.5)


class Poster:
    """Posts over kept-alive HTTP from the coordinator (one at a time)."""

    def __init__(self, app, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
        self.token = token

    def post(self, room):
        body = json.dumps({"body": f"t={time.monotonic_ns()} bench"})
        self.connection.request("POST", f"/api/v1/rooms/{room}/messages", body, {
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        response = self.connection.getresponse()
        data = json.loads(response.read())
        if response.status != 201:
            raise RuntimeError(f"a bench post failed: {response.status} {data}")
        return data["seq"]

    def close(self):
        self.connection.close()


def small_room_jobs(app, count):
    """[(token of the room's first member, room id)] for the rooms of 20 among users 0..count-1."""
    return [(app.token(members[0]), room_id) for room_id, name, members in app.manifest["rooms"]
            if name.startswith("bench room ") and members[-1] < count]


# S1: idle capacity.

def idle_capacity(app, clients, streams):
    baseline = sum(app.sockets())
    before = app.rss_kib()
    started = time.monotonic()
    times, failed, errors = clients.open(specs_for(app, streams), deadline=90)
    ramp = time.monotonic() - started
    time.sleep(3)  # presence announcements and timers settle
    after = app.rss_kib()
    per_worker = [count for count in app.sockets()]
    verify = clients.all("verify", {})
    still_open = sum(answer["open"] for answer in verify)
    clients.all("close")
    settle(app, baseline)
    held = len(times)
    figures = {"asked": streams, "held": held, "still_open_after_hold": still_open, "failed": failed,
               "errors": errors, "ramp_s": round(ramp, 1), "rss_before_mib": round(before / 1024, 1),
               "rss_after_mib": round(after / 1024, 1),
               "rss_per_stream_kib": round((after - before) / held, 1) if held else None,
               "connect_p50_ms": ms(percentile(times, 50)), "connect_p99_ms": ms(percentile(times, 99)),
               "fds_per_worker": per_worker}
    summary = (f"{held:,} streams held (of {streams:,}), {figures['rss_per_stream_kib']} KiB RSS each, "
               f"connect p99 {figures['connect_p99_ms']} ms, {failed} errors, ramp {figures['ramp_s']} s")
    return {"figures": figures, "summary": summary}


# S1c: connect time while streams ramp at a set rate.

def connect_ramp(app, clients, streams, rate):
    baseline = sum(app.sockets())
    cpu = app.cpu_seconds()
    started = time.monotonic()
    times, failed, errors = clients.open(specs_for(app, streams), deadline=90, rate=rate)
    ramp = time.monotonic() - started
    cpu = app.cpu_seconds() - cpu
    clients.all("close")
    settle(app, baseline)
    figures = {"asked": streams, "rate": rate, "opened": len(times), "failed": failed, "errors": errors,
               "ramp_s": round(ramp, 1), "connect_p50_ms": ms(percentile(times, 50)),
               "connect_p99_ms": ms(percentile(times, 99)), "connect_max_ms": ms(max(times) if times else None),
               "worker_cpu_ms_per_open": round(cpu * 1000 / len(times), 3) if times else None}
    summary = (f"{len(times):,} of {streams:,} opened at {rate:,}/s: connect p50 {figures['connect_p50_ms']} ms, "
               f"p99 {figures['connect_p99_ms']} ms, ramp {figures['ramp_s']} s, "
               f"{figures['worker_cpu_ms_per_open']} ms of worker CPU per open, {failed} failed")
    return {"figures": figures, "summary": summary}


# S2a: fan-out to one big room.

def big_room_fanout(app, clients, sizes, posts):
    poster = Poster(app, app.token(0))  # user 0 is in every big room
    clients.latencies()
    figures = {}
    try:
        for size in sizes:
            room_id = app.room(f"bench big {size}")[0]
            late = 0
            for _ in range(posts):
                seq = poster.post(room_id)
                late += sum(not a["ok"] for a in clients.all("await", room_id, seq, 10.0))
            values = clients.latencies()
            figures[size] = {"recipients": size, "posts": posts, "deliveries": len(values),
                             "expected_deliveries": size * posts, "timed_out": late,
                             "out_of_turn": clients.out_of_turn,
                             "p50_ms": ms(percentile(values, 50)), "p99_ms": ms(percentile(values, 99)),
                             "slowest_ms": ms(max(values) if values else None)}
    finally:
        poster.close()
    summary = "; ".join(f"{size:,}: p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, slowest {f['slowest_ms']} ms"
                        for size, f in figures.items())
    return {"figures": figures, "summary": summary}


# S2b and S4: posts at a set rate, deliveries timed.

def at_rate(clients, poster, jobs, rate, duration):
    clients.latencies()
    answer = poster.all("post", jobs, rate, duration, 32, timeout=duration + 60)[0]
    time.sleep(0.5)  # the last posts' deliveries
    values = clients.latencies()
    return values, answer


def rooms_of_20_at_rate(app, clients, poster, users, rate, duration):
    jobs = small_room_jobs(app, users)
    values, answer = at_rate(clients, poster, jobs, rate, duration)
    posted = len(answer["times"])
    figures = {"clients": users, "rooms": len(jobs), "target_rate": rate, "duration_s": duration,
               "posted": posted, "post_rate": round(posted / answer["elapsed"], 1),
               "post_failures": answer["failures"], "unsent": answer.get("unsent", 0), "deliveries": len(values),
               "expected_deliveries": posted * 20, "out_of_turn": clients.out_of_turn,
               "p50_ms": ms(percentile(values, 50)), "p99_ms": ms(percentile(values, 99)),
               "max_ms": ms(max(values) if values else None),
               "post_p99_ms": ms(percentile(answer["times"], 99))}
    summary = (f"{posted / answer['elapsed']:.0f} posts/s to {users:,} clients: delivery p50 {figures['p50_ms']} ms, "
               f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
               + (f"; {figures['unsent']:,} posts unsent (the server fell behind)" if figures["unsent"] else ""))
    return {"figures": figures, "summary": summary}


def delivery_throughput(app, clients, poster, room_size, rates, step):
    """S4: one room of `room_size`, posted to at rising rates."""
    room_id = app.room(f"bench big {room_size}")[0]
    return rising_rates(clients, poster, [(app.token(0), room_id)], room_size, rates, step,
                        f"{room_size:,}-member room")


def rooms_of_20_throughput(app, clients, poster, users, rates, step):
    """S4b: the rooms of 20 of `users` (each with a stream open), posts spread over them at rising rates."""
    jobs = small_room_jobs(app, users)
    return rising_rates(clients, poster, jobs, 20, rates, step, f"{users:,} streams in {len(jobs):,} rooms of 20")


def rising_rates(clients, poster, jobs, room_size, rates, step, what):
    """Post over `jobs` at each of `rates` for `step` s; the most deliveries/s kept at p99 <= 100 ms."""
    steps, best, misses = [], None, 0
    for rate in rates:
        values, answer = at_rate(clients, poster, jobs, rate, step)
        posted = len(answer["times"])
        p99 = percentile(values, 99)
        row = {"target_posts_per_s": rate, "posted": posted, "deliveries": len(values),
               "deliveries_per_s": round(len(values) / answer["elapsed"]), "expected": posted * room_size,
               "p50_ms": ms(percentile(values, 50)), "p99_ms": ms(p99), "out_of_turn": clients.out_of_turn,
               "post_p99_ms": ms(percentile(answer["times"], 99))}
        steps.append(row)
        kept_up = posted >= 0.95 * rate * step and len(values) >= 0.99 * posted * room_size
        if p99 is not None and p99 <= 100 and kept_up:
            best, misses = row, 0
        else:
            misses += 1
            if misses == 2:  # two steps in a row past the target: past the knee, not a blip
                break
    figures = {"room_size": room_size, "rooms": len(jobs), "steps": steps, "best": best}
    summary = (f"{best['deliveries_per_s']:,} deliveries/s at p99 {best['p99_ms']} ms ({what})"
               if best else f"no step kept p99 <= 100 ms ({what})")
    return {"figures": figures, "summary": summary}


# S3: post throughput.

def post_throughput(app, poster, posters, duration):
    jobs = small_room_jobs(app, len(app.manifest["users"]))[:posters]
    cpu = app.cpu_seconds()
    answer = poster.all("post", jobs, 0, duration, posters, timeout=duration + 60)[0]
    cpu = app.cpu_seconds() - cpu
    times = answer["times"]
    figures = {"posters": posters, "duration_s": duration, "posts": len(times),
               "posts_per_s": round(len(times) / answer["elapsed"]), "failures": answer["failures"],
               "p50_ms": ms(percentile(times, 50)), "p99_ms": ms(percentile(times, 99)),
               "max_ms": ms(max(times) if times else None),
               "worker_cpu_ms_per_post": round(cpu * 1000 / len(times), 3) if times else None}
    summary = (f"{figures['posts_per_s']:,} posts/s, POST p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
               f"{figures['worker_cpu_ms_per_post']} ms of worker CPU per post")
    return {"figures": figures, "summary": summary}


# S5: reconnect storm.

def reconnect_storm(app, clients, poster, users, spread, deadline, patience=60):
    """`deadline`: the target for catching up; `patience`: how long the check for
    loss waits for stragglers."""
    baseline = sum(app.sockets())
    times, failed, errors = clients.open(specs_for(app, users), deadline=90)
    jobs = small_room_jobs(app, users)
    poster.all("post", jobs, 500, len(jobs) / 500, 32, timeout=120)  # a message in every room, streamed live
    time.sleep(1)
    clients.all("drop")
    # Away: one more message in every room, and some in the big rooms.
    big = [(app.token(0), room_id) for room_id, name, _ in app.manifest["rooms"] if name.startswith("bench big ")]
    poster.all("post", jobs + big * 5, 500, (len(jobs) + 5 * len(big)) / 500, 32, timeout=120)
    latest = app.latest_seqs()
    started = time.monotonic()
    answers = clients.all("resume", latest, spread, patience, timeout=patience + spread + 60)
    storm = time.monotonic() - started
    caught = [t for a in answers for t in a["caught_up_ms"]]
    in_time = sum(t <= deadline * 1000 for t in caught)
    total = lambda key: sum(a[key] for a in answers)  # noqa: E731
    errors = merged_errors(answers, errors)
    figures = {"clients": users, "opened": len(times), "reconnect_spread_s": spread,
               "caught_up": len(caught), f"caught_up_within_{deadline:g}_s": in_time,
               "not_caught_up": total("not_caught_up"), "never_reconnected": total("never_reconnected"),
               "failed_connects_retried": total("failed"),
               "p50_ms": ms(percentile(caught, 50)), "p95_ms": ms(percentile(caught, 95)),
               "max_ms": ms(max(caught) if caught else None), "storm_s": round(storm, 1),
               "expected_messages": total("expected"), "received_messages": total("received"),
               "missing": total("missing"), "out_of_turn": total("anomalies"), "errors": errors}
    # Owed to clients that never got back in within `patience` is unavailability, not loss.
    figures["zero_loss"] = figures["missing"] == 0 and figures["out_of_turn"] == 0 and (
        figures["never_reconnected"] > 0 or figures["received_messages"] == figures["expected_messages"])
    clients.all("close")
    settle(app, baseline)
    summary = (f"time to caught-up p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
               f"({in_time:,}/{users:,} within {deadline:g} s, {len(caught):,} in all); "
               f"{figures['received_messages']:,}/{figures['expected_messages']:,} missed messages replayed, "
               f"{figures['missing']} lost, {figures['out_of_turn']} out of turn, "
               f"{figures['never_reconnected']} clients never got back in")
    return {"figures": figures, "summary": summary}
