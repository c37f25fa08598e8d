"""Where an idle stream's memory goes: python -m bench.memory [--streams 2000]

Runs one gevent worker with tracemalloc on (bench/trace.conf.py), opens idle
streams from a load client, and prints the allocation sites that grew, per
stream. tracemalloc sees Python allocations only: greenlet stacks, libev
watchers and malloc's own overhead show up in RSS but not here, so the two
totals are printed side by side.
"""
import argparse
import pickle
import tempfile
import time
from pathlib import Path

from bench import scenarios
from bench.server import App

HERE = Path(__file__).resolve().parent


def snapshot(app, directory, name):
    trigger = directory / f"{name}.want"
    trigger.write_text("")
    out = directory / f"{name}.snapshot"
    for _ in range(600):
        if out.exists() and not trigger.exists():
            return pickle.loads(out.read_bytes())
        time.sleep(0.1)
    raise RuntimeError("the worker wrote no snapshot")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chat-memory-") as tmp:
        directory = Path(tmp)
        with App(tmp, "sqlite", users=args.streams, workers=1, config=HERE / "trace.conf.py", TRACE_DIR=tmp) as app:
            clients = scenarios.Clients(app, 1)
            try:
                before, rss_before = snapshot(app, directory, "before"), app.rss_kib()
                times, failed, _ = clients.open(scenarios.specs_for(app, args.streams), deadline=120)
                time.sleep(2)
                after, rss_after = snapshot(app, directory, "after"), app.rss_kib()
            finally:
                clients.stop()
    held = len(times)
    stats = after.compare_to(before, "lineno")
    traced = sum(stat.size_diff for stat in stats)
    print(f"{held} idle streams ({failed} failed): RSS +{(rss_after - rss_before) / held:.1f} KiB per stream, "
          f"of which tracemalloc sees +{traced / held / 1024:.1f} KiB (RSS here includes tracemalloc's own cost)")
    print(f"{'bytes/stream':>12} {'objs/stream':>11}  where")
    for stat in stats[:args.top]:
        frame = stat.traceback[0]
        where = frame.filename.split("site-packages/")[-1]
        print(f"{stat.size_diff / held:12.0f} {stat.count_diff / held:11.2f}  {where}:{frame.lineno}")


if __name__ == "__main__":
    main()
