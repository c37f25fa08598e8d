"""Writing a stream's frames straight to its socket.

Under gunicorn's gevent worker a stream's response is HTTP/1.1 chunked, and
gunicorn writes each chunk as `<hex length>\\r\\n<data>\\r\\n`. Once the
response has started, a Wire writes chunks of exactly that form itself. That
lets the hub deliver an event to an idle stream with one non-blocking send,
in the fan-out loop, instead of waking the stream's greenlet to pass it through
Flask, werkzeug and gunicorn: most of the cost of a delivery. What does not fit
in the socket's buffer waits in `backlog`, and the stream's own greenlet
finishes it, cooperatively, before anything else is written.
"""
import time

from chat.realtime.hangup import client_socket


def chunk(data):
    return b"%X\r\n%s\r\n" % (len(data), data)


class Wire:
    def __init__(self, sock):
        self.sock = sock  # the gevent socket: blocks this greenlet only
        self.raw = sock._sock  # the non-blocking socket under it: never blocks
        self.backlog = b""  # the unsent end of a chunk the hub began
        self.busy = False  # the stream's greenlet is mid-write (and may have yielded)
        self.broken = False
        self.last = time.monotonic()  # when something was last written

    @classmethod
    def of(cls, environ):
        """A Wire for this request's client, or None where we cannot frame for
        the server (not gunicorn's gevent worker, HTTP/1.0, TLS)."""
        sock = client_socket(environ)
        if sock is None or hasattr(sock, "_sslobj") or environ.get("SERVER_PROTOCOL") != "HTTP/1.1":
            return None
        return cls(sock)

    @property
    def free(self):
        """Whether the hub may write now: nothing half-written, nobody writing."""
        return not (self.busy or self.backlog or self.broken)

    def try_send(self, data):
        """From the hub: send one chunk without blocking; keep what does not fit.
        False if the connection is gone."""
        framed, self.last = chunk(data), time.monotonic()
        try:
            sent = self.raw.send(framed)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.broken = True
            return False
        if sent < len(framed):
            self.backlog = framed[sent:]
        return True

    def send(self, data=b""):
        """From the stream's greenlet (with `busy` set): the backlog, then `data`
        as one chunk."""
        out, self.backlog = self.backlog + (chunk(data) if data else b""), b""
        self.last = time.monotonic()
        if out:
            self.sock.sendall(out)
