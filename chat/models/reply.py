"""Replies and threads: a message may answer another message of its room.

A reply is a message like any other, at the room's next seq. Its parent's
count of replies changes too, and that change takes the seq after the reply's,
as a RoomEvent of kind "replies", in the same transaction (Room.post holds the
room's lock from take_seq to commit): a stream that resumes replays both, in
order, and ends with the count as it stands.

Threads are flat: a reply to a reply answers that reply, and counts in its
thread, not in the first message's.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from chat.errors import Problem
from chat.extensions import db
from chat.models.log import REPLIES, RoomEvent
from chat.models.types import UTCDateTime, iso
from chat.params import SEQ_MAX

EXCERPT = 100  # characters of the parent a reply quotes


def excerpt(body, limit=EXCERPT):
    """`body` on one line (runs of whitespace made one space), cut at `limit`
    characters with an ellipsis. static/js/reply.js cuts the same way."""
    text = " ".join(body.split())
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def not_found():
    return Problem(404, "reply_to_not_found", "There is no message with that number in this room to reply to.",
                   field="reply_to")


class Thread:
    """Mixed into Message: what a message answers, and how many answer it."""

    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    # Kept on the parent, so a page of history shows its counts without counting.
    reply_count: Mapped[int] = mapped_column(default=0, server_default="0")
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def parent(cls):
        """The message this one answers (None: it answers none). Message.parts loads it with its author."""
        return relationship("Message", remote_side=f"{cls.__name__}.id", foreign_keys=f"{cls.__name__}.reply_to_id")

    @classmethod
    def answered(cls, room_id, seq):
        """The message of room `room_id` that a reply to `seq` answers (None for
        None), read afresh. Call it under the room's lock (after take_seq), so a
        delete cannot slip in between; a refusal rolls the transaction back and
        raises the Problem: 404 when the room has no such message, 409 for a
        system line or a deleted message."""
        if seq is None:
            return None
        parent = None
        if 1 <= seq <= SEQ_MAX:
            parent = db.session.scalar(select(cls).where(cls.room_id == room_id, cls.seq == seq)
                                       .options(*cls.parts()).execution_options(populate_existing=True))
        problem = None
        if parent is None:
            problem = not_found()
        elif parent.kind != "message":
            problem = Problem(409, "reply_to_not_a_message", "Room events cannot be replied to.", field="reply_to")
        elif parent.deleted_at is not None:
            problem = Problem(409, "reply_to_deleted", "That message was deleted: it can't be replied to.",
                              field="reply_to")
        if problem:
            db.session.rollback()
            raise problem
        return parent

    def count_reply(self, reply, seq):
        """Count `reply` (flushed: its created_at is set) as an answer to this
        message, as the room's log entry `seq`; returns the RoomEvent, uncommitted."""
        self.reply_count += 1
        self.last_reply_at = reply.created_at
        event = RoomEvent(room_id=self.room_id, seq=seq, kind=REPLIES, message=self, actor=reply.author)
        db.session.add(event)
        return event

    def replies(self, after=None, limit=50):
        """Up to `limit` replies to this message, oldest first (those after seq
        `after`), and whether more follow. A deleted reply stays, as a tombstone."""
        cls = type(self)
        query = select(cls).where(cls.reply_to_id == self.id).options(*cls.parts())
        if after is not None:
            query = query.where(cls.seq > after)
        rows = db.session.scalars(query.order_by(cls.seq).limit(limit + 1)).all()
        return rows[:limit], len(rows) > limit

    def reply_to_json(self):
        """What this message answers, as it now stands: a deleted parent has no excerpt."""
        parent = self.parent
        if parent is None:
            return None
        deleted = parent.deleted_at is not None
        return {"seq": parent.seq, "author": parent.author.to_json(),
                "excerpt": "" if deleted else excerpt(parent.body), "deleted": deleted}

    def replies_json(self):
        return {"count": self.reply_count, "last_at": iso(self.last_reply_at) if self.last_reply_at else None}
