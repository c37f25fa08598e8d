"""The room's log: one gap-free sequence for everything that happens in a room.

Messages (and system messages) take a seq when they are posted. Edits and
deletes take the next seq too, as RoomEvents, so a stream's cursor, which
says "room R up to seq N", covers them exactly as it covers messages: a
client that resumes after N is sent every message and every change after N,
in order, and ends with the room's current state. Room.take_seq hands out the
numbers; chat.models.reads reads the log back.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.extensions import db
from chat.models.types import BigId, UTCDateTime, iso, utcnow

EDIT, DELETE = "edit", "delete"
REPLIES = "replies"  # a message's count of replies changed (chat.models.reply)
REACTION = "reaction"  # someone added or took back a reaction (chat.models.reaction)


class RoomEvent(db.Model):
    """A change to a message (an edit or a delete), at its own place in the log."""

    __tablename__ = "room_events"
    __table_args__ = (UniqueConstraint("room_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message = relationship("Message")
    actor = relationship("User")

    def to_json(self):
        """The change and the message as it stands *now*: replayed late, an old
        edit never shows a body that a later edit replaced."""
        return {
            "room_id": self.room_id,
            "seq": self.seq,
            "kind": self.kind,
            "actor": self.actor.to_json() if self.actor else None,
            "message": self.message.to_json(),
            "created_at": iso(self.created_at),
        }

