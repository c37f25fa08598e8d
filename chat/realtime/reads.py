"""What live delivery reads back from the database, and how.

The database is the record. The hub and the streams read it back for a stream
that resumes, a gap in a room's seqs, or a broker that was away, and only
through the `Reads` handed to `init_app`, so chat.realtime knows nothing of the
models. Each of its methods is called inside an app context.
"""
from typing import Protocol

from chat.realtime.kind import Frame

REPLAY_BATCH = 500
PREFETCH = 50  # missed entries per room read with a reconnecting stream's own request


class Reads(Protocol):
    def log(self, room_id: int, after: int, before: int | None = None, limit: int = 500) -> list[Frame]:
        """Up to `limit` entries of the room's log with after < seq (< before), in
        seq order, as the frames they were announced as (showing each message
        as it now stands)."""

    def latest(self, room_ids) -> dict[int, int]:
        """{room id: its last seq} for these rooms."""

    def positions(self, user_ids) -> dict[int, dict[int, int]]:
        """{user id: {room id: its last seq}} for every room each of these users is in."""

    def inactive(self, user_ids) -> set[int]:
        """The ids among `user_ids` of deactivated accounts."""


def frames(app, reads, room_id, after, before=None, first=None):
    """The frames of the room's log entries with after < seq (< before), in seq
    order: `first` (a page of up to PREFETCH read already), then batches, each in
    an app context of its own, so no database connection is held between them."""
    if first is not None:
        yield from first
        if len(first) < PREFETCH:
            return
        after = first[-1].seq
    while True:
        with app.app_context():
            batch = reads.log(room_id, after, before, REPLAY_BATCH)
        yield from batch
        if len(batch) < REPLAY_BATCH:
            return
        after = batch[-1].seq


def behind(reads, positions):
    """{room: its first missed entries (up to PREFETCH)} for each room whose log has
    moved past the stream's position, read in the current app context: a
    reconnect usually needs no other checkout of a database connection."""
    if not positions:
        return {}
    latest = reads.latest(positions)
    return {room: reads.log(room, positions[room], limit=PREFETCH)
            for room, last_seq in latest.items() if last_seq > positions[room]}
