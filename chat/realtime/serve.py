"""GET /api/v1/stream's response: catch up from the database, then follow the hub."""
import time

from flask import Response, current_app, request

from chat.errors import Problem
from chat.realtime import cursor, hangup
from chat.realtime.event import Event, comment, compact, with_id
from chat.realtime.kind import EPHEMERAL, JOIN, LEAVE, LOG
from chat.realtime.reads import REPLAY_BATCH, behind, frames
from chat.realtime.stream import Stream
from chat.realtime.wire import Wire


def stream_response(user, cursor_text=None, *, padding=False, poll=False):
    """A text/event-stream response for `user` carrying every room they are in,
    resuming after `cursor_text` (a Last-Event-ID) or from now. With `poll`, one
    long-poll answer that ends once it has something to say; with `padding`, 2 KiB
    of comment first (old IE)."""
    config = current_app.config
    hub = current_app.extensions["realtime"]
    if hub.draining:  # a reconnect on a kept-alive connection to a stopping worker: go elsewhere
        raise Problem(503, "shutting_down", "This server is restarting; reconnect to continue.",
                      headers={"Retry-After": "1"})
    since = time.monotonic()
    latest = hub.reads.positions([user.id])[user.id]
    positions, resets = cursor.plan(latest, cursor_text)
    stream = Stream(user.id, user.username, positions, limit=config["STREAM_QUEUE_LIMIT"])
    # Attached before the response starts, so nothing published from here on
    # is missed; detached when the server closes the response, however it ends.
    hub.attach(stream, since)
    # Read after attaching, so nothing falls between; only for rooms the hub
    # cannot vouch for (see Hub.unheard).
    missed = behind(hub.reads, hub.unheard(stream.positions, latest, since))
    unwatch = hangup.watch(request.environ, stream.end)
    body = serve(hub, stream, resets, retry_ms=config["STREAM_RETRY_MS"], heartbeat=config["STREAM_HEARTBEAT"],
                 padding=padding, poll=poll, wire=Wire.of(request.environ), missed=missed)
    response = Response(body, mimetype="text/event-stream", headers={
        "Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Served-By": hub.node})
    response.call_on_close(lambda: (unwatch(), hub.detach(stream)))
    return response


def serve(hub, stream, resets, *, retry_ms, heartbeat, padding=False, poll=False, wire=None, missed=None):
    """The response body of an attached stream: catch up from the database, then
    follow the hub. With `poll` (long-polling clients), end as soon as there is
    something to send, or after one heartbeat of nothing. With a `wire`, once
    caught up, frames go straight to the socket (see wire.py). `missed`: what
    reads.behind returned, if it was called already."""
    try:
        # The opening frame carries the cursor (an id with no data dispatches no
        # event), so a client that drops before any event still resumes exactly.
        yield (comment(" " * 2048) if padding else b"") + with_id(stream.cursor, Event(retry=retry_ms).body())
        caught_up = False  # whether catching up sent anything
        for reset in resets:
            yield with_id(stream.cursor, Event(compact(reset), event="reset").body())
            caught_up = True
        if missed is None:
            with hub.app.app_context():
                missed = behind(hub.reads, stream.positions)
        for room, first in missed.items():
            for chunk in replay(hub, stream, room, first=first):
                yield chunk
                caught_up = True
        if poll and caught_up:
            return
        if wire is not None and not poll:
            # Everything yielded so far is written: the hub may write from here on.
            stream.wire = wire
            follow_on_wire(hub, stream, wire)
            return
        while not stream.done:
            queued = stream.take(heartbeat)
            if stream.done:
                break
            chunks = [chunk for frame in queued for chunk in handle(hub, stream, frame)]
            yield b"".join(chunks) if chunks else comment("ping")
            if poll:  # a long poll answers once
                return
    finally:
        hub.detach(stream)


def follow_on_wire(hub, stream, wire):
    """The stream's greenlet once the hub writes directly: it sleeps, with no
    timer, until the hub queues something it cannot write itself (a gap to fill,
    a join, the rest of a chunk the socket had no room for). The hub sends the
    heartbeats too. `busy` spans taking the frames to writing them, so nothing the
    hub sends meanwhile can overtake them."""
    while not stream.done:
        queued = stream.take(None)
        if stream.done:
            break
        wire.busy = True
        try:
            wire.send(b"".join(chunk for frame in queued for chunk in handle(hub, stream, frame)))
        except OSError:  # the client has gone
            return
        finally:
            wire.busy = False
    # Ended (a graceful stop, or too far behind): take the socket back from the hub
    # and finish any chunk it began, so the response ends between events, never
    # inside one, and the client resumes from the last event it read whole.
    stream.wire = None
    try:
        wire.send()
    except OSError:
        pass


def replay(hub, stream, room, before=None, first=None):
    """What the stream has not seen of `room`, read back from the database
    (starting with `first`, if read already), in chunks of REPLAY_BATCH events."""
    batch = []
    for frame in frames(hub.app, hub.reads, room, stream.positions[room], before, first):
        stream.positions[room] = frame.seq
        batch.append(with_id(stream.cursor, frame.body))
        if len(batch) == REPLAY_BATCH:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)


def handle(hub, stream, frame):
    """The chunks one queued frame becomes for this stream (maybe none)."""
    _, route, room, seq, body = frame
    positions = stream.positions
    if route == LOG:
        if room not in positions or seq <= positions[room]:
            return
        if seq > positions[room] + 1:  # this stream missed some: fill from the database
            yield from replay(hub, stream, room, before=seq)
        positions[room] = seq
        yield with_id(stream.cursor, body)
    elif route == EPHEMERAL:
        if room in positions:
            yield with_id(stream.cursor, body)
    elif route == JOIN:
        positions.setdefault(room, seq)
        yield with_id(stream.cursor, body)
        hub.confirmed(room)
        yield from replay(hub, stream, room)
    elif route == LEAVE:
        positions.pop(room, None)
        yield with_id(stream.cursor, body)
    else:
        yield with_id(stream.cursor, body)
