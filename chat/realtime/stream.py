"""One browser tab's stream: every room of its user, on one connection."""
import threading
from collections import deque

from chat.realtime import cursor
from chat.realtime.event import comment, with_id
from chat.realtime.kind import EPHEMERAL, LOG

PING = comment("ping")


class Stream:
    """A stream's queue of frames and its position in each room. The hub offers
    frames from any thread; only the stream's own loop reads them and moves
    positions."""

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

    def offer(self, frame):
        """Deliver a frame straight to the socket if nothing is ahead of it, else
        queue it for the stream's greenlet. A stream too far behind is closed
        instead, so a slow client never holds others back; it reconnects and
        resumes."""
        if self.wire is not None and not self.items and self.wire.free and self.send_now(frame):
            return
        if len(self.items) >= self.limit:
            self.overflowed = True
        else:
            self.items.append(frame)
        self.ready.set()

    def send_now(self, frame):
        """Write an in-order log entry or an ephemeral event from the hub, without
        blocking; False leaves it to the queue (a gap to fill, a join or leave)."""
        _, route, room, seq, body = frame
        positions = self.positions
        if route == LOG:
            last = positions.get(room)
            if last is None or seq > last + 1:
                return False
            if seq <= last:
                return True  # seen already
            positions[room] = seq
        elif route != EPHEMERAL:
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
