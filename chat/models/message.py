"""What people say in a room, numbered by the room's gap-free sequence."""
import re
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from chat.errors import Problem
from chat.extensions import db
from chat.models.text import clean_text
from chat.models.types import BigId, UTCDateTime, iso, utcnow

BODY_MAX = 4000
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def check_body(body):
    """The trimmed body, 1 to 4,000 characters, or a 400 Problem."""
    return clean_text(body, field="body", label="Message", max_length=BODY_MAX, multiline=True)


def check_client_id(client_id):
    """None, or a client-chosen id of 1-64 of [A-Za-z0-9_.:-] (a UUID fits)."""
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise Problem(400, "invalid_client_id",
                      "client_id must be 1 to 64 letters, digits, '_', '.', ':' or '-'.", field="client_id")
    return client_id


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("room_id", "seq"),
        # A retried post with the same client_id finds the first one.
        UniqueConstraint("room_id", "author_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")

    @classmethod
    def page(cls, room_id, *, before=None, after=None, limit=50):
        """Up to `limit` messages ascending by seq, and whether more lie beyond.

        With `after`, the ones just after it (more = newer exist), below `before`
        if given too; otherwise the latest ones before `before` (more = older exist).
        """
        query = select(cls).where(cls.room_id == room_id).options(joinedload(cls.author))
        if after is not None:
            if before is not None:
                query = query.where(cls.seq < before)
            rows = db.session.scalars(query.where(cls.seq > after).order_by(cls.seq).limit(limit + 1)).all()
            return rows[:limit], len(rows) > limit
        if before is not None:
            query = query.where(cls.seq < before)
        rows = db.session.scalars(query.order_by(cls.seq.desc()).limit(limit + 1)).all()
        return rows[:limit][::-1], len(rows) > limit

    @classmethod
    def at(cls, room_id, seq):
        return db.session.scalar(select(cls).where(cls.room_id == room_id, cls.seq == seq)
                                 .options(joinedload(cls.author)))

    @classmethod
    def sent_as(cls, room_id, author_id, client_id):
        """The message this author already posted under `client_id`, if any."""
        return db.session.scalar(select(cls).where(
            cls.room_id == room_id, cls.author_id == author_id, cls.client_id == client_id))

    @property
    def url(self):
        """The permalink. Built by hand so it works outside a request (the stream)."""
        return f"/rooms/{self.room_id}/messages/{self.seq}"

    def to_json(self):
        return {
            "id": self.id,
            "room_id": self.room_id,
            "seq": self.seq,
            "author": self.author.to_json(),
            "body": self.body,
            "client_id": self.client_id,
            "created_at": iso(self.created_at),
            "url": self.url,
        }
