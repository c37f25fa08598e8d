"""What a room's owner (or a site admin) can do: remove, ban, rename, retopic.

Every action is recorded in the room's log as a system message, and announced
as `event: room`, so it appears in the room live and in its history. Joins,
leaves and invites are recorded the same way, by Membership.grant and leave.
"""
import json

from sqlalchemy import delete

from chat.errors import Problem
from chat.extensions import db
from chat.models import broadcasts
from chat.models.ban import Ban
from chat.models.membership import Membership, announce_change
from chat.models.message import SYSTEM, Message
from chat.models.text import clean_text


class Moderation:
    """Mixed into Room. The caller has checked the actor may moderate the room."""

    def record(self, actor, action, user=None, **details):
        """Add a system message for `action` at the room's next seq (uncommitted)."""
        seq = self.take_seq()
        data = {"action": action, "user": user.to_json() if user else None, **details}
        message = Message(room_id=self.id, seq=seq, author=actor, body="", kind=SYSTEM,
                          data=json.dumps(data, separators=(",", ":")))
        db.session.add(message)
        return message

    def remove(self, actor, user, ban=False):
        """Take `user` out of the room (with `ban`, for good); their open streams
        stop carrying it at once. Returns the system message, or None if nothing changed."""
        self.refuse_if_direct("remove anyone from")
        if user.id == actor.id:
            raise Problem(400, "cannot_remove_yourself", "To go, leave the room.")
        membership = Membership.of(self.id, user.id)
        if membership is None and not ban:
            raise Problem(404, "not_a_member", f"{user.username} is not a member of this room.")
        if membership is not None and membership.is_owner and not actor.is_admin:
            raise Problem(403, "owner_protected", "An owner can only be removed by a site admin.")
        if ban:
            banned = Ban.of(self.id, user.id) is not None
            if banned and membership is None:
                return None
            if not banned:
                db.session.add(Ban(room_id=self.id, user_id=user.id, by_id=actor.id))
        if membership is not None:
            membership.remove()
        message = self.record(actor, "ban" if ban else "kick", user)
        db.session.commit()
        if membership is None:  # a ban of someone already gone: no stream to stop
            broadcasts.announce_logged(message)
        else:  # the line says it all: no "left" line besides
            announce_change(message, "leave", user, self, reason="banned" if ban else "removed")
        return message

    def unban(self, actor, user):
        """Let `user` join again (they are not added back)."""
        deleted = db.session.execute(delete(Ban).where(Ban.room_id == self.id, Ban.user_id == user.id)).rowcount
        if not deleted:
            db.session.rollback()
            raise Problem(404, "not_banned", f"{user.username} is not banned from this room.")
        message = self.record(actor, "unban", user)
        db.session.commit()
        broadcasts.announce_logged(message)
        return message

    def change(self, actor, name=None, topic=None):
        """Rename the room and/or change its topic; returns the system messages."""
        if name is not None:
            self.refuse_if_direct("rename")
            name = clean_text(name, field="name", label="Room name", max_length=80)
        if topic is not None:
            self.refuse_if_direct("set a topic on")
            topic = clean_text(topic, field="topic", label="Topic", max_length=250, min_length=0)
        messages = []
        if name is not None and name != self.name:
            messages.append(self.record(actor, "rename", name=name, previous=self.name))
            self.name = name
        if topic is not None and topic != self.topic:
            messages.append(self.record(actor, "topic", topic=topic))
            self.topic = topic
        db.session.commit()
        broadcasts.announce_logged(*messages)
        return messages
