"""The load benchmark: python -m bench [--quick] [--only S1,S3,S6] [--db postgres|sqlite]

Starts the app as production runs it (gunicorn, two gevent workers, Redis,
PostgreSQL or SQLite), provisions bench accounts in bulk, drives it from load
client processes on loopback, and prints a table. Results go to
bench/results/<date>-<scenario>.json and <date>-summary.md. Every scenario is
bounded in time and stops its processes; nothing here asserts a target.
"""
import argparse
import datetime
import json
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench import history, scenarios
from bench.server import App

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ("S1", "S1c", "S2a", "S2b", "S4", "S4b", "S5", "S3", "S6")
TARGETS = {
    "S1": "≥36,000 streams across 2 workers, ≤20 KiB RSS each",
    "S1c": "connect p99 ≤100 ms while 10,000 streams ramp at 1,000/s; ≤0.5 ms worker CPU per open",
    "S2a": "10k-subscriber room p99 ≤250 ms",
    "S2b": "p99 ≤30 ms",
    "S3": "SQLite ≥2,500 posts/s, Postgres ≥1,500 posts/s, p99 ≤50 ms",
    "S4": "≥30,000 deliveries/s at p99 ≤100 ms",
    "S4b": "≥30,000 deliveries/s at p99 ≤100 ms, 2,000 streams in rooms of 20",
    "S5": "p95 ≤2 s, zero loss",
    "S6": "reported: a 50-message history page with reactions and attachments",
}
FULL = {"users": 36_000, "big": (1000, 5000, 10_000), "s1": 36_000, "s2a_posts": 50, "s2b": (20_000, 500, 30),
        "s3": (32, 20), "s4": (1000, (10, 20, 30, 40, 50, 60, 70, 80, 100, 120), 5), "s5": (10_000, 10.0, 2.0),
        "s6": (300, 10, 8), "s1c": (10_000, 1000),
        "s4b": (2000, (50, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1500), 4)}
QUICK = {"users": 600, "big": (50, 100, 200), "s1": 600, "s2a_posts": 10, "s2b": (400, 50, 4),
         "s3": (8, 3), "s4": (200, (10, 20), 2), "s5": (200, 1.0, 2.0),
         "s6": (30, 2, 4), "s1c": (300, 150), "s4b": (200, (10, 20), 2)}


def machine():
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"{os.cpu_count()} cores ({model}), {int(memory.split()[1]) // 1024 ** 2} GiB, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def run(args):
    sizes = dict(QUICK if args.quick else FULL)
    if args.streams:
        sizes["s1"] = args.streams
        sizes["users"] = max(sizes["users"], args.streams)
    wanted = [s for s in ORDER if s in args.only]
    results = {}
    with tempfile.TemporaryDirectory(prefix="chat-bench-") as tmp:
        streaming = [s for s in wanted if s not in ("S3", "S6")]
        if streaming:
            started = time.monotonic()
            with App(tmp, args.db, users=sizes["users"], big=sizes["big"]) as app:
                print(f"bench: {args.db} app on port {app.port}, {sizes['users']:,} users provisioned in "
                      f"{app.provision_seconds:.1f} s", flush=True)
                processes = max(1, -(-sizes["s1"] // scenarios.STREAMS_PER_PROCESS))
                clients = scenarios.Clients(app, processes)
                poster = scenarios.Clients(app, 1, first_source=processes)
                try:
                    results.update(streaming_scenarios(app, clients, poster, sizes, streaming))
                finally:
                    clients.stop()
                    poster.stop()
            print(f"bench: streaming scenarios took {time.monotonic() - started:.0f} s", flush=True)
        if "S3" in wanted:
            posters, duration = sizes["s3"]
            figures = {}
            for kind in ("sqlite", "postgres"):
                with App(tmp, kind, users=posters * 20) as app:
                    poster = scenarios.Clients(app, 1)
                    try:
                        figures[kind] = scenarios.post_throughput(app, poster, posters, duration)
                    finally:
                        poster.stop()
                print(f"bench: S3 {kind}: {figures[kind]['summary']}", flush=True)
            results["S3"] = {"figures": {k: v["figures"] for k, v in figures.items()},
                             "summary": "; ".join(f"{k}: {v['summary']}" for k, v in figures.items())}
        if "S6" in wanted:
            reads, duration, concurrency = sizes["s6"]
            figures = {}
            for kind in ("sqlite", "postgres"):
                with App(tmp, kind, users=40, UPLOADS_DIR=f"{tmp}/uploads-{kind}") as app:
                    figures[kind] = history.history_page(app, reads, duration, concurrency)
                print(f"bench: S6 {kind}: {figures[kind]['summary']}", flush=True)
            results["S6"] = {"figures": {k: v["figures"] for k, v in figures.items()},
                             "summary": "; ".join(f"{k}: {v['summary']}" for k, v in figures.items())}
    return results


def streaming_scenarios(app, clients, poster, sizes, wanted):
    results = {}

    def done(name, result):
        results[name] = result
        print(f"bench: {name}: {result['summary']}", flush=True)

    if "S1" in wanted:
        done("S1", scenarios.idle_capacity(app, clients, sizes["s1"]))
    if "S1c" in wanted:
        done("S1c", scenarios.connect_ramp(app, clients, *sizes["s1c"]))
    if {"S2a", "S2b", "S4"} & set(wanted):
        users, rate, duration = sizes["s2b"]
        baseline = sum(app.sockets())
        times, failed, errors = clients.open(scenarios.specs_for(app, users), deadline=90)
        print(f"bench: {len(times):,} streams open for S2-S4 ({failed} failed)", flush=True)
        if "S2b" in wanted:
            done("S2b", scenarios.rooms_of_20_at_rate(app, clients, poster, users, rate, duration))
        if "S2a" in wanted:
            done("S2a", scenarios.big_room_fanout(app, clients, sizes["big"], sizes["s2a_posts"]))
        if "S4" in wanted:
            room_size, rates, step = sizes["s4"]
            done("S4", scenarios.delivery_throughput(app, clients, poster, room_size, rates, step))
        clients.all("close")
        scenarios.settle(app, baseline)
    if "S4b" in wanted:
        users, rates, step = sizes["s4b"]
        baseline = sum(app.sockets())
        times, failed, errors = clients.open(scenarios.specs_for(app, users), deadline=90)
        print(f"bench: {len(times):,} streams open for S4b ({failed} failed)", flush=True)
        done("S4b", scenarios.rooms_of_20_throughput(app, clients, poster, users, rates, step))
        clients.all("close")
        scenarios.settle(app, baseline)
    if "S5" in wanted:
        users, spread, deadline = sizes["s5"]
        done("S5", scenarios.reconnect_storm(app, clients, poster, users, spread, deadline))
    return results


def report(results, args, elapsed):
    stamp = datetime.datetime.now(datetime.timezone.utc)
    date = stamp.strftime("%Y-%m-%d")
    mode = "quick" if args.quick else "full"
    RESULTS.mkdir(exist_ok=True)
    header = {"date": stamp.isoformat(timespec="seconds"), "mode": mode, "database": args.db, "machine": machine()}
    for name, result in results.items():
        path = RESULTS / f"{date}-{name}{'-quick' if args.quick else ''}.json"
        path.write_text(json.dumps({**header, "scenario": name, "target": TARGETS[name], **result}, indent=2) + "\n")
    lines = [f"# Benchmark, {mode} run, {header['date']}", "",
             f"Machine: {header['machine']}. Load clients on the same box, over loopback. "
             f"Streaming scenarios on {args.db}; S3 on SQLite and PostgreSQL. Run took {elapsed:.0f} s.", "",
             "| scenario | measured | target |", "|---|---|---|"]
    lines += [f"| {name} | {results[name]['summary']} | {TARGETS[name]} |" for name in ORDER if name in results]
    summary = "\n".join(lines) + "\n"
    (RESULTS / f"{date}-summary{'-quick' if args.quick else ''}.md").write_text(summary)
    print()
    print(summary)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute (the CI smoke test)")
    parser.add_argument("--only", default=",".join(ORDER), help="comma-separated scenarios (default: all)")
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres",
                        help="the database of the streaming scenarios (S3 always runs both)")
    parser.add_argument("--streams", type=int, help="S1's stream count (default 36,000; 600 with --quick)")
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",")]
    unknown = set(args.only) - set(ORDER)
    if unknown:
        parser.error(f"unknown scenario {', '.join(sorted(unknown))}; choose from {', '.join(ORDER)}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop servers and clients on the way out
    started = time.monotonic()
    results = run(args)
    report(results, args, time.monotonic() - started)
    wrong = mistakes(results)
    for line in wrong:
        print(f"bench: WRONG: {line}")
    return 1 if wrong else 0


def mistakes(results):
    """What went wrong, as opposed to slow: refused streams and posts, messages
    lost, repeated or out of order. These fail the run; missed targets do not."""
    wrong = []
    for name in ("S1", "S1c"):
        if name in results and results[name]["figures"]["failed"]:
            wrong.append(f"{name}: {results[name]['figures']['failed']} streams failed to open "
                         f"({results[name]['figures']['errors']})")
    for kind, figures in results.get("S3", {}).get("figures", {}).items():
        if figures["failures"]:
            wrong.append(f"S3 {kind}: posts failed: {figures['failures']}")
    for name, rows in (("S2a", list(results.get("S2a", {}).get("figures", {}).values())),
                       ("S2b", [results["S2b"]["figures"]] if "S2b" in results else []),
                       ("S4", results.get("S4", {}).get("figures", {}).get("steps", [])),
                       ("S4b", results.get("S4b", {}).get("figures", {}).get("steps", []))):
        if any(row["out_of_turn"] for row in rows):
            wrong.append(f"{name}: messages arrived with a gap or a repeat in their room's seqs")
        for row in rows:
            if row.get("post_failures"):
                wrong.append(f"{name}: posts failed: {row['post_failures']}")
    for kind, figures in results.get("S6", {}).get("figures", {}).items():
        if figures["wrong_reads"]:
            wrong.append(f"S6 {kind}: {figures['wrong_reads']} page reads were wrong: {figures['wrong']}")
    if "S5" in results and not results["S5"]["figures"]["zero_loss"]:
        figures = results["S5"]["figures"]
        wrong.append(f"S5: {figures['missing']} messages lost, {figures['out_of_turn']} out of turn, "
                     f"{figures['received_messages']} received of {figures['expected_messages']}")
    return wrong


if __name__ == "__main__":
    sys.exit(main())
