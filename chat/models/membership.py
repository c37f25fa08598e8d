"""Who belongs to which room, in what role, and how far they have read."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from chat.extensions import db
from chat.models import broadcasts
from chat.models.mention import Mention
from chat.models.message import MESSAGE, Message
from chat.models.types import UTCDateTime, iso, utcnow

OWNER, MEMBER = "owner", "member"


def announce_change(line, action, user, room, membership=None, reason=None):
    """After the commit: the room's log line ("bob joined"), then the change for
    streams and members panels. The room's last seq is pinned to the line's, so
    the joiner's streams start exactly after it, even if others have posted since."""
    set_committed_value(room, "last_seq", line.seq)
    room_json = room.to_json(membership) if membership is not None else None
    broadcasts.announce_logged(line)
    broadcasts.membership_changed(action, user, room, room_json, reason)


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "room_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MEMBER, server_default=MEMBER)
    last_read_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="memberships", lazy="joined")
    room = relationship("Room", back_populates="memberships")

    @classmethod
    def grant(cls, room, user, role=MEMBER, actor=None):
        """Make `user` a member of `room`; returns (membership, created). Safe to race.

        The room's log says so at its next seq, in the same transaction: "bob
        joined", or with an `actor` who added them, "alice added bob"."""
        existing = cls.of(room.id, user.id)
        if existing is not None:
            return existing, False
        if actor is None or actor.id == user.id:
            line = room.record(user, "join", user)
        else:
            line = room.record(actor, "invite", user)
        # A newcomer starts caught up, their own arrival included: old history is there to read, not unread.
        membership = cls(room=room, user=user, role=role, last_read_seq=line.seq)
        db.session.add(membership)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # and the seq with it: someone else added them first
            return cls.of(room.id, user.id), False
        announce_change(line, "join", user, room, membership)
        return membership, True

    @classmethod
    def of(cls, room_id, user_id):
        return db.session.scalar(select(cls).where(cls.room_id == room_id, cls.user_id == user_id))

    @property
    def is_owner(self):
        return self.role == OWNER

    def leave(self):
        """Leave the room (not a direct message: that stays between its two people)."""
        room, user = self.room, self.user
        room.refuse_if_direct("leave")
        self.remove()
        line = room.record(user, "leave", user)
        db.session.commit()
        announce_change(line, "leave", user, room)

    def remove(self):
        """Delete the membership (uncommitted). A last owner hands the room to its
        longest-standing member."""
        room, was_owner = self.room, self.is_owner
        db.session.delete(self)
        db.session.flush()
        if was_owner and room.owners_count() == 0:
            heir = db.session.scalar(select(Membership).where(Membership.room_id == room.id)
                                     .order_by(Membership.created_at, Membership.id).limit(1))
            if heir is not None:
                heir.role = OWNER

    @staticmethod
    def counts(user_id, room_ids=None):
        """{room id: {"unread", "mentions"}} for the user's rooms (or those of
        `room_ids`): messages by others after their read marker, not deleted, and
        mentions of them among those. Edits, deletes and room events are not news."""
        mine = Membership.user_id == user_id
        if room_ids is not None:
            mine = and_(mine, Membership.room_id.in_(list(room_ids)))
        counts = {room: {"unread": 0, "mentions": 0} for room in db.session.scalars(
            select(Membership.room_id).where(mine))}
        unread = (select(Message.room_id, func.count()).join(Membership, Membership.room_id == Message.room_id)
                  .where(mine, Message.seq > Membership.last_read_seq, Message.kind == MESSAGE,
                         Message.deleted_at.is_(None), Message.author_id != user_id).group_by(Message.room_id))
        mentions = (select(Mention.room_id, func.count()).join(Membership, and_(
            Membership.room_id == Mention.room_id, Membership.user_id == Mention.user_id))
                    .where(mine, Mention.seq > Membership.last_read_seq).group_by(Mention.room_id))
        for key, query in (("unread", unread), ("mentions", mentions)):
            for room, count in db.session.execute(query):
                counts[room][key] = count
        return counts

    def mark_read(self, seq):
        """Move the read marker forward to `seq`: never back (tabs race), never past
        the room's last message. Every tab of the member hears the new count."""
        seq = min(seq, self.room.last_seq)
        moved = db.session.execute(update(Membership.__table__).where(
            Membership.id == self.id, Membership.last_read_seq < seq).values(last_read_seq=seq)).rowcount
        db.session.commit()
        db.session.refresh(self)
        db.session.refresh(self.room)
        data = {"room_id": self.room_id, "last_read_seq": self.last_read_seq,
                **Membership.counts(self.user_id, [self.room_id]).get(self.room_id, {"unread": 0, "mentions": 0})}
        if moved:  # every page view marks what it shows; only news is worth a broadcast
            broadcasts.read(self, data)
        return data

    def to_json(self):
        return {
            "room_id": self.room_id,
            "user": self.user.to_json(),
            "role": self.role,
            "last_read_seq": self.last_read_seq,
            "joined_at": iso(self.created_at),
        }

