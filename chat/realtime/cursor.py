"""The stream cursor: how far a stream has got in each of its rooms.

An event's `id:` is the whole vector, `v1.<room>-<seq>.<room>-<seq>...`, so the
Last-Event-ID a browser sends back says exactly where every room stood. It is
built from per-room seqs, never from message ids: seqs are assigned under the
room's lock and commit in order, so "everything after seq N" is a stable set
on SQLite and on PostgreSQL alike.
"""
import re

VERSION = "v1"
SHAPE = re.compile(r"v1(?:\.[0-9]{1,10}-[0-9]{1,10}){0,5000}")
MAX_LENGTH = 64 * 1024


def dump(positions):
    """positions {room_id: seq} -> cursor text."""
    return VERSION + "".join(f".{room}-{seq}" for room, seq in positions.items())


def load(text):
    """Cursor text -> {room_id: seq}, or None when it is not a cursor we wrote."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH or not SHAPE.fullmatch(text):
        return None
    positions = {}
    for part in text.split(".")[1:]:
        room, seq = part.split("-")
        positions[int(room)] = int(seq)
    return positions
