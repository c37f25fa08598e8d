"""@username in a message, stored for each member it mentions."""
from sqlalchemy import ForeignKey, Index, UniqueConstraint, delete
from sqlalchemy.orm import Mapped, mapped_column

from chat import markup
from chat.extensions import db
from chat.models.types import BigId
from chat.models.user import username_key


class Mention(db.Model):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),
                      Index("ix_mentions_user_room_seq", "user_id", "room_id", "seq"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    seq: Mapped[int]

    @classmethod
    def candidates(cls, room, body):
        """[(id, username)] of the members of `room` whom the "@"s in `body` may
        name, its author among them: one query, and none for a body without "@".
        chat.render confirms which of them it really mentions."""
        keys = {username_key(name) for name in markup.mentioned_names(body)} if "@" in body else ()
        return room.members_keyed(keys) if keys else []

    @classmethod
    def record(cls, message, named, fresh=False):
        """Store that `message` mentions `named` ([(id, username)] of the members
        its HTML marks: Formatted.render_html), the author aside (uncommitted), in
        place of what it mentioned before (none, when `fresh`). Anyone else named
        is ignored, and learns nothing."""
        if not fresh:  # an edit: what it mentions now replaces what it did
            cls.forget(message)
        named = [user_id for user_id, _ in named if user_id != message.author_id]
        db.session.add_all(cls(message_id=message.id, user_id=user_id, room_id=message.room_id, seq=message.seq)
                           for user_id in named)
        return named

    @classmethod
    def forget(cls, message):
        db.session.execute(delete(cls).where(cls.message_id == message.id))
