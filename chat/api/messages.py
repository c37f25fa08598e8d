"""A room's messages: history pages, posting, one message, edits and deletes."""
from flask import g
from flask_login import current_user

from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.models import Message
from chat.params import SEQ_MAX, number_arg
from chat.scope import INSIDE, MEMBER, REACH, moderator, needs


@bp.get("/rooms/<id:room_id>/messages")
@needs(MEMBER)
def list_messages():
    """?before=<seq> or ?after=<seq>, &limit=1..200 (default 50); ascending by seq."""
    before = number_arg("before", low=0, high=SEQ_MAX)
    after = number_arg("after", low=0, high=SEQ_MAX)
    if before is not None and after is not None:
        raise Problem(400, "invalid_parameter", "Use 'before' or 'after', not both.")
    limit = number_arg("limit", low=1, high=200, default=50)
    messages, has_more = Message.page(g.room.id, before=before, after=after, limit=limit)
    return {"messages": [message.to_json() for message in messages], "has_more": has_more}


@bp.post("/rooms/<id:room_id>/messages")
@needs(MEMBER, remembered=True)
def post_message():
    data = json_body()
    attachments = field(data, "attachments", list, required=False)  # with them, the text may be left out
    message, created = g.room.post(
        current_user, field(data, "body", required=not attachments), field(data, "client_id", required=False),
        attachments=attachments, reply_to=field(data, "reply_to", int, required=False))
    return message.to_json(), 201 if created else 200


@bp.get("/rooms/<id:room_id>/messages/<id:seq>")
@needs(MEMBER)
def show_message(seq):
    return Message.numbered(g.room.id, seq).to_json()


@bp.patch("/rooms/<id:room_id>/messages/<id:seq>")
@needs(REACH)
def edit_message(seq):
    """`{"body"}`: the author edits their message; the room hears `event: edit`."""
    message = Message.numbered(g.room.id, seq)
    message.edit(current_user, field(json_body(), "body"))
    return message.to_json()


@bp.delete("/rooms/<id:room_id>/messages/<id:seq>")
@needs(REACH)
def delete_message(seq):
    """The author, the room's owner or a site admin leaves a tombstone; `event: delete`."""
    Message.numbered(g.room.id, seq).delete(current_user, moderator(g.membership))
    return "", 204


@bp.get("/rooms/<id:room_id>/messages/<id:seq>/versions")
@needs(INSIDE)
def message_versions(seq):
    """Earlier versions of an edited message, oldest first (author and owner only).
    A site admin may delete in a room they are not in, but reading stays with members."""
    message = Message.numbered(g.room.id, seq)
    return {"versions": [version.to_json() for version in message.versions(current_user, moderator(g.membership))],
            "current": message.to_json()}
