"""What a message said before it was edited."""
from datetime import datetime

from sqlalchemy import ForeignKey, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from chat.extensions import db
from chat.models.types import BigId, UTCDateTime, iso


class MessageVersion(db.Model):
    __tablename__ = "message_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # When this version was written (the post, or the edit that made it).
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def of(cls, message_id):
        """The message's earlier versions, oldest first."""
        return db.session.scalars(select(cls).where(cls.message_id == message_id).order_by(cls.id)).all()

    def to_json(self):
        return {"body": self.body, "written_at": iso(self.written_at)}
