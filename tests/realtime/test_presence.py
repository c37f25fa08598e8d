"""Presence bookkeeping on its own: the periodic refresh, in batches."""
import threading
import time
from types import SimpleNamespace

from chat.realtime.brokers import LocalBroker
from chat.realtime.presence import Presence


def settles_to(read, expected, seconds=5):
    """Whether `read()` comes to equal `expected` within `seconds` (a busy machine may
    run the refresh thread late, never early)."""
    deadline = time.monotonic() + seconds
    while read() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return read() == expected


def test_the_periodic_refresh_reaches_every_entry_however_many_batches_it_takes():
    broker, stopping = LocalBroker(), threading.Event()
    presence = Presence(broker, ttl=0.6, node="here", stopping=stopping)
    streams = [SimpleNamespace(user_id=i, username=f"user{i}") for i in range(1234)]
    local = [(i % 7, stream) for i, stream in enumerate(streams)]
    for room, stream in local:
        presence.count[(room, stream.user_id)] = 1
    broker.touch([(room, presence.member(stream)) for room, stream in local], 0.6)
    threading.Thread(target=presence.keep, args=(lambda: local, 100), daemon=True).start()
    time.sleep(0.7)  # past the first expiry: only refreshed entries are still there
    try:
        assert settles_to(lambda: sum(len(broker.online(room)) for room in range(7)), 1234)
    finally:
        stopping.set()


def test_entries_of_streams_no_longer_counted_are_left_to_expire():
    broker, stopping = LocalBroker(), threading.Event()
    presence = Presence(broker, ttl=0.6, node="here", stopping=stopping)
    kept, gone = SimpleNamespace(user_id=1, username="kept"), SimpleNamespace(user_id=2, username="gone")
    presence.count[(5, 1)] = 1
    broker.touch([(5, presence.member(kept)), (5, presence.member(gone))], 0.6)
    threading.Thread(target=presence.keep, args=(lambda: [(5, kept), (5, gone)],), daemon=True).start()
    time.sleep(0.7)  # past the first expiry
    try:
        assert settles_to(lambda: broker.online(5), [presence.member(kept)])
    finally:
        stopping.set()
