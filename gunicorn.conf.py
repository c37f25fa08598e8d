"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Each can be set from the environment."""
import multiprocessing
import os
import resource
import signal
import threading

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gevent"
# Streams are long-lived and mostly idle, so one gevent worker holds thousands:
# as many as its open-file limit allows, less room for the database, Redis and logs.
open_files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
if open_files == resource.RLIM_INFINITY:
    open_files = 1_000_000
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", max(1000, open_files - 1000)))
# Without Redis there is no broker between processes: the embedded setup is one process.
default_workers = multiprocessing.cpu_count() if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
if workers > 1 and not os.environ.get("REDIS_URL"):
    raise RuntimeError(
        "WEB_CONCURRENCY > 1 needs REDIS_URL: without Redis, a message posted to one worker "
        "would never reach streams on another. Set REDIS_URL, or run one worker.")
timeout = int(os.environ.get("WORKER_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 20))
keepalive = int(os.environ.get("KEEPALIVE", 30))
accesslog = os.environ.get("ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")


def on_starting(server):
    """Raise the open-file limit to the hard limit: every stream is a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        server.log.info("Raised the open-file limit from %s to %s", soft, hard)


def post_worker_init(worker):
    """On a graceful stop (SIGTERM), end this worker's streams at once: their
    clients reconnect to a running worker and resume from their cursor, so a
    deploy is not held up for the graceful timeout by idle streams."""
    stop = worker.handle_exit

    def handle_exit(sig, frame):
        stop(sig, frame)
        # Not in the handler itself, which must not wait on the hub's lock.
        threading.Thread(target=worker.wsgi.extensions["realtime"].drain, daemon=True).start()

    signal.signal(signal.SIGTERM, handle_exit)
