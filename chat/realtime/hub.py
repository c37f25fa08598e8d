"""The per-process hub: one broker subscription, fanned out to local streams."""
import json
import logging
import os
import socket
import threading
import time
from collections import defaultdict

from sqlalchemy import select

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

    def __init__(self, app, broker, presence_ttl=45):
        self.app, self.broker = app, broker
        self.node = f"{socket.gethostname()}:{os.getpid()}"
        self.lock = threading.RLock()
        self.rooms = defaultdict(set)  # room id -> local streams
        self.users = defaultdict(set)  # user id -> local streams
        self.last = {}  # room id -> last seq fanned out here
        self.order = {}  # room id -> lock that keeps the room's fan-out in seq order
        self.presence = Presence(broker, presence_ttl, self.node)
        self.started = False
        self.stopping = threading.Event()

    def start(self):
        with self.lock:
            if self.started:
                return
            self.started = True
        self.broker.start(self)
        threading.Thread(target=self.presence.keep, args=(self.local_presence, self.stopping),
                         name="chat-presence", daemon=True).start()

    def stop(self):
        self.stopping.set()
        self.broker.stop()

    # Streams come and go.

    def attach(self, stream, wait=5.0):
        """Register a stream for its user and rooms; returns once the broker has them."""
        self.start()
        with self.lock:
            self.users[stream.user_id].add(stream)
            channels = [user_channel(stream.user_id)]
            for room in stream.positions:
                self.rooms[room].add(stream)
                stream.registered.add(room)
                channels.append(room_channel(room))
            confirmations = self.broker.subscribe(channels)
        # One deadline for all: with Redis down the stream still opens (its rooms
        # are caught up from the database once Redis is back).
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
                for missing_seq, missing_body in self.fetch(room, last, seq):
                    self.fan_out(room, ("room", room, missing_seq, missing_body))
            self.fan_out(room, ("room", room, seq, body))
            self.last[room] = seq

    def user_event(self, user, kind, data, body):
        with self.lock:
            for stream in list(self.users.get(user, ())):
                if kind == "join" and data["room_id"] not in stream.registered:
                    self.rooms[data["room_id"]].add(stream)
                    stream.registered.add(data["room_id"])
                    self.broker.subscribe([room_channel(data["room_id"])])
                    stream.offer(("join", data["room_id"], data["seq"], body))
                elif kind == "leave" and data["room_id"] in stream.registered:
                    self.release(stream, data["room_id"])
                    stream.offer(("leave", data["room_id"], None, body))
                elif kind not in ("join", "leave"):
                    stream.offer(("user", None, None, body))

    def fan_out(self, room, item):
        with self.lock:
            streams = list(self.rooms.get(room, ()))
        for stream in streams:
            stream.offer(item)

    def fetch(self, room, after, before):
        """[(seq, body)] of the room's messages with after < seq < before, from the database."""
        from chat.realtime.stream import message_frames

        return list(message_frames(self.app, room, after, before))

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
            from chat.extensions import db

            latest = dict(db.session.execute(select(Room.id, Room.last_seq).where(Room.id.in_(since))).all())
        for room, after in since.items():
            if latest.get(room, 0) > after:
                self.room_event_from_database(room, after, latest[room])

    def revalidate(self):
        """Stop rooms the database says a local stream's user has left (a lost
        `leave` must not keep a removed member reading), start rooms they joined."""
        from chat.models import Membership, Room

        with self.lock:
            users = list(self.users)
        if not users:
            return
        with self.app.app_context():
            from chat.extensions import db

            rows = db.session.execute(select(Membership.user_id, Membership.room_id, Room.last_seq)
                                      .join(Room, Room.id == Membership.room_id)
                                      .where(Membership.user_id.in_(users))).all()
        rooms_of = {}
        for user, room, last_seq in rows:
            rooms_of.setdefault(user, {})[room] = last_seq
        with self.lock:
            for user, streams in self.users.items():
                now = rooms_of.get(user, {})
                for stream in list(streams):
                    for room in stream.registered - set(now):
                        self.release(stream, room)
                        stream.offer(("leave", room, None, Event(compact({"room_id": room}), event="leave").body()))
                    for room in set(now) - stream.registered:
                        self.rooms[room].add(stream)
                        stream.registered.add(room)
                        self.broker.subscribe([room_channel(room)])
                        data = {"room_id": room, "seq": now[room]}
                        stream.offer(("join", room, now[room], Event(compact(data), event="join").body()))

    def room_event_from_database(self, room, after, upto):
        with self.order.setdefault(room, threading.Lock()):
            after = max(after, self.last.get(room, after))
            for seq, body in self.fetch(room, after, upto + 1):
                self.fan_out(room, ("room", room, seq, body))
                self.last[room] = seq
