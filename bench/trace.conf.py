"""gunicorn.conf.py plus tracemalloc in each worker (for bench.memory): a worker
writes a snapshot to $TRACE_DIR/<name>.snapshot when <name>.want appears there."""
import os
import pickle
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
exec(compile((ROOT / "gunicorn.conf.py").read_text(), str(ROOT / "gunicorn.conf.py"), "exec"))
served_post_worker_init = post_worker_init  # noqa: F821 (defined by the exec above)


def post_worker_init(worker):  # noqa: F811
    served_post_worker_init(worker)
    tracemalloc.start()
    directory = Path(os.environ["TRACE_DIR"])

    def watch():
        while True:
            for want in directory.glob("*.want"):
                snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
                (directory / (want.stem + ".snapshot")).write_bytes(pickle.dumps(snapshot))
                want.unlink()
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
