"""Rooms: where messages are posted and numbered."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from chat.errors import Problem
from chat.extensions import db
from chat.models import broadcasts, posting
from chat.models.ban import Ban
from chat.models.direct import Direct
from chat.models.membership import MEMBER, OWNER, Membership
from chat.models.mention import Mention
from chat.models.message import Message, check_body, check_client_id
from chat.models.moderation import Moderation
from chat.models.text import clean_text
from chat.models.types import UTCDateTime, iso, utcnow
from chat.models.upload import Upload
from chat.models.user import User


class Room(Direct, Moderation, db.Model):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(250), default="", server_default="")
    private: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The seq of the latest entry in the room's log (a message, a system line, an edit, a delete): see take_seq.
    last_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A direct message's two user ids, "<lower>:<higher>": one room per pair.
    dm_key: Mapped[str | None] = mapped_column(String(40), unique=True)

    memberships = relationship("Membership", back_populates="room", cascade="all, delete-orphan")

    @classmethod
    def create(cls, creator, name, topic="", private=False):
        """A new room owned by `creator`, or a 400 Problem for a bad name or topic."""
        name = clean_text(name, field="name", label="Room name", max_length=80)
        topic = clean_text(topic or "", field="topic", label="Topic", max_length=250, min_length=0)
        if not isinstance(private, bool):
            raise Problem(400, "invalid_field", "private must be true or false.", field="private")
        room = cls(name=name, topic=topic, private=private, created_by_id=creator.id)
        room.memberships.append(Membership(user=creator, role=OWNER))
        db.session.add(room)
        db.session.commit()
        return room

    @staticmethod
    def seen_by(user):
        """Rooms `user` may see (public, or private with a membership), each with
        the user's membership or None. Every room lookup starts here."""
        return Room.with_membership_of(user).where(or_(Room.private.is_(False), Membership.id.is_not(None)))

    @staticmethod
    def reached_by(user):
        """`seen_by`, and for a site admin every room but other people's direct
        messages (chat.scope decides what each may do in them)."""
        if not user.is_admin:
            return Room.seen_by(user)
        return Room.with_membership_of(user).where(or_(Room.dm_key.is_(None), Membership.id.is_not(None)))

    @staticmethod
    def with_membership_of(user):
        """Every room, each with `user`'s membership or None: `seen_by` and `reached_by` narrow it."""
        mine = and_(Membership.room_id == Room.id, Membership.user_id == user.id)
        return select(Room, Membership).outerjoin(Membership, mine)

    @classmethod
    def latest_seqs(cls, room_ids, connection=None):
        """{room id: last seq} for these rooms, in one query (on `connection`, else the session's)."""
        if not room_ids:
            return {}
        return dict((connection or db.session).execute(
            select(cls.id, cls.last_seq).where(cls.id.in_(list(room_ids)))).all())

    @classmethod
    def positions_of(cls, user):
        """{room id: the room's last seq} for every room `user` is in: where a stream starts."""
        return cls.positions_by_user([user.id])[user.id]

    @classmethod
    def positions_by_user(cls, user_ids, connection=None):
        """{user id: {room id: the room's last seq}} for these users, in one query
        (on `connection`, else the session's)."""
        positions = {user_id: {} for user_id in user_ids}
        rows = (connection or db.session).execute(
            select(Membership.user_id, Membership.room_id, cls.last_seq)
            .join(cls, cls.id == Membership.room_id).where(Membership.user_id.in_(list(user_ids))))
        for user_id, room_id, last_seq in rows:
            positions[user_id][room_id] = last_seq
        return positions

    @classmethod
    def directory(cls, user):
        """[(room, membership or None)] for every room `user` may see, by name."""
        return db.session.execute(cls.seen_by(user).order_by(cls.name, cls.id)).all()

    @classmethod
    def joined_by(cls, user):
        """[(room, membership)] for the rooms `user` is in, by name."""
        return db.session.execute(select(cls, Membership).join(Membership, and_(
            Membership.room_id == cls.id, Membership.user_id == user.id)).order_by(cls.name, cls.id)).all()

    def join(self, user):
        """`user` joins this public room ("bob joined"); returns (membership, created)."""
        if self.private and Membership.of(self.id, user.id) is None:
            raise Problem(403, "invite_only", "This room is invite-only; ask a member to invite you.")
        if Ban.of(self.id, user.id):
            raise Problem(403, "banned", "You are banned from this room.")
        return Membership.grant(self, user)

    def invite(self, actor, username):
        """`actor` adds the user named `username` ("alice added bob"); returns (membership, created)."""
        self.refuse_if_direct("invite anyone into")
        user = User.called(username, active=True)
        if Ban.of(self.id, user.id):
            raise Problem(403, "banned", f"{user.username} is banned from this room.", field="username")
        return Membership.grant(self, user, MEMBER, actor=actor)

    def owners_count(self):
        return db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.room_id == self.id, Membership.role == OWNER))

    def members(self):
        return db.session.scalars(select(Membership).where(Membership.room_id == self.id)
                                  .order_by(Membership.created_at, Membership.id)).all()

    def members_keyed(self, keys, besides=None):
        """[(id, username)] of the members whose username keys are among `keys`, but `besides`."""
        return db.session.execute(select(User.id, User.username).join(Membership, Membership.user_id == User.id).where(
            Membership.room_id == self.id, User.username_key.in_(keys), User.id != besides)).all()

    def take_seq(self):
        """Take the room's next seq, in the current transaction.

        The UPDATE holds the room's row lock (Postgres) or the database write lock
        (SQLite) until commit, so one room's log entries commit one at a time in
        seq order, and a rollback takes its increment with it: no gaps, no doubles.
        """
        bump = (update(Room.__table__).where(Room.id == self.id)
                .values(last_seq=Room.last_seq + 1).returning(Room.last_seq))
        seq = db.session.execute(bump).scalar_one()
        set_committed_value(self, "last_seq", seq)
        return seq

    def post(self, author, body, client_id=None, attachments=None, reply_to=None):
        """Store a message from `author`; returns (message, created).

        The seq is the room's next (see take_seq), taken in the same transaction
        as the INSERT (chat.models.posting), with the mentions it makes. A post
        that repeats an earlier client_id returns the earlier message (its seq,
        taken first, is rolled back with the INSERT that found it).
        A `reply_to` seq makes it a reply, counted on its parent at the seq
        after its own (chat.models.reply).
        """
        attachments = Upload.wanted(attachments)  # upload ids, claimed below (body optional with them)
        body, client_id = check_body(body, optional=bool(attachments)), check_client_id(client_id)
        # A repeated client_id is found by its unique key at the INSERT (below), not
        # looked up first: a query on every post for the rare retry. A reply's is,
        # since its parent may have been deleted since the first try.
        if client_id and reply_to is not None and (earlier := Message.sent_as(self.id, author.id, client_id)):
            return earlier, False
        message = Message(room_id=self.id, author_id=author.id, body=body, client_id=client_id)
        mentioned = message.render_html(self)  # with the @mentions of this room's members
        parent = None
        try:
            if reply_to is None:  # one round trip on PostgreSQL, its commit too when it writes nothing else
                posting.store(message, self, author, alone=not attachments and not mentioned)
            else:
                seq = self.take_seq()
                parent = Message.answered(self.id, reply_to)  # under the room's lock: no delete slips in
                message.reply_to_id = parent.id
                posting.store(message, self, author, parent, seq)
            Upload.claim(message, attachments)
            Mention.record(message, mentioned, fresh=True)
            thread = [parent.count_reply(message, self.take_seq())] if parent else []
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            earlier = client_id and Message.sent_as(self.id, author.id, client_id)
            if not earlier:
                raise
            return earlier, False
        broadcasts.announce_logged(message, *thread)
        return message, True

    def typing(self, user):
        """Tell the room `user` is typing; ephemeral, not stored."""
        broadcasts.typing(self, user)

    def to_json(self, membership=None, counts=None, partner=None):
        """The room as `membership`'s holder sees it (None: a non-member), with
        their `counts` ({"unread", "mentions"}); a DM is named after its `partner`."""
        data = {
            "id": self.id,
            "name": partner.username if partner else self.name,
            "topic": self.topic,
            "private": self.private,
            "direct": self.is_direct,
            "member": membership is not None,
            "last_seq": self.last_seq,
            "created_at": iso(self.created_at),
        }
        if partner is not None:
            data["partner"] = partner.to_json()
        if membership is not None:
            data["role"] = membership.role
            data["last_read_seq"] = membership.last_read_seq
            data.update(counts or {"unread": 0, "mentions": 0})
        return data
