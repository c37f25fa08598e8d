"""Invite links, made by a room's moderator (the link's pages are in chat.pages.invites)."""
from flask import g, url_for
from flask_login import current_user

from chat.api import bp
from chat.api.payload import field, json_body
from chat.models import Invite
from chat.scope import MODERATE, needs


@bp.post("/rooms/<id:room_id>/invites")
@needs(MODERATE)
def create_invite():
    """`{"expires_in_hours"?, "max_uses"?}`: a new link into the room, for people to sign up or join through."""
    data = json_body()
    invite = Invite.make(g.room, current_user, field(data, "expires_in_hours", int, required=False),
                         field(data, "max_uses", int, required=False))
    return {"invite": invite.to_json(url_for("invites.show", token=invite.token, _external=True))}, 201


@bp.delete("/rooms/<id:room_id>/invites/<id:invite_id>")
@needs(MODERATE)
def revoke_invite(invite_id):
    """Withdraw a link: from now on it answers 410 invite_revoked."""
    Invite.in_room(g.room.id, invite_id).revoke()
    return "", 204
