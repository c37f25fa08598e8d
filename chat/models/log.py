"""The room's log: one gap-free sequence for everything that happens in a room.

Messages (and system messages) take a seq when they are posted. Edits and
deletes take the next seq too, as RoomEvents, so a stream's cursor, which
says "room R up to seq N", covers them exactly as it covers messages: a
client that resumes after N is sent every message and every change after N,
in order, and ends with the room's current state.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from chat.extensions import db
from chat.models.types import BigId, UTCDateTime, iso, utcnow

EDIT, DELETE = "edit", "delete"


def next_seq(room_id):
    """Take the room's next seq, in the current transaction.

    The UPDATE holds the room's row lock (Postgres) or the database write lock
    (SQLite) until commit, so one room's log entries commit one at a time in
    seq order, and a rollback takes its increment with it: no gaps, no doubles.
    """
    from chat.models.room import Room

    bump = (update(Room.__table__).where(Room.id == room_id)
            .values(last_seq=Room.last_seq + 1).returning(Room.last_seq))
    return db.session.execute(bump).scalar_one()


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

    @classmethod
    def between(cls, room_id, after, before=None, limit=500):
        """Up to `limit` of the room's events with after < seq (< before), by seq."""
        from chat.models.message import Message

        query = (select(cls).where(cls.room_id == room_id, cls.seq > after)
                 .options(joinedload(cls.actor), joinedload(cls.message).joinedload(Message.author)))
        if before is not None:
            query = query.where(cls.seq < before)
        return db.session.scalars(query.order_by(cls.seq).limit(limit)).all()

    @property
    def event_type(self):
        return self.kind

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


def log_page(room_id, after, before=None, limit=500):
    """Up to `limit` entries of the room's log (messages and events) with
    after < seq (< before), by seq."""
    from chat.models.message import Message

    messages, _ = Message.page(room_id, after=after, before=before, limit=limit)
    events = RoomEvent.between(room_id, after, before, limit)
    return sorted([*messages, *events], key=lambda entry: entry.seq)[:limit]
