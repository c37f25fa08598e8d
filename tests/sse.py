"""A small SSE client for tests: a real HTTP connection, parsed as browsers do.

A reader thread parses the stream into a queue, so waiting for an event (or
for silence) never leaves the connection in a broken, timed-out state.
"""
import http.client
import json
import queue
import threading
import time
from urllib.parse import urlsplit

ENDED = object()


class Stream:
    """GET /api/v1/stream as `token`; read events with next()/take()."""

    def __init__(self, base, token=None, last_event_id=None, query="", timeout=10, cookie=None):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = cookie
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.connection.request("GET", "/api/v1/stream" + query, headers=headers)
        self.sock = self.connection.sock  # http.client lets go of it once the response owns it
        self.response = self.connection.getresponse()
        self.last_event_id, self.retry, self.comments, self.ended = None, None, 0, False
        self.cursor = None  # the last id seen on the wire, as a browser's lastEventId
        self.events = queue.Queue()
        if self.response.status == 200:
            self.sock.settimeout(None)
            threading.Thread(target=self.read, daemon=True).start()

    @property
    def status(self):
        return self.response.status

    @property
    def served_by(self):
        """host:pid of the worker process holding this stream."""
        return self.response.getheader("X-Served-By")

    def read(self):
        fields, data, raw = {}, [], b""
        try:
            for line in iter(self.response.readline, b""):
                text = line.decode().rstrip("\r\n")
                if text.startswith(":"):
                    self.comments += 1
                    continue
                raw += line
                if text == "":
                    if "id" in fields:
                        self.cursor = fields["id"]
                    if data:
                        self.events.put({"id": fields.get("id"), "event": fields.get("event", "message"),
                                         "data": json.loads("\n".join(data)), "raw": raw})
                    fields, data, raw = {}, [], b""
                    continue
                name, _, value = text.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "data":
                    data.append(value)
                elif name == "retry":
                    self.retry = int(value)
                else:
                    fields[name] = value
        except Exception:  # noqa: BLE001  closed under us, or cut off: the stream has ended
            pass
        self.events.put(ENDED)

    def next(self, timeout=10):
        """The next dispatched event {"id", "event", "data", "raw"}; data is JSON-decoded."""
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no event within {timeout}s") from None
        if event is ENDED:
            self.ended = True
            self.events.put(ENDED)
            raise EOFError("the stream ended")
        if event["id"] is not None:
            self.last_event_id = event["id"]
        return event

    def take(self, count, kind=None, timeout=10):
        """The next `count` events (of `kind`, skipping others)."""
        events, deadline = [], time.monotonic() + timeout
        while len(events) < count:
            event = self.next(max(deadline - time.monotonic(), 0.01))
            if kind is None or event["event"] == kind:
                events.append(event)
        return events

    def quiet(self, seconds=0.5, kind="message"):
        """True if no event of `kind` (None: of any kind) arrives within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                event = self.next(max(deadline - time.monotonic(), 0.01))
            except TimeoutError:
                return True
            if kind is None or event["event"] == kind:
                return False
        return True

    def close(self):
        try:
            self.sock.shutdown(2)
        except OSError:
            pass
        self.sock.close()
        self.connection.close()


LOG = ("message", "room", "edit", "delete", "reaction", "replies")  # the events that carry a room's seq


def log_entries(stream, count, timeout=10):
    """The next `count` events that carry a room's seq (skipping presence, reads...)."""
    entries, deadline = [], time.monotonic() + timeout
    while len(entries) < count:
        event = stream.next(max(deadline - time.monotonic(), 0.01))
        if event["event"] in LOG:
            entries.append(event)
    return entries


def caught_up(stream, seconds=0.5):
    """True if no further log entry arrives within `seconds`."""
    try:
        log_entries(stream, 1, timeout=seconds)
    except TimeoutError:
        return True
    return False
