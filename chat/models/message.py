"""What people say in a room, numbered by the room's gap-free sequence."""
import json
import re
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload

from chat.errors import Problem
from chat.extensions import db
from chat.models import broadcasts
from chat.models.formatted import Formatted
from chat.models.log import DELETE, EDIT, RoomEvent
from chat.models.mention import Mention
from chat.models.reaction import Reactions
from chat.models.reply import Thread
from chat.models.text import clean_text
from chat.models.types import BigId, UTCDateTime, iso, utcnow
from chat.models.upload import Upload
from chat.models.version import MessageVersion

BODY_MAX = 4000
# A system message records a moderation action ("alice removed mallory"): no body, and `data` says what.
MESSAGE, SYSTEM = "message", "system"
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def check_body(body, optional=False):
    """The trimmed body, 1 to 4,000 characters, or a 400 Problem; when `optional`
    (a post with attachments), a missing or blank body is ""."""
    if optional and (body is None or (isinstance(body, str) and not body.strip())):
        return ""
    return clean_text(body, field="body", label="Message", max_length=BODY_MAX, multiline=True)


def check_client_id(client_id):
    """None, or a client-chosen id of 1-64 of [A-Za-z0-9_.:-] (a UUID fits)."""
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise Problem(400, "invalid_client_id",
                      "client_id must be 1 to 64 letters, digits, '_', '.', ':' or '-'.", field="client_id")
    return client_id


class Message(Formatted, Reactions, Thread, db.Model):
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
    kind: Mapped[str] = mapped_column(String(16), default=MESSAGE, server_default=MESSAGE)
    data: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[author_id])
    room = relationship("Room")
    attachments = relationship("Upload", order_by="Upload.id", passive_deletes=True)

    @classmethod
    def parts(cls):
        """The loader options for everything to_json shows: loaded with the
        messages, a page of 50 costs a constant number of queries, never one per
        message. Each part of a message adds its own here."""
        return [joinedload(cls.author), selectinload(cls.attachments),
                joinedload(cls.parent).joinedload(cls.author), *cls.reactions_loaded()]

    @classmethod
    def page(cls, room_id, *, before=None, after=None, limit=50):
        """Up to `limit` messages ascending by seq, and whether more lie beyond.

        With `after`, the ones just after it (more = newer exist), below `before`
        if given too; otherwise the latest ones before `before` (more = older exist).
        """
        query = select(cls).where(cls.room_id == room_id).options(*cls.parts())
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
    def any_between(cls, room_id, after, upto):
        """Whether the room has a message with after < seq <= upto."""
        return db.session.scalar(select(cls.id).where(
            cls.room_id == room_id, cls.seq > after, cls.seq <= upto).limit(1)) is not None

    @classmethod
    def at(cls, room_id, seq):
        return db.session.scalar(select(cls).where(cls.room_id == room_id, cls.seq == seq)
                                 .options(*cls.parts()))

    @classmethod
    def numbered(cls, room_id, seq):
        """`at`, or a 404 Problem saying the room has no such message."""
        message = cls.at(room_id, seq)
        if message is None:
            raise Problem(404, "message_not_found", "There is no message with that number in this room.")
        return message

    @classmethod
    def sent_as(cls, room_id, author_id, client_id):
        """The message this author already posted under `client_id`, if any."""
        return db.session.scalar(select(cls).where(
            cls.room_id == room_id, cls.author_id == author_id, cls.client_id == client_id))

    def changeable_by(self, user, moderator=False):
        """Raise a Problem unless `user` may delete this message (and, when not a
        `moderator` — the room's owner or a site admin — edit it)."""
        if self.kind != MESSAGE:
            raise Problem(409, "not_a_message", "Room events cannot be edited or deleted.")
        if self.author_id != user.id and not moderator:
            raise Problem(403, "not_your_message", "You can only change your own messages.")

    def edit(self, editor, body):
        """Replace the body, keeping the old one as a version; returns the RoomEvent,
        or None when nothing changed. Only the author may edit."""
        self.changeable_by(editor)
        body = check_body(body)
        seq = self.room.take_seq()  # the room's lock, then the message as it stands
        db.session.refresh(self)
        if self.deleted_at is not None:
            db.session.rollback()
            raise Problem(409, "message_deleted", "This message was deleted.")
        if body == self.body:
            db.session.rollback()
            return None
        db.session.add(MessageVersion(message_id=self.id, body=self.body, written_at=self.edited_at or self.created_at))
        self.body, self.edited_at = body, utcnow()
        Mention.record(self, self.render_html())
        return self.log(EDIT, seq, editor)

    def delete(self, actor, moderator=False):
        """Leave a tombstone in the message's place: the body, its versions and
        its mentions go; the seq stays. Returns the RoomEvent, or None when it
        was deleted already."""
        self.changeable_by(actor, moderator)
        seq = self.room.take_seq()
        db.session.refresh(self)
        if self.deleted_at is not None:
            db.session.rollback()
            return None
        self.body, self.deleted_at, self.deleted_by_id = "", utcnow(), actor.id
        self.html = ""
        db.session.execute(delete(MessageVersion).where(MessageVersion.message_id == self.id))
        Mention.forget(self)
        self.clear_reactions()
        files = Upload.detach(self)
        event = self.log(DELETE, seq, actor)
        Upload.discard(files)  # once the rows are gone for good
        return event

    def log(self, kind, seq, actor):
        """Commit the change as the room's event `seq`, then announce it."""
        event = RoomEvent(room_id=self.room_id, seq=seq, kind=kind, message=self, actor=actor)
        db.session.add(event)
        db.session.commit()
        broadcasts.announce_logged(event)
        return event

    def versions(self, viewer, moderator=False):
        """The earlier versions, oldest first: for the author and the room's owner only."""
        if self.author_id != viewer.id and not moderator:
            raise Problem(403, "not_your_message", "Only the author and the room's owner can see earlier versions.")
        return MessageVersion.of(self.id)

    @property
    def url(self):
        """The permalink. Built by hand so it works outside a request (the stream)."""
        return f"/rooms/{self.room_id}/messages/{self.seq}"

    def to_json(self):
        data = {
            "id": self.id,
            "room_id": self.room_id,
            "seq": self.seq,
            "kind": self.kind,
            "author": self.author.to_json(),
            "body": self.body,
            "client_id": self.client_id,
            "created_at": iso(self.created_at),
            "edited_at": iso(self.edited_at) if self.edited_at else None,
            "deleted": self.deleted_at is not None,
            "url": self.url,
            "attachments": [] if self.kind == SYSTEM else [upload.to_json() for upload in self.attachments],
            "html": "" if self.kind == SYSTEM or self.deleted_at else self.body_html(),
            "reactions": self.reactions_json(),
            "reply_to": self.reply_to_json(),
            "replies": self.replies_json(),
        }
        if self.kind == SYSTEM:
            data["event"] = json.loads(self.data)
        return data
