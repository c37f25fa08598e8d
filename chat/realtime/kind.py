"""Kinds of event, each defined once, and the Frame that every event travels as.

A Kind is an event's SSE name and its route. The route says which channel the
event goes on (`room:<id>` or `user:<id>`) and what the hub does with it. A
process subscribes to a room's channel while a local stream carries the room,
but hears every user's channel (`user:*`) for as long as it runs: a stream open
then waits for no subscription of its own, and user events are few. An
event is encoded once, when it is announced or read back from a room's log,
into a Frame: its exact SSE bytes without the `id:` line (each stream stamps
its own cursor there), plus the room and seq that the hub routes by. The same
Frame crosses the broker, the hub and every stream's queue, and nothing on the
way parses its JSON again.
"""
from typing import NamedTuple

from chat.realtime.event import Event, compact

# Routes on a room's channel, room:<id>.
LOG = "log"              # an entry of the room's log, numbered by its seq: a resume replays it
EPHEMERAL = "ephemeral"  # not stored (typing, presence): only the streams open at the time hear it
# Routes on a user's channel, user:<id>.
JOIN = "join"            # that user's streams start carrying a room
LEAVE = "leave"          # that user's streams stop carrying a room, at once
PERSONAL = "personal"    # passed on to that user's streams as it is
END = "end"              # that user's streams end: the account was deactivated
# The route on the one channel every process hears, `logins`.
FORGET = "forget"        # what each process remembers of a user's logins is stale: drop it
ROUTES = (LOG, EPHEMERAL, JOIN, LEAVE, PERSONAL, END, FORGET)
LOGINS = "logins"
EVERY_USER = "user:*"    # a pattern: every user's channel, which every process hears


def room_channel(room_id):
    return f"room:{room_id}"


def user_channel(user_id):
    return f"user:{user_id}"


class Frame(NamedTuple):
    """One encoded event: `body` is its SSE form, shared by every stream it reaches."""

    channel: str
    route: str
    room: int | None
    seq: int | None
    body: bytes

    @property
    def user(self):
        """The user whose channel it travels on (for user routes), or whom a `forget` is about."""
        return int(self.body if self.route == FORGET else self.channel.partition(":")[2])

    def pack(self):
        """The frame as Redis carries it: a header line the hub reads without JSON, then the body."""
        return f"{self.route} {dash(self.room)} {dash(self.seq)}\n".encode() + self.body

    @classmethod
    def unpack(cls, channel, payload):
        """The frame that `pack` made, received on `channel`; ValueError for anything else."""
        head, newline, body = payload.partition(b"\n")
        route, room, seq = head.decode().split(" ")
        if route not in ROUTES or not newline:
            raise ValueError(f"not a frame: {head!r}")
        return cls(channel, route, number(room), number(seq), body)


def dash(value):
    return "-" if value is None else value


def number(text):
    return None if text == "-" else int(text)


class Kind(NamedTuple):
    """A kind of event: its SSE name and its route."""

    name: str
    route: str

    def to(self, target, data, *, seq=None, room=None):
        """This event, with `data` as its JSON, for room or user `target` (by the
        route), as a Frame. A room's events are about that room; a user's may
        name one in `room`."""
        if self.route in (LOG, EPHEMERAL):
            channel, room = room_channel(target), target
        else:
            channel = user_channel(target)
        return Frame(channel, self.route, room, seq, Event(compact(data), event=self.name).body())


# The user events the hub itself acts on. It also makes them, after a broker outage.
JOINED = Kind("join", JOIN)
LEFT = Kind("leave", LEAVE)
SIGNED_OUT = Kind("signed_out", END)


def joined(user_id, room_id, seq, room=None):
    """`join`: the user's streams carry room_id from after `seq` on. `room` is the
    room's JSON as that user sees it, for their sidebar."""
    data = {"room_id": room_id, "seq": seq}
    if room is not None:
        data["room"] = room
    return JOINED.to(user_id, data, room=room_id, seq=seq)


def left(user_id, room_id, seq=None, reason=None):
    """`leave`: the user's streams drop room_id now (`reason`: "removed" or "banned")."""
    data = {"room_id": room_id}
    if seq is not None:
        data["seq"] = seq
    if reason is not None:
        data["reason"] = reason
    return LEFT.to(user_id, data, room=room_id)


def signed_out(user_id, reason):
    return SIGNED_OUT.to(user_id, {"reason": reason})


def forget(user_id):
    """Every process drops what it remembers of `user_id`'s logins (its body is the id, not an SSE event)."""
    return Frame(LOGINS, FORGET, None, None, str(int(user_id)).encode())
