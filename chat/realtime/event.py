"""Server-sent events on the wire (https://html.spec.whatwg.org/#server-sent-events)."""
import json
import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def compact(data):
    """JSON on one line, no spaces: the form every event's data takes."""
    return json.dumps(data, separators=(",", ":"))


def field(value):
    """A single-line field value. CR, LF or NUL would let a value forge fields or
    events (the flask-sse injection), so they are refused, not escaped."""
    value = str(value)
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(f"an SSE field value may not contain CR, LF or NUL: {value!r}")
    return value


class Event:
    """One event. `str(event)` is its exact wire form; `body()` is that form
    without the id line, encoded once and shared by every recipient."""

    def __init__(self, data=None, event=None, id=None, retry=None):
        self.data, self.event, self.id, self.retry = data, event, id, retry

    def body(self):
        lines = []
        if self.event is not None:
            lines.append(f"event: {field(self.event)}\n")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}\n")
        if self.data is not None:
            lines.extend(f"data: {line}\n" for line in LINE_BREAK.split(str(self.data)))
        lines.append("\n")
        return "".join(lines).encode()

    def __str__(self):
        head = f"id: {field(self.id)}\n" if self.id is not None else ""
        return head + self.body().decode()


def with_id(cursor, body):
    """A shared event body, stamped with one stream's cursor."""
    return b"id: " + cursor.encode() + b"\n" + body


def comment(text=""):
    """A comment line: ignored by clients, keeps proxies and dead-peer checks happy."""
    return f": {field(text)}\n\n".encode()
