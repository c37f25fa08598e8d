"""Direct messages: a private room for exactly two people, one per pair."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chat.errors import Problem
from chat.extensions import db
from chat.models import broadcasts
from chat.models.membership import Membership
from chat.models.user import User


class Direct:
    """What a Room knows about being a direct message (mixed into Room)."""

    @property
    def is_direct(self):
        return self.dm_key is not None

    def refuse_if_direct(self, what):
        if self.is_direct:
            raise Problem(403, "direct_message",
                          f"You can't {what} a direct message; it is between its two people.")

    @classmethod
    def between(cls, user, username):
        """The DM room of `user` and the user named `username`; returns (room, created).
        Safe to race: the pair's key is unique."""
        other = User.called(username, active=True)
        if other.id == user.id:
            raise Problem(400, "direct_to_self", "A direct message needs someone else.", field="username")
        low, high = sorted((user, other), key=lambda person: person.id)
        key = f"{low.id}:{high.id}"
        if (room := cls.with_key(key)) is not None:
            return room, False
        room = cls(name=f"{low.username} & {high.username}"[:80], private=True, dm_key=key, created_by_id=user.id)
        room.memberships.extend([Membership(user=user), Membership(user=other)])
        db.session.add(room)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return cls.with_key(key), False
        for member, partner in ((user, other), (other, user)):
            room_json = room.to_json(room.membership_of(member), partner=partner)
            broadcasts.membership_changed("join", member, room, room_json)
        return room, True

    @classmethod
    def with_key(cls, key):
        return db.session.scalar(select(cls).where(cls.dm_key == key))

    def membership_of(self, user):
        return next(m for m in self.memberships if m.user_id == user.id)

    @classmethod
    def partners(cls, user, rooms):
        """{room id: the other person} for the direct messages among `rooms`, in one query."""
        ids = [room.id for room in rooms if room.is_direct]
        if not ids:
            return {}
        rows = db.session.execute(select(Membership.room_id, User).join(User, User.id == Membership.user_id)
                                  .where(Membership.room_id.in_(ids), Membership.user_id != user.id))
        return dict(rows.all())
