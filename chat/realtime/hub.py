"""The per-process hub: one broker subscription, fanned out to local streams."""
import json
import logging
import os
import socket
import threading
import time
from collections import defaultdict

from chat.realtime.event import Event, compact
from chat.realtime.presence import Presence

log = logging.getLogger(__name__)


def room_channel(room_id):
    return f"room:{room_id}"


def user_channel(user_id):
    return f"user:{user_id}"


class Hub:
    """Routes events to this process's streams.

    Each room event is encoded once and the same bytes go to every local
    stream in the room. Seq-bearing events pass in seq order: when the hub
    sees seq 7 after 5 it fetches 6 from the database first, and after a lost
    broker connection it fetches whatever the rooms gained meanwhile.
    """

    def __init__(self, app, broker, presence_ttl=45, presence_grace=5.0, presence_coalesce=0.0,
                 presence_list_limit=200, heartbeat=15.0):
        self.app, self.broker, self.heartbeat = app, broker, heartbeat
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        self.lock = threading.RLock()
        self.rooms = defaultdict(set)  # room id -> local streams
        self.users = defaultdict(set)  # user id -> local streams
        self.last = {}  # room id -> last seq fanned out here
        self.order = {}  # room id -> lock that keeps the room's fan-out in seq order
        self.stopping = threading.Event()
        self.presence = Presence(broker, presence_ttl, self.node, presence_grace, self.stopping,
                                 presence_coalesce, presence_list_limit)
        self.started = False
        self.draining = False

    def start(self):
        with self.lock:
            if self.started:
                return
            self.started = True
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

    def attach(self, stream, wait=5.0):
        """Register a stream for its user and rooms; returns once the broker has them."""
        self.start()
        with self.lock:
            if self.draining:  # the worker began stopping as this stream opened
                stream.end()
            self.users[stream.user_id].add(stream)
            confirmations = self.broker.subscribe([user_channel(stream.user_id)])
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
                self.broker.unsubscribe([user_channel(stream.user_id)])
        self.presence.mark(stream, rooms, -1)

    def route(self, stream, room):
        """Start routing `room` to `stream` (call with the lock held); returns the
        broker's confirmations of the room's subscription."""
        self.rooms[room].add(stream)
        stream.registered.add(room)
        return self.broker.subscribe([room_channel(room)])

    def release(self, stream, room):
        """Stop routing `room` to `stream` (call with the lock held)."""
        stream.registered.discard(room)
        self.rooms[room].discard(stream)
        if not self.rooms[room]:
            del self.rooms[room]
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

    def receive(self, channel, payload):
        """One message from the broker: {"type", "seq"?, "data"} on room:<id> or user:<id>."""
        try:
            kind, _, ident = channel.partition(":")
            event = json.loads(payload)
            target, kind_of_event, seq, data = int(ident), event["type"], event.get("seq"), event["data"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed event on %s", channel)
            return
        body = Event(compact(data), event=kind_of_event).body()
        if kind == "room":
            self.room_event(target, seq, body)
        elif kind == "user":
            self.user_event(target, kind_of_event, data, body)

    def room_event(self, room, seq, body):
        if seq is None:  # typing, presence: not stored, not numbered
            self.fan_out(room, ("ephemeral", room, None, body))
            return
        # One room's events go out one at a time, in seq order; other rooms
        # are not held up, even while a gap is fetched from the database.
        with self.order.setdefault(room, threading.Lock()):
            if room not in self.rooms:
                return
            last = self.last.get(room)
            if last is not None and seq <= last:
                return
            if last is not None and seq > last + 1:
                self.deliver_missing(room, last, seq)
            self.fan_out(room, ("room", room, seq, body))
            self.last[room] = seq

    def user_event(self, user, kind, data, body):
        moved = []  # (stream, room, +1 or -1): presence follows rooms joined and left mid-stream
        with self.lock:
            for stream in list(self.users.get(user, ())):
                if kind == "join" and data["room_id"] not in stream.registered:
                    self.route(stream, data["room_id"])
                    stream.offer(("join", data["room_id"], data["seq"], body))
                    moved.append((stream, data["room_id"], +1))
                elif kind == "leave" and data["room_id"] in stream.registered:
                    self.release(stream, data["room_id"])
                    stream.offer(("leave", data["room_id"], None, body))
                    moved.append((stream, data["room_id"], -1))
                elif kind == "signed_out":  # the account was deactivated: its logins are gone
                    stream.end()
                elif kind not in ("join", "leave"):
                    stream.offer(("user", None, None, body))
        for stream, room, delta in moved:
            self.presence.mark(stream, [room], delta)

    def fan_out(self, room, item):
        with self.lock:
            streams = list(self.rooms.get(room, ()))
        for stream in streams:
            stream.offer(item)

    def deliver_missing(self, room, after, before):
        """Fan out the room's messages with after < seq < before, read from the
        database (call with the room's order lock held)."""
        from chat.realtime.stream import message_frames

        for seq, body in list(message_frames(self.app, room, after, before)):
            self.fan_out(room, ("room", room, seq, body))
            self.last[room] = seq

    def resync(self):
        """After the broker connection came back: apply membership changes that were
        announced meanwhile, then deliver what the rooms gained."""
        from chat.models import Room

        self.revalidate()
        with self.lock:
            since = {room: self.last.get(room, min((s.positions.get(room, 0) for s in streams), default=0))
                     for room, streams in self.rooms.items()}
        if not since:
            return
        with self.app.app_context():
            latest = Room.latest_seqs(since)
        for room, after in since.items():
            if latest.get(room, 0) > after:
                with self.order.setdefault(room, threading.Lock()):
                    self.deliver_missing(room, max(after, self.last.get(room, after)), latest[room] + 1)

    def revalidate(self):
        """Replay, as join and leave events, the membership changes the database
        shows for local users: a lost `leave` must not keep a removed member reading,
        nor a lost `signed_out` a deactivated account."""
        from chat.models import Membership, User

        with self.lock:
            routed = {user: set().union(*(s.registered for s in streams)) for user, streams in self.users.items()}
        with self.app.app_context():
            now = Membership.positions_by_user(routed)
            gone = User.inactive_among(routed)
        for user in gone:
            self.user_event(user, "signed_out", {}, b"")
        for user, rooms in routed.items():
            for room in rooms - set(now[user]):
                data = {"room_id": room}
                self.user_event(user, "leave", data, Event(compact(data), event="leave").body())
            for room in set(now[user]) - rooms:
                data = {"room_id": room, "seq": now[user][room]}
                self.user_event(user, "join", data, Event(compact(data), event="join").body())
