"""Broker adapters: Redis pub/sub between processes, or in-process for one.

Both offer publish, per-channel subscriptions that the hub's single listener
applies, and a presence store. A channel named with a `*` is a pattern: every
channel it matches (Redis PSUBSCRIBE). Pub/sub is a wake-up path, not the record:
whatever it drops, the hub fetches from the database.
"""
import logging
import re
import threading
import time
from collections import defaultdict

import redis

from chat.realtime.kind import Frame

log = logging.getLogger(__name__)


class Confirmation(threading.Event):
    """Set once the broker has confirmed a channel; `at` is when (time.monotonic()),
    None while it is not confirmed."""

    at = None

    def set(self):
        if self.at is None:
            self.at = time.monotonic()
        super().set()

    def clear(self):
        self.at = None
        super().clear()


class LocalBroker:
    """One process, no Redis: publishing hands the frame straight to the hub."""

    def __init__(self):
        self.hub = None
        self.present = defaultdict(dict)  # room -> {member: expires}

    def start(self, hub):
        self.hub = hub

    def stop(self):
        self.hub = None

    def publish(self, frame):
        if self.hub is not None:
            self.hub.receive(frame)

    def subscribe(self, channels):
        """Nothing to wait for: every local publish reaches the hub."""
        return []

    def heard_since(self, channel, since):
        """Whether everything published on `channel` after `since` (a time.monotonic())
        reaches the hub: always, in one process."""
        return True

    def unsubscribe(self, channels):
        pass

    def touch(self, pairs, ttl):
        """Mark each (room, member) present for `ttl` seconds more."""
        for room, member in pairs:
            self.present[room][member] = time.time() + ttl

    def drop(self, pairs, ttl=None):
        for room, member in pairs:
            self.present[room].pop(member, None)

    def online(self, room_id, limit=None):
        now = time.time()
        return [member for member, expires in self.present[room_id].items() if expires > now][:limit]


class RedisBroker:
    """One Redis client and one pub/sub connection per process, however many streams."""

    def __init__(self, url, prefix="", max_connections=50):
        # Bounded timeouts: a dead Redis must fail a publish fast, not hang a post.
        # A bounded pool that waits for a free connection: thousands of greenlets
        # publishing at once share `max_connections`, rather than failing past
        # redis-py's default cap (or opening thousands).
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=5,
                                                     health_check_interval=30, socket_connect_timeout=2,
                                                     socket_timeout=5)
        self.client = redis.Redis(connection_pool=pool)
        self.prefix = prefix
        self.pattern_prefix = re.sub(r"([\\*?\[\]])", r"\\\1", prefix)  # the prefix, taken literally in a pattern
        self.hub = None
        self.wanted = {}  # channel -> threading.Event set once Redis confirms it
        # Channels asked for or let go of since the listener last looked: it applies
        # just those, so a change costs the same with 20 channels or 20,000.
        self.pending = set()
        self.changes = threading.Lock()
        self.running = False
        self.thread = None
        # Set while the pub/sub connection is lost: nothing to wait for then, since
        # the resync on reconnecting catches every local stream up.
        self.down = False

    def start(self, hub):
        self.hub, self.running = hub, True
        self.thread = threading.Thread(target=self.listen, name="chat-broker", daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None
        self.client.close()
        self.client.connection_pool.disconnect()

    def publish(self, frame):
        self.client.publish(self.prefix + frame.channel, frame.pack())

    def subscribe(self, channels):
        """Ask the listener to subscribe; returns events set when Redis confirms."""
        with self.changes:
            confirmations = []
            for channel in channels:
                if channel not in self.wanted:
                    self.wanted[channel] = Confirmation()
                    self.pending.add(channel)
                confirmations.append(self.wanted[channel])
            return confirmations

    def heard_since(self, channel, since):
        """Whether `channel` was subscribed, and confirmed, before `since` (a
        time.monotonic()) and has stayed so: then everything published on it
        after `since` reaches the hub."""
        confirmed = self.wanted.get(channel)
        return confirmed is not None and confirmed.at is not None and confirmed.at < since and not self.down

    def unsubscribe(self, channels):
        with self.changes:
            for channel in channels:
                if self.wanted.pop(channel, None) is not None:
                    self.pending.add(channel)

    def listen(self):
        """The process's one subscriber: apply subscription changes, hand messages
        to the hub, and after a lost connection resubscribe and let the hub resync."""
        delay, lost = 0.1, False
        while self.running:
            pubsub = self.client.pubsub(ignore_subscribe_messages=False)
            try:
                pubsub.ping()  # connect now, so a dead Redis is noticed here
                if lost:
                    log.warning("Redis pub/sub is back; catching up from the database")
                resync, lost, delay = lost, False, 0.1
                self.down = False
                self.pump(pubsub, resync)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                if not lost:
                    log.warning("Redis pub/sub lost (%s); retrying", error)
                lost = self.down = True
                with self.changes:
                    for confirmed in self.wanted.values():
                        confirmed.clear()
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            finally:
                pubsub.close()

    def pump(self, pubsub, resync=False):
        """Read until stopped. With `resync`, once every channel is subscribed
        again, have the hub fetch what was published while we were away."""
        subscribed = set()
        with self.changes:
            self.pending = set(self.wanted)  # a new connection starts with nothing
        while self.running:
            with self.changes:
                pending, self.pending = self.pending, set()
                adds, drops = [], []
                for channel in pending:
                    if channel in self.wanted:
                        if channel in subscribed:  # let go and asked for again: still subscribed
                            self.wanted[channel].set()
                        else:
                            adds.append(channel)
                    elif channel in subscribed:
                        drops.append(channel)
                ready = resync and all(confirmed.is_set() for confirmed in self.wanted.values())
            if adds:
                self.apply(pubsub.subscribe, pubsub.psubscribe, adds)
                subscribed.update(adds)
            if drops:
                self.apply(pubsub.unsubscribe, pubsub.punsubscribe, drops)
                subscribed.difference_update(drops)
            if ready:
                self.hub.resync()
                resync = False
            message = pubsub.get_message(timeout=0.01)  # also how long a new subscription may wait
            while message is not None:
                self.handle(message)
                message = pubsub.get_message(timeout=0)

    def apply(self, plain, patterned, channels):
        """(Un)subscribe `channels`: plain names with `plain`, patterns with `patterned`."""
        names = [self.prefix + c for c in channels if "*" not in c]
        patterns = [self.pattern_prefix + c for c in channels if "*" in c]
        if names:
            plain(*names)
        if patterns:
            patterned(*patterns)

    def handle(self, message):
        kind = message["type"]
        if kind in ("message", "pmessage"):  # a pattern's message names the channel it came on
            channel = message["channel"].decode()[len(self.prefix):]
            try:
                frame = Frame.unpack(channel, message["data"])
            except ValueError:  # not one of ours: someone else publishing under our prefix
                log.warning("ignoring a malformed event on %s", channel)
                return
            self.hub.receive(frame)
        elif kind in ("subscribe", "psubscribe"):
            name = message["channel"].decode()
            channel = name[len(self.prefix if kind == "subscribe" else self.pattern_prefix):]
            with self.changes:
                confirmed = self.wanted.get(channel)
            if confirmed is not None:
                confirmed.set()
        # else: a pong, or the confirmation of an unsubscribe

    def touch(self, pairs, ttl):
        """Mark each (room, member) present for `ttl` seconds more, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        expires = time.time() + ttl
        for room, member in pairs:
            pipe.zadd(self.presence_key(room), {member: expires})
            pipe.expire(self.presence_key(room), int(ttl) + 1)
        pipe.execute()

    def drop(self, pairs, ttl=None):
        pipe = self.client.pipeline(transaction=False)
        for room, member in pairs:
            pipe.zrem(self.presence_key(room), member)
        pipe.execute()

    def online(self, room_id, limit=None):
        """Live members of the room's presence set (the first `limit`, if given)."""
        key, now = self.presence_key(room_id), time.time()
        pipe = self.client.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zrangebyscore(key, now, "+inf", *((0, limit) if limit is not None else ()))
        return [member.decode() for member in pipe.execute()[1]]

    def presence_key(self, room_id):
        return f"{self.prefix}presence:room:{room_id}"
