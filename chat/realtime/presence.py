"""Presence: who has a live stream in each room, across every process and node."""
import logging
import threading
import time
from collections import Counter
from itertools import groupby

from flask import current_app

from chat.realtime.kind import EPHEMERAL, Kind

log = logging.getLogger(__name__)
PRESENCE = Kind("presence", EPHEMERAL)


def online(room_id):
    """[{id, username}] with a live stream in the room, on any process or node, by
    name; [] (and a warning) if the presence store is down."""
    try:
        return users_of(current_app.extensions["realtime"].broker.online(room_id))
    except Exception:
        current_app.logger.warning("presence store unavailable", exc_info=True)
        return []


def users_of(members):
    """Presence entries (user id:username:node) -> [{id, username}], by name, once each."""
    users = {}
    for member in members:
        user_id, username, _ = member.split(":", 2)
        users[int(user_id)] = username
    return [{"id": i, "username": name} for i, name in sorted(users.items(), key=lambda item: item[1])]


class Presence:
    """Counts this process's streams per (room, user) and mirrors them into the
    broker's store, where entries expire unless refreshed: a crashed process's
    users drop out after `ttl` seconds.

    Someone whose last stream closes is dropped only after `grace` seconds, and
    not at all if a stream of theirs comes back first: moving between pages or
    long-polling reconnects all the time, and must not flicker their presence.

    Announcements are what cost: each goes to every stream in the room. So a
    room's changes within `coalesce` seconds make one announcement, and a room
    with more than `list_limit` people online gets none (10,000 people coming
    online in one room would otherwise send 10,000 lists of up to 10,000
    names to each of them). Its members panel shows who was online when the
    page opened or the stream reconnected."""

    def __init__(self, broker, ttl, node, grace=5.0, stopping=None, coalesce=0.0, list_limit=200):
        self.broker, self.ttl, self.node, self.grace = broker, ttl, node, grace
        self.coalesce, self.list_limit = coalesce, list_limit
        self.stopping = stopping or threading.Event()
        self.lock = threading.Lock()
        self.count = Counter()  # (room id, user id) -> local streams
        self.leaving = {}  # (room id, user id) -> token of the pending drop
        # Store changes and rooms to announce, gathered for the next flush.
        self.changes, self.due, self.flushing = [], set(), False

    def member(self, stream):
        return f"{stream.user_id}:{stream.username}:{self.node}"

    def mark(self, stream, rooms, delta):
        """Count `stream` in (+1) or out (-1) of `rooms`; announce rooms whose
        online list changed (a departure only once its grace has passed)."""
        came, went = [], {}
        with self.lock:
            for room in rooms:
                key = (room, stream.user_id)
                before = self.count[key]
                self.count[key] = before + delta
                if self.count[key] <= 0:
                    del self.count[key]
                if before <= 0 < self.count[key]:
                    if self.leaving.pop(key, None) is None:  # back within the grace: nothing changed
                        came.append(room)
                elif before > 0 and key not in self.count:
                    went[room] = self.leaving[key] = object()
        if came:
            self.publish(self.broker.touch, stream, came)
        if went:
            timer = threading.Timer(self.grace, self.settle, args=(stream, went))
            timer.daemon = True
            timer.start()

    def settle(self, stream, tokens):
        """The grace is over: drop whoever has not come back since."""
        with self.lock:
            gone = [room for room, token in tokens.items() if self.leaving.get((room, stream.user_id)) is token]
            for room in gone:
                del self.leaving[(room, stream.user_id)]
        if gone:
            self.publish(self.broker.drop, stream, gone)
        # A stream that came back just as the grace ran out was marked present
        # before this drop landed: mark it again.
        with self.lock:
            back = [room for room in gone if (room, stream.user_id) in self.count]
        if back:
            self.publish(self.broker.touch, stream, back)

    def publish(self, change, stream, rooms):
        """Apply `change` (the store's touch or drop) for `stream` in `rooms`, and
        announce the rooms: at once, or with whatever else the next `coalesce`
        seconds bring, in one round trip."""
        if self.stopping.is_set():  # a late grace timer must not reopen a closed broker
            return
        pairs = [(room, self.member(stream)) for room in rooms]
        if not self.coalesce:
            self.apply([(change, pairs)], rooms)
            return
        with self.lock:
            self.changes.append((change, pairs))
            self.due.update(rooms)
            if self.flushing:
                return
            self.flushing = True
        timer = threading.Timer(self.coalesce, self.flush)
        timer.daemon = True
        timer.start()

    def flush(self):
        with self.lock:
            changes, rooms = self.changes, self.due
            self.changes, self.due, self.flushing = [], set(), False
        self.apply(changes, rooms)

    def apply(self, changes, rooms):
        if self.stopping.is_set():
            return
        try:
            # In order; a run of touches (or drops) is one round trip.
            for change, run in groupby(changes, key=lambda pending: pending[0]):
                change([pair for _, pairs in run for pair in pairs], self.ttl)
        except Exception:  # presence is best effort; the next refresh puts it right
            log.warning("presence store unavailable", exc_info=True)
            return
        self.announce(rooms)

    def announce(self, rooms):
        """Publish each room's online list, unless more than `list_limit` people are in it."""
        if self.stopping.is_set():
            return
        try:
            for room in rooms:
                members = self.broker.online(room, self.list_limit + 1)
                if len(members) <= self.list_limit:
                    self.broker.publish(PRESENCE.to(room, {"room_id": room, "online": users_of(members)}))
        except Exception:
            log.warning("presence store unavailable", exc_info=True)

    def keep(self, local, batch=500):
        """Refresh this process's entries before they expire, until the hub stops.
        In batches, with a pause between them: one pipeline of 20,000 entries
        would hold the worker (and every delivery) for a few hundred ms."""
        while not self.stopping.wait(self.ttl / 3):
            pairs = list({(room, self.member(stream)) for room, stream in local()
                          if (room, stream.user_id) in self.count})
            for start in range(0, len(pairs), batch):
                try:
                    self.broker.touch(pairs[start:start + batch], self.ttl)
                except Exception:
                    log.warning("could not refresh presence", exc_info=True)
                    break
                time.sleep(0)  # under gevent: let deliveries run
