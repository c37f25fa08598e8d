"""Live delivery: events encoded once, one hub per process, one stream per tab.

It imports no model: the models announce through their own broadcasts module,
and what it reads back from the database comes through the `Reads` handed to
`init_app`. The whole of its surface:

- `init_app(app, reads)`: the process's hub, on Redis or in-process.
- `Kind` and its routes `LOG`, `EPHEMERAL`, `PERSONAL`: how the models define
  each kind of event they announce, once; `joined`, `left` and `signed_out`:
  the user events that the hub itself acts on.
- `announce(frame)`: publish an event, after the commit that made it.
- `revoke(user_id)`, `on_revoke(app, callback)`, `hears_revocations()`: every
  process forgets what it remembered of a user's logins (chat.logins).
- `stream_response(user, cursor)`: GET /api/v1/stream.
- `cursor_of(positions)`: the cursor a page hands its stream; `online(room_id)`:
  who has a stream in a room.
"""
from chat.realtime.cursor import dump as cursor_of
from chat.realtime.hub import announce, hears_revocations, init_app, on_revoke, revoke
from chat.realtime.kind import EPHEMERAL, LOG, PERSONAL, Kind, joined, left, signed_out
from chat.realtime.presence import online
from chat.realtime.serve import stream_response

__all__ = ["EPHEMERAL", "LOG", "PERSONAL", "Kind", "announce", "cursor_of", "hears_revocations", "init_app", "joined",
           "left", "on_revoke", "online", "revoke", "signed_out", "stream_response"]
