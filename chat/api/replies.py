"""A message's thread: the replies to it, oldest first."""
from flask import g

from chat.api import bp
from chat.models import Message
from chat.params import SEQ_MAX, number_arg
from chat.scope import MEMBER, needs


@bp.get("/rooms/<id:room_id>/messages/<id:seq>/replies")
@needs(MEMBER)
def list_replies(seq):
    """?after=<seq>&limit=1..200 (default 50): the parent as it stands, and a page
    of its replies ascending by seq; a deleted parent still lists them."""
    after = number_arg("after", low=0, high=SEQ_MAX)
    limit = number_arg("limit", low=1, high=200, default=50)
    parent = Message.numbered(g.room.id, seq)
    replies, has_more = parent.replies(after=after, limit=limit)
    return {"parent": parent.to_json(), "replies": [reply.to_json() for reply in replies], "has_more": has_more}
