"""Noticing at once that a stream's client has gone.

An idle stream writes only at its heartbeat, so a closed tab would hold its
greenlet, its memory and its presence for up to a heartbeat (15 s). Under
gunicorn's gevent worker the client's socket is in the environ: we watch it
for readability, which on a stream (the client never sends after its
request) means end of file. One libev watcher per stream, no greenlet.
Elsewhere (the dev server, tests in threads) this does nothing, and the
heartbeat still finds the dead connection.
"""
import socket

from gevent import get_hub


def client_socket(environ):
    """The client's gevent socket under gunicorn's gevent worker, else None."""
    sock = environ.get("gunicorn.socket")
    return sock if getattr(sock, "_sock", None) is not None else None


def watch(environ, gone):
    """Call `gone()` (in the event loop) once the client closes the connection;
    returns a function that stops watching."""
    sock = client_socket(environ)
    if sock is None:
        return lambda: None
    raw = sock._sock  # the non-blocking socket under the gevent one
    watcher = get_hub().loop.io(raw.fileno(), 1)  # 1: readable

    def readable():
        try:
            peeked = raw.recv(1, socket.MSG_PEEK)
        except BlockingIOError:  # woken for nothing: keep watching
            return
        except OSError:
            peeked = b""
        watcher.stop()  # data (a pipelined request) or EOF: either way, stop looking
        if not peeked:
            gone()

    watcher.start(readable)
    return watcher.close
