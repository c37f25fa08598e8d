"""The per-process hub: one broker subscription, fanned out to local streams."""
import logging
import os
import socket
import threading
import time
from collections import OrderedDict, defaultdict

from flask import current_app

from chat.realtime.brokers import LocalBroker, RedisBroker
from chat.realtime.kind import (END, EPHEMERAL, EVERY_USER, FORGET, JOIN, LEAVE, LOG, LOGINS, PERSONAL, forget, joined,
                                left, room_channel, signed_out)
from chat.realtime.presence import Presence
from chat.realtime.reads import frames

log = logging.getLogger(__name__)
CHANGES_KEPT = 30.0  # seconds for which the hub remembers that a user's rooms or account changed (see attach)


def init_app(app, reads):
    """One hub per process, on Redis when REDIS_URL is set, in-process otherwise.
    `reads` is how it reads the database back (chat.realtime.reads.Reads)."""
    config = app.config
    broker = (RedisBroker(config["REDIS_URL"], config["REALTIME_PREFIX"], config["REDIS_MAX_CONNECTIONS"])
              if config["REDIS_URL"] else LocalBroker())
    app.extensions["realtime"] = Hub(app, broker, reads)


def revoke(user_id):
    """After the commit that changed `user_id`'s account or ended one of their
    logins: this process forgets what it remembered of them now, and every other
    process as soon as the broker reaches it."""
    hub = current_app.extensions["realtime"]
    hub.forgotten(user_id)
    announce(forget(user_id))


def on_revoke(app, callback):
    """Call `callback(user_id)` whenever a user's logins are revoked anywhere, and
    `callback(None)` when revocations may have been missed (a broker outage)."""
    app.extensions["realtime"].forgetters.append(callback)


def hears_revocations():
    """Whether every revocation published from now on will reach this process: only
    then may it remember logins (the in-process broker always; Redis while the
    `logins` channel is subscribed and the connection is up)."""
    hub = current_app.extensions["realtime"]
    hub.start()
    return not getattr(hub.broker, "down", False) and all(confirmed.is_set() for confirmed in hub.standing)


def announce(frame):
    """Publish an event, after the commit that made it: the database already holds
    the truth. A broker failure is logged, not raised: streams catch up from the
    database."""
    hub = current_app.extensions["realtime"]
    try:
        hub.broker.publish(frame)
    except Exception:
        log.warning("could not publish on %s; subscribers will catch up from the database",
                    frame.channel, exc_info=True)


class Hub:
    """Routes events to this process's streams.

    Each event arrives as one Frame, encoded once, and the same bytes go to
    every local stream it is for. A room's log entries pass in seq order: when
    the hub sees seq 7 after 5 it reads 6 from the database first, and after a
    lost broker connection it reads whatever the rooms gained meanwhile.
    """

    def __init__(self, app, broker, reads):
        config = app.config
        self.app, self.broker, self.reads, self.heartbeat = app, broker, reads, config["STREAM_HEARTBEAT"]
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        self.lock = threading.RLock()
        self.rooms = defaultdict(set)  # room id -> local streams
        self.users = defaultdict(set)  # user id -> local streams
        self.last = {}  # room id -> last seq fanned out here
        self.routed_at = {}  # room id -> when (time.monotonic()) it was last routed to a first stream
        self.order = {}  # room id -> lock that keeps the room's fan-out in seq order
        self.stopping = threading.Event()
        self.presence = Presence(broker, config["PRESENCE_TTL"], self.node, config["PRESENCE_GRACE"], self.stopping,
                                 config["PRESENCE_COALESCE"], config["PRESENCE_LIST_LIMIT"])
        self.started = False
        self.draining = False
        self.forgetters = []  # called with a user id whose logins changed (None: with everyone's)
        self.standing = []  # the broker's confirmations of what every process hears: `logins`, and every user's channel
        # user id -> when (time.monotonic()) a join, leave or deactivation of theirs was last heard, oldest
        # first, kept CHANGES_KEPT seconds: everything heard after `changes_kept_after` is here.
        self.changed = OrderedDict()
        self.changes_kept_after = time.monotonic()

    def start(self):
        with self.lock:
            if self.started:
                return
            self.started = True
            self.standing = self.broker.subscribe([LOGINS, EVERY_USER])
        self.broker.start(self)
        threading.Thread(target=self.presence.keep, args=(self.local_presence,),
                         name="chat-presence", daemon=True).start()
        threading.Thread(target=self.beat, name="chat-heartbeat", daemon=True).start()

    def beat(self):
        """Heartbeats for the streams the hub writes to directly (see wire.py), so
        their greenlets need no timer and idle streams are never woken."""
        while not self.stopping.wait(min(1.0, self.heartbeat / 2)):
            with self.lock:
                streams = [stream for streams in self.users.values() for stream in streams if stream.wire]
            now = time.monotonic()
            for stream in streams:
                stream.beat(now, self.heartbeat)

    def stop(self):
        self.stopping.set()
        self.broker.stop()

    def drain(self):
        """End every local stream now (a graceful stop): clients resume elsewhere
        rather than hold the worker until its graceful timeout."""
        with self.lock:
            self.draining = True
            streams = [stream for streams in self.users.values() for stream in streams]
        for stream in streams:
            stream.end()

    # Streams come and go.

    def attach(self, stream, since=None, wait=5.0):
        """Register a stream for its user and rooms; returns once the broker has them.
        `since` (a time.monotonic()) is when the stream's rooms were read: a join,
        leave or deactivation of its user heard after then, and before the stream
        was here to get it, is caught up from the database."""
        self.start()
        with self.lock:
            if self.draining:  # the worker began stopping as this stream opened
                stream.end()
            self.users[stream.user_id].add(stream)
            # Every user's channel is heard already: only new rooms wait for Redis.
            confirmations = list(self.standing)
            for room in stream.positions:
                confirmations += self.route(stream, room)
        # One deadline for all. With Redis down, no wait: the stream opens at once,
        # and its rooms are caught up from the database once Redis is back.
        if getattr(self.broker, "down", False):
            confirmations = []
        deadline = time.monotonic() + wait
        for confirmed in confirmations:
            confirmed.wait(max(deadline - time.monotonic(), 0))
        self.presence.mark(stream, list(stream.positions), +1)
        if since is not None and not self.unchanged_since(stream.user_id, since):
            self.revalidate({stream.user_id})

    def unchanged_since(self, user, since):
        """Whether this hub has heard every user event since `since`, and none that
        changed `user`'s rooms or account."""
        with self.lock:
            return (since > self.changes_kept_after and self.changed.get(user, -1.0) < since
                    and self.broker.heard_since(EVERY_USER, since))

    def note_change(self, user):
        """`user`'s rooms or account changed (call with the lock held)."""
        now = time.monotonic()
        self.changed.pop(user, None)
        self.changed[user] = now
        while True:
            oldest, at = next(iter(self.changed.items()))
            if at > now - CHANGES_KEPT:
                return
            del self.changed[oldest]
            self.changes_kept_after = at

    def unheard(self, positions, latest, since):
        """The part of an attached stream's `positions` ({room: seq}) that it must
        check against the database, given its rooms' `latest` seqs as read from
        the database after `since` (a time.monotonic()). A room may be skipped
        only when the stream starts at the seq read (it resumes from no older
        cursor), this hub has heard the room continuously since before `since`
        (routed here, and its subscription confirmed, before it), and the hub
        fanned out nothing past that seq before the stream was attached: then
        whatever was committed after the read reaches the stream live. This is
        what lets an open skip a second read of its rooms' latest seqs, in the
        usual case of rooms with streams here."""
        unheard = {}
        for room, seq in positions.items():
            if seq != latest.get(room):
                unheard[room] = seq
                continue
            # The room's order lock: a frame being fanned out as the stream was
            # attached has either reached it or has moved `last` by now.
            with self.order.setdefault(room, threading.Lock()):
                heard = (self.routed_at.get(room, since) < since
                         and self.broker.heard_since(room_channel(room), since))
                if not heard or self.last.get(room, seq) > seq:
                    unheard[room] = seq
        return unheard

    def detach(self, stream):
        """Forget a stream (safe to call twice: the body and the server both do)."""
        with self.lock:
            if stream.detached:
                return
            stream.detached = True
            rooms = list(stream.registered)
            for room in rooms:
                self.release(stream, room)
            self.users[stream.user_id].discard(stream)
            if not self.users[stream.user_id]:
                del self.users[stream.user_id]
        self.presence.mark(stream, rooms, -1)

    def route(self, stream, room):
        """Start routing `room` to `stream` (call with the lock held); returns the
        broker's confirmations of the room's subscription."""
        if room not in self.rooms:
            self.routed_at[room] = time.monotonic()
        self.rooms[room].add(stream)
        stream.registered.add(room)
        return self.broker.subscribe([room_channel(room)])

    def release(self, stream, room):
        """Stop routing `room` to `stream` (call with the lock held)."""
        stream.registered.discard(room)
        self.rooms[room].discard(stream)
        if not self.rooms[room]:
            del self.rooms[room]
            self.routed_at.pop(room, None)
            self.last.pop(room, None)
            self.order.pop(room, None)
            self.broker.unsubscribe([room_channel(room)])

    def local_presence(self):
        """[(room, stream)] for every room routed to a local stream."""
        with self.lock:
            return [(room, stream) for room, streams in self.rooms.items() for stream in streams]

    def confirmed(self, room, wait=5.0):
        for confirmation in self.broker.subscribe([room_channel(room)]):
            confirmation.wait(wait)

    # Events arrive.

    def receive(self, frame):
        """One event from the broker, routed by its frame alone: its JSON is never parsed here."""
        if frame.route == LOG:
            self.room_event(frame)
        elif frame.route == EPHEMERAL:  # typing, presence: not stored, not numbered
            self.fan_out(frame.room, frame)
        elif frame.route == FORGET:
            self.forgotten(frame.user)
        else:
            self.user_event(frame.user, frame)

    def room_event(self, frame):
        # One room's events go out one at a time, in seq order; other rooms
        # are not held up, even while a gap is read from the database.
        room, seq = frame.room, frame.seq
        with self.order.setdefault(room, threading.Lock()):
            if room not in self.rooms:
                return
            last = self.last.get(room)
            if last is not None and seq <= last:
                return
            if last is not None and seq > last + 1:
                self.deliver_missing(room, last, seq)
            self.fan_out(room, frame)
            self.last[room] = seq

    def user_event(self, user, frame):
        route, room = frame.route, frame.room
        moved = []  # (stream, room, +1 or -1): presence follows rooms joined and left mid-stream
        with self.lock:
            if route != PERSONAL:
                self.note_change(user)
            for stream in list(self.users.get(user, ())):
                if route == JOIN and room not in stream.registered:
                    self.route(stream, room)
                    stream.offer(frame)
                    moved.append((stream, room, +1))
                elif route == LEAVE and room in stream.registered:
                    self.release(stream, room)
                    stream.offer(frame)
                    moved.append((stream, room, -1))
                elif route == END:  # the account was deactivated: its logins are gone
                    stream.end()
                elif route == PERSONAL:
                    stream.offer(frame)
        for stream, room, delta in moved:
            self.presence.mark(stream, [room], delta)

    def forgotten(self, user):
        for callback in self.forgetters:
            callback(user)

    def fan_out(self, room, frame):
        with self.lock:
            streams = list(self.rooms.get(room, ()))
        for stream in streams:
            stream.offer(frame)

    def deliver_missing(self, room, after, before):
        """Fan out the room's log entries with after < seq < before, read from the
        database (call with the room's order lock held)."""
        for frame in list(frames(self.app, self.reads, room, after, before)):
            self.fan_out(room, frame)
            self.last[room] = frame.seq

    def resync(self):
        """After the broker connection came back: apply membership changes that were
        announced meanwhile, then deliver what the rooms gained."""
        self.forgotten(None)  # a revocation may have been published meanwhile
        self.revalidate()
        with self.lock:
            since = {room: self.last.get(room, min((s.positions.get(room, 0) for s in streams), default=0))
                     for room, streams in self.rooms.items()}
        if not since:
            return
        with self.app.app_context():
            latest = self.reads.latest(since)
        for room, after in since.items():
            if latest.get(room, 0) > after:
                with self.order.setdefault(room, threading.Lock()):
                    self.deliver_missing(room, max(after, self.last.get(room, after)), latest[room] + 1)

    def revalidate(self, users=None):
        """Replay, as join and leave events, the membership changes the database
        shows for local users (or those of `users`): a lost `leave` must not keep
        a removed member reading, nor a lost `signed_out` a deactivated account."""
        with self.lock:
            routed = {user: set().union(*(s.registered for s in streams)) for user, streams in self.users.items()
                      if users is None or user in users}
        with self.app.app_context():
            now = self.reads.positions(routed)
            gone = self.reads.inactive(routed)
        for user in gone:
            self.user_event(user, signed_out(user, "deactivated"))
        for user, rooms in routed.items():
            for room in rooms - set(now[user]):
                self.user_event(user, left(user, room))
            for room in set(now[user]) - rooms:
                self.user_event(user, joined(user, room, now[user][room]))
