"""A room's messages: history pages, posting, one message."""
from flask_login import current_user

from chat.access import message_in, room_for
from chat.api import bp
from chat.api.payload import field, json_body
from chat.errors import Problem
from chat.models import Message
from chat.params import SEQ_MAX, number_arg


@bp.get("/rooms/<id:room_id>/messages")
def list_messages(room_id):
    """?before=<seq> or ?after=<seq>, &limit=1..200 (default 50); ascending by seq."""
    room, _ = room_for(current_user, room_id, member=True)
    before = number_arg("before", low=0, high=SEQ_MAX)
    after = number_arg("after", low=0, high=SEQ_MAX)
    if before is not None and after is not None:
        raise Problem(400, "invalid_parameter", "Use 'before' or 'after', not both.")
    limit = number_arg("limit", low=1, high=200, default=50)
    messages, has_more = Message.page(room.id, before=before, after=after, limit=limit)
    return {"messages": [message.to_json() for message in messages], "has_more": has_more}



@bp.post("/rooms/<id:room_id>/messages")
def post_message(room_id):
    room, _ = room_for(current_user, room_id, member=True)
    data = json_body()
    message, created = room.post(current_user, field(data, "body"), field(data, "client_id", required=False))
    return message.to_json(), 201 if created else 200


@bp.get("/rooms/<id:room_id>/messages/<id:seq>")
def show_message(room_id, seq):
    room, _ = room_for(current_user, room_id, member=True)
    message = Message.at(room.id, seq)
    if message is None:
        raise Problem(404, "message_not_found", "There is no message with that number in this room.")
    return message.to_json()


@bp.patch("/rooms/<id:room_id>/messages/<id:seq>")
def edit_message(room_id, seq):
    """`{"body"}`: the author edits their message; the room hears `event: edit`."""
    message, _ = message_in(current_user, room_id, seq)
    message.edit(current_user, field(json_body(), "body"))
    return message.to_json()


@bp.delete("/rooms/<id:room_id>/messages/<id:seq>")
def delete_message(room_id, seq):
    """The author, the room's owner or a site admin leaves a tombstone; `event: delete`."""
    message, moderator = message_in(current_user, room_id, seq)
    message.delete(current_user, moderator)
    return "", 204


@bp.get("/rooms/<id:room_id>/messages/<id:seq>/versions")
def message_versions(room_id, seq):
    """Earlier versions of an edited message, oldest first (author and owner only)."""
    message, moderator = message_in(current_user, room_id, seq, reading=True)
    return {"versions": [version.to_json() for version in message.versions(current_user, moderator)],
            "current": message.to_json()}
