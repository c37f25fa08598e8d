"""A message's reactions: add your emoji, or take it back. Both answer the message as it now stands."""
from flask import g
from flask_login import current_user
from werkzeug.routing import BaseConverter

from chat.api import bp
from chat.models import Message
from chat.scope import MEMBER, needs


class Segment(BaseConverter):
    """One path segment, which may be empty: `.../reactions/` is a 400 (no emoji), not a 404."""

    regex = "[^/]*"


# Before the routes below are added to the app's map, which looks their converter up.
bp.record_once(lambda state: state.app.url_map.converters.setdefault("segment", Segment))
PATH = "/rooms/<id:room_id>/messages/<id:seq>/reactions/<segment:emoji>"


@bp.put(PATH)
@needs(MEMBER)
def add_reaction(seq, emoji):
    """Add your `emoji` (percent-encoded UTF-8), idempotently; a change is heard as `event: reaction`."""
    Message.numbered(g.room.id, seq).react(current_user, emoji)
    return Message.numbered(g.room.id, seq).to_json()  # afresh, after the commit (or a no-op's rollback)


@bp.delete(PATH)
@needs(MEMBER)
def remove_reaction(seq, emoji):
    """Take your `emoji` back, idempotently; a change is heard as `event: reaction`."""
    Message.numbered(g.room.id, seq).unreact(current_user, emoji)
    return Message.numbered(g.room.id, seq).to_json()  # afresh, after the commit (or a no-op's rollback)
