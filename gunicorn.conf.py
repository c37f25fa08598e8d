"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Each can be set from the environment."""
import multiprocessing
import os
import resource
import signal
import socket

import gevent

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
    """On a graceful stop (SIGTERM), end this worker's streams at once and close
    its idle keep-alive connections: clients reconnect to a running worker and
    resume from their cursor, so a deploy is not held up for the graceful timeout
    by connections that would never finish on their own."""
    hub = worker.wsgi.extensions["realtime"]
    idle = set()  # client sockets between requests, waiting (up to keepalive) for the next one
    stop, handle, handle_request = worker.handle_exit, worker.handle, worker.handle_request

    def handle_exit(sig, frame):
        stop(sig, frame)
        # The handler runs inside gevent's event loop, which must never block, and it
        # may interrupt a greenlet that holds the hub's lock: the drain waits its turn
        # for the lock in a greenlet of its own, so no stream opening meanwhile is missed.
        gevent.spawn(drain)

    def drain():
        hub.drain()
        for sock in list(idle):
            hang_up(sock)

    def handle_connection(listener, client, addr):
        idle.add(client)
        try:
            handle(listener, client, addr)
        finally:
            idle.discard(client)

    def handle_one(listener_name, req, sock, addr):
        idle.discard(sock)
        try:
            kept = handle_request(listener_name, req, sock, addr)
        finally:
            idle.add(sock)
        if not worker.alive:  # finished during a graceful stop (a drained stream): close, do not wait for more
            raise StopIteration()
        return kept

    worker.handle, worker.handle_request = handle_connection, handle_one
    signal.signal(signal.SIGTERM, handle_exit)


def hang_up(sock):
    """End an idle connection: its handler reads end-of-file and closes it quietly.
    Shut down under gevent's socket, whose own shutdown would fail the handler's
    waiting read with EBADF, which gunicorn logs as an error."""
    try:
        sock._sock.shutdown(socket.SHUT_RD)
    except OSError:  # already gone
        pass
