"""Broker adapters: Redis pub/sub between processes, or in-process for one.

Both offer publish, per-channel subscriptions that the hub's single listener
applies, and a presence store. Pub/sub is a wake-up path, not the record:
whatever it drops, the hub fetches from the database.
"""
import logging
import threading
import time
from collections import defaultdict

import redis

log = logging.getLogger(__name__)


class LocalBroker:
    """One process, no Redis: publishing hands the payload straight to the hub."""

    def __init__(self):
        self.hub = None
        self.present = defaultdict(dict)  # room -> {member: expires}

    def start(self, hub):
        self.hub = hub

    def stop(self):
        self.hub = None

    def publish(self, channel, payload):
        if self.hub is not None:
            self.hub.receive(channel, payload)

    def subscribe(self, channels):
        """Nothing to wait for: every local publish reaches the hub."""
        return []

    def unsubscribe(self, channels):
        pass

    def touch(self, pairs, ttl):
        """Mark each (room, member) present for `ttl` seconds more."""
        for room, member in pairs:
            self.present[room][member] = time.time() + ttl

    def drop(self, pairs, ttl=None):
        for room, member in pairs:
            self.present[room].pop(member, None)

    def online(self, room_id):
        now = time.time()
        return [member for member, expires in self.present[room_id].items() if expires > now]


class RedisBroker:
    """One Redis client and one pub/sub connection per process, however many streams."""

    def __init__(self, url, prefix=""):
        # Bounded timeouts: a dead Redis must fail a publish fast, not hang a post.
        self.client = redis.Redis.from_url(url, health_check_interval=30, socket_connect_timeout=2,
                                           socket_timeout=5)
        self.prefix = prefix
        self.hub = None
        self.wanted = {}  # channel -> threading.Event set once Redis confirms it
        self.changes = threading.Lock()
        self.running = False
        self.thread = None

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

    def publish(self, channel, payload):
        self.client.publish(self.prefix + channel, payload)

    def subscribe(self, channels):
        """Ask the listener to subscribe; returns events set when Redis confirms."""
        with self.changes:
            return [self.wanted.setdefault(channel, threading.Event()) for channel in channels]

    def unsubscribe(self, channels):
        with self.changes:
            for channel in channels:
                self.wanted.pop(channel, None)

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
                self.pump(pubsub, resync)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
                if not lost:
                    log.warning("Redis pub/sub lost (%s); retrying", error)
                lost = True
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
        while self.running:
            with self.changes:
                wanted = set(self.wanted)
                ready = all(confirmed.is_set() for confirmed in self.wanted.values())
            if wanted - subscribed:
                pubsub.subscribe(*[self.prefix + c for c in wanted - subscribed])
            if subscribed - wanted:
                pubsub.unsubscribe(*[self.prefix + c for c in subscribed - wanted])
            subscribed = wanted
            if resync and ready:
                self.hub.resync()
                resync = False
            message = pubsub.get_message(timeout=0.05)
            while message is not None:
                self.handle(message)
                message = pubsub.get_message(timeout=0)

    def handle(self, message):
        if message["type"] not in ("message", "subscribe"):
            return  # pong, unsubscribe confirmations
        channel = message["channel"].decode()[len(self.prefix):]
        if message["type"] == "message":
            self.hub.receive(channel, message["data"])
        else:
            with self.changes:
                confirmed = self.wanted.get(channel)
            if confirmed is not None:
                confirmed.set()

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

    def online(self, room_id):
        key, now = self.presence_key(room_id), time.time()
        pipe = self.client.pipeline(transaction=False)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zrangebyscore(key, now, "+inf")
        return [member.decode() for member in pipe.execute()[1]]

    def presence_key(self, room_id):
        return f"{self.prefix}presence:room:{room_id}"
