"""One browser tab's stream: every room of its user, on one connection."""
import threading
from collections import deque

from chat.realtime import cursor
from chat.realtime.event import Event, comment, compact, with_id

REPLAY_BATCH = 500
PREFETCH = 50  # missed messages per room read with the stream's request
PING = comment("ping")


def message_page(room_id, after, before=None, limit=REPLAY_BATCH):
    """Up to `limit` (seq, body) of the room's log after `after` (and before
    `before`), in seq order, read in the current session: messages, system
    messages (`event: room`), edits and deletes, each as it stands now."""
    from chat.models.log import log_page

    return [(entry.seq, Event(compact(entry.to_json()), event=entry.event_type).body())
            for entry in log_page(room_id, after, before, limit)]


def message_frames(app, room_id, after, before=None, first=None):
    """(seq, body) for the room's log entries with after < seq (< before), in seq
    order: `first` (a page read already, of up to PREFETCH), then batches. No
    database connection is held between batches."""
    if first is not None:
        yield from first
        if len(first) < PREFETCH:
            return
        after = first[-1][0]
    while True:
        with app.app_context():
            frames = message_page(room_id, after, before)
        yield from frames
        if len(frames) < REPLAY_BATCH:
            return
        after = frames[-1][0]


def catch_up_reads(positions):
    """{room: its first missed messages (up to PREFETCH)} for every room past the
    stream's position, in the current session: a reconnect's catch-up usually
    needs no other connection checkout."""
    return {room: message_page(room, positions[room], limit=PREFETCH) for room in rooms_behind(positions)}


class Stream:
    """A stream's queue and its position in each room. The hub offers items from
    any thread; only the stream's own loop reads them and moves positions."""

    def __init__(self, user_id, username, positions, limit=1000):
        self.user_id, self.username = user_id, username
        self.positions = dict(positions)  # room id -> last seq sent
        self.registered = set()  # rooms the hub routes here (the hub's to change)
        self.items, self.limit = deque(), limit
        self.ready = threading.Event()
        self.overflowed = False
        self.ended = False
        self.detached = False
        self.wire = None  # set once the hub may write to the client directly (see wire.py)

    def offer(self, item):
        """Deliver (kind, room, seq, body) straight to the socket if nothing is ahead
        of it, else queue it for the stream's greenlet. A stream too far behind is
        closed instead, so a slow client never holds others back; it reconnects
        and resumes."""
        if self.wire is not None and not self.items and self.wire.free and self.send_now(item):
            return
        if len(self.items) >= self.limit:
            self.overflowed = True
        else:
            self.items.append(item)
        self.ready.set()

    def send_now(self, item):
        """Write an in-order message or an ephemeral event from the hub, without
        blocking; False leaves it to the queue (a gap to fill, a join or leave)."""
        kind, room, seq, body = item
        positions = self.positions
        if kind == "room":
            last = positions.get(room)
            if last is None or seq > last + 1:
                return False
            if seq <= last:
                return True  # seen already
            positions[room] = seq
        elif kind != "ephemeral":
            return False
        elif room not in positions:
            return True
        if not self.wire.try_send(with_id(self.cursor, body)):
            self.end()  # the client has gone
        elif self.wire.backlog:
            self.ready.set()  # the greenlet finishes the write
        return True

    def beat(self, now, interval):
        """From the hub: a heartbeat, if the wire has been quiet for `interval` s."""
        wire = self.wire
        if wire is None or not wire.free or now - wire.last < interval:
            return
        if not wire.try_send(PING):
            self.end()
        elif wire.backlog:
            self.ready.set()

    def end(self):
        """Close the stream at its next turn: the worker is stopping (the client
        reconnects elsewhere and resumes from its cursor), or the client has gone."""
        self.ended = True
        self.ready.set()

    @property
    def done(self):
        return self.overflowed or self.ended

    def take(self, timeout):
        self.ready.wait(timeout)
        self.ready.clear()
        items = []
        while self.items:
            items.append(self.items.popleft())
        return items

    @property
    def cursor(self):
        return cursor.dump(self.positions)


def serve(app, hub, stream, resets, *, retry_ms, heartbeat, padding=False, poll=False, wire=None, behind=None):
    """The response body of an attached stream: catch up from the database, then
    follow the hub. With `poll` (long-polling clients), end as soon as there is
    something to send, or after one heartbeat of nothing. With a `wire`, once
    caught up, frames go straight to the socket (see wire.py). `behind`: what
    catch_up_reads returned, if it was called already."""
    try:
        # The opening frame carries the cursor (an id with no data dispatches no
        # event), so a client that drops before any event still resumes exactly.
        yield (comment(" " * 2048) if padding else b"") + with_id(stream.cursor, Event(retry=retry_ms).body())
        caught_up = False  # whether catching up sent anything
        for reset in resets:
            yield with_id(stream.cursor, Event(compact(reset), event="reset").body())
            caught_up = True
        if behind is None:
            with app.app_context():
                behind = catch_up_reads(stream.positions)
        for room, first in behind.items():
            for chunk in replay(app, stream, room, first=first):
                yield chunk
                caught_up = True
        if poll and caught_up:
            return
        if wire is not None and not poll:
            # Everything yielded so far is written: the hub may write from here on.
            stream.wire = wire
            follow_on_wire(app, hub, stream, wire)
            return
        while not stream.done:
            items = stream.take(heartbeat)
            if stream.done:
                break
            frames = [frame for item in items for frame in handle(app, hub, stream, item)]
            yield b"".join(frames) if frames else comment("ping")
            if poll:  # a long poll answers once
                return
    finally:
        hub.detach(stream)


def follow_on_wire(app, hub, stream, wire):
    """The stream's greenlet once the hub writes directly: it sleeps, with no
    timer, until the hub queues something it cannot write itself (a gap to fill,
    a join, the rest of a chunk the socket had no room for). The hub sends the
    heartbeats too. `busy` spans taking the items to writing them, so nothing the
    hub sends meanwhile can overtake them."""
    while not stream.done:
        items = stream.take(None)
        if stream.done:
            return
        wire.busy = True
        try:
            frames = [frame for item in items for frame in handle(app, hub, stream, item)]
            wire.send(b"".join(frames))
        except OSError:  # the client has gone
            return
        finally:
            wire.busy = False


def rooms_behind(positions):
    """The rooms whose latest seq is past the stream's position: one query for all."""
    from chat.models import Room

    latest = Room.latest_seqs(positions)
    return [room for room, last_seq in latest.items() if last_seq > positions[room]]


def replay(app, stream, room, before=None, first=None):
    """Frames for what the stream has not seen of `room`, from the database
    (starting with `first`, if read already)."""
    batch = []
    for seq, body in message_frames(app, room, stream.positions[room], before, first):
        stream.positions[room] = seq
        batch.append(with_id(stream.cursor, body))
        if len(batch) == REPLAY_BATCH:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def handle(app, hub, stream, item):
    """The frames one queued item becomes for this stream (maybe none)."""
    kind, room, seq, body = item
    positions = stream.positions
    if kind == "room":
        if room not in positions or seq <= positions[room]:
            return
        if seq > positions[room] + 1:  # this stream missed some: fill from the database
            yield from replay(app, stream, room, before=seq)
        positions[room] = seq
        yield with_id(stream.cursor, body)
    elif kind == "ephemeral":
        if room in positions:
            yield with_id(stream.cursor, body)
    elif kind == "join":
        positions.setdefault(room, seq)
        yield with_id(stream.cursor, body)
        hub.confirmed(room)
        yield from replay(app, stream, room)
    elif kind == "leave":
        positions.pop(room, None)
        yield with_id(stream.cursor, body)
    else:
        yield with_id(stream.cursor, body)
