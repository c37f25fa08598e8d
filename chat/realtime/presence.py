"""Presence: who has a live stream in each room, across every process and node."""
import logging
import threading
from collections import Counter

log = logging.getLogger(__name__)


class Presence:
    """Counts this process's streams per (room, user) and mirrors them into the
    broker's store, where entries expire unless refreshed: a crashed process's
    users drop out after `ttl` seconds."""

    def __init__(self, broker, ttl, node):
        self.broker, self.ttl, self.node = broker, ttl, node
        self.lock = threading.Lock()
        self.count = Counter()  # (room id, user id) -> local streams

    def member(self, stream):
        return f"{stream.user_id}:{stream.username}:{self.node}"

    def mark(self, stream, rooms, delta):
        """Count `stream` in (+1) or out (-1) of `rooms`; announce rooms whose
        online list changed."""
        changed = []
        with self.lock:
            for room in rooms:
                key = (room, stream.user_id)
                before = self.count[key]
                self.count[key] = before + delta
                if self.count[key] <= 0:
                    del self.count[key]
                if (before > 0) != (key in self.count):
                    changed.append(room)
        if not changed:
            return
        from chat.realtime.publish import announce_presence

        pairs = [(room, self.member(stream)) for room in changed]
        try:
            (self.broker.touch if delta > 0 else self.broker.drop)(pairs, self.ttl)
            for room in changed:
                announce_presence(self.broker, room)
        except Exception:  # presence is best effort; the next refresh puts it right
            log.warning("presence store unavailable", exc_info=True)

    def keep(self, local, stopping):
        """Refresh this process's entries before they expire, until `stopping` is set."""
        while not stopping.wait(self.ttl / 3):
            pairs = [(room, self.member(stream)) for room, stream in local()
                     if (room, stream.user_id) in self.count]
            if pairs:
                try:
                    self.broker.touch(pairs, self.ttl)
                except Exception:
                    log.warning("could not refresh presence", exc_info=True)
