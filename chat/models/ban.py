"""Who may not (re)join a room."""
from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chat.extensions import db
from chat.models.types import UTCDateTime, iso, utcnow


class Ban(db.Model):
    __tablename__ = "bans"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    @classmethod
    def of(cls, room_id, user_id):
        return db.session.scalar(select(cls).where(cls.room_id == room_id, cls.user_id == user_id))

    @classmethod
    def in_room(cls, room_id):
        return db.session.scalars(select(cls).where(cls.room_id == room_id).order_by(cls.created_at)).all()

    def to_json(self):
        return {"room_id": self.room_id, "user": self.user.to_json(), "banned_at": iso(self.created_at)}
