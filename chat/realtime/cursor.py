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


def plan(current, text):
    """({room: seq} to start after, [reset events]) for a user whose rooms stand at
    `current` ({room: last_seq}) and who sent cursor `text` (or None).

    Rooms the cursor names resume exactly after its seq. A room it does not
    name (joined since, or a first connection) starts at its latest seq. What
    the server cannot honour is said with a reset, never skipped in silence:
    a malformed cursor, a room the user is no longer in, a seq the room never had.
    """
    if not text:
        return dict(current), []
    asked = load(text)
    if asked is None:
        return dict(current), [{"reason": "malformed_cursor", "room_ids": sorted(current)}]
    positions, resets = dict(current), []
    gone = sorted(room for room in asked if room not in current)
    ahead = sorted(room for room, seq in asked.items() if room in current and seq > current[room])
    for room, seq in asked.items():
        if room in current and seq <= current[room]:
            positions[room] = seq
    if gone:
        resets.append({"reason": "not_a_member", "room_ids": gone})
    if ahead:
        resets.append({"reason": "unknown_position", "room_ids": ahead})
    return positions, resets
