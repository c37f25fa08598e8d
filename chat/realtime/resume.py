"""Where a (re)connecting stream starts in each of its rooms."""
from chat.realtime import cursor


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
    asked = cursor.load(text)
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
