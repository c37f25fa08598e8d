"""Reactions: people's emoji on a message, each change a line of the room's log.

A reaction is one person's one emoji on one message. Adding or taking back one
is a change to the message, like an edit: it takes the room's next seq
(Room.take_seq, whose lock also makes two people reacting at once go one after
the other), is committed as a RoomEvent of kind "reaction", and only then
announced. So a stream that resumes from before it is sent the message as it
stands now, counts and all. A change that changes nothing (adding a reaction
that is there, taking back one that is not) takes no seq and says nothing.
"""
from datetime import datetime

from emoji import EMOJI_DATA, is_emoji
from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, event, select
from sqlalchemy.orm import Mapped, declared_attr, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from chat.errors import Problem
from chat.extensions import db
from chat.models.log import REACTION
from chat.models.types import BigId, UTCDateTime, utcnow

MOST_EMOJI = 20  # distinct emoji on one message; one already there may still be added by others
NAMED = 20  # usernames listed under each emoji (the count counts them all)
FULLY_QUALIFIED = 2  # emoji.STATUS["fully_qualified"]
# Every emoji by its code points without variation selectors, so "❤" and "❤️"
# are one reaction, stored in the fully qualified form that fonts draw as emoji.
CANONICAL = {key.replace("\ufe0f", ""): key for key, data in EMOJI_DATA.items() if data["status"] == FULLY_QUALIFIED}


def check_emoji(text):
    """`text` as one fully qualified emoji grapheme (flags, skin tones and ZWJ
    sequences included), or a 400 Problem: two emoji, text, a lone skin tone or nothing."""
    canonical = None
    if isinstance(text, str) and len(text) <= 32 and is_emoji(text):
        canonical = CANONICAL.get(text.replace("\ufe0f", ""))
    if canonical is None:
        raise Problem(400, "invalid_emoji", "A reaction is exactly one emoji.", field="emoji")
    return canonical


class Reaction(db.Model):
    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("message_id", "user_id", "emoji"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    emoji: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", lazy="joined")  # a message's reactions come with their names, even loaded lazily


class Reactions:
    """Mixed into Message: its reactions, the verbs that change them, and their JSON."""

    @declared_attr
    def reactions(cls):
        """All of them, oldest first. Read-only: the verbs below write Reaction rows."""
        return relationship(Reaction, order_by=Reaction.id, viewonly=True)

    @classmethod
    def reactions_loaded(cls):
        """The loader options of Message.parts: every message's reactions and who
        made them, in one query for the whole page."""
        return [selectinload(cls.reactions).joinedload(Reaction.user)]

    def react(self, user, emoji):
        """Add `user`'s `emoji`; returns the RoomEvent, or None when it was there already.
        A 400 Problem for a bad emoji, a 409 for a system line, a deleted message
        or a 21st distinct emoji."""
        emoji = check_emoji(emoji)
        seq, reactions = self.reactions_under_lock()
        if any(r.user_id == user.id and r.emoji == emoji for r in reactions):
            return self.reactions_unchanged()
        shown = {r.emoji for r in reactions}
        if emoji not in shown and len(shown) >= MOST_EMOJI:
            db.session.rollback()
            raise Problem(409, "too_many_emoji", f"A message can have at most {MOST_EMOJI} different emoji.",
                          field="emoji")
        reaction = Reaction(message_id=self.id, user=user, emoji=emoji)
        db.session.add(reaction)
        set_committed_value(self, "reactions", [*reactions, reaction])
        return self.log(REACTION, seq, user)

    def unreact(self, user, emoji):
        """Take back `user`'s `emoji`; returns the RoomEvent, or None when there was none."""
        emoji = check_emoji(emoji)
        seq, reactions = self.reactions_under_lock()
        mine = next((r for r in reactions if r.user_id == user.id and r.emoji == emoji), None)
        if mine is None:
            return self.reactions_unchanged()
        db.session.delete(mine)
        set_committed_value(self, "reactions", [r for r in reactions if r is not mine])
        return self.log(REACTION, seq, user)

    def reactions_under_lock(self):
        """(the room's next seq, the reactions as they now stand). The seq's lock
        comes first, so what is read next cannot change before the commit."""
        if self.kind != "message":
            raise Problem(409, "not_a_message", "Room events cannot be reacted to.")
        seq = self.room.take_seq()
        db.session.refresh(self, ["deleted_at"])
        if self.deleted_at is not None:
            db.session.rollback()
            raise Problem(409, "message_deleted", "This message was deleted.")
        reactions = db.session.scalars(select(Reaction).where(Reaction.message_id == self.id)
                                       .options(joinedload(Reaction.user)).order_by(Reaction.id)).all()
        return seq, list(reactions)

    @staticmethod
    def reactions_unchanged():
        db.session.rollback()  # and the seq with it: a no-op leaves no gap
        return None

    def clear_reactions(self):
        """For a tombstone: who reacted goes with the words (uncommitted)."""
        db.session.execute(delete(Reaction).where(Reaction.message_id == self.id))
        set_committed_value(self, "reactions", [])

    def reactions_json(self):
        """[{"emoji", "count", "users"}] in the order each emoji first appeared
        (among the reactions there now); `users` names the first 20 who chose it."""
        shown = {}
        for reaction in self.reactions:
            entry = shown.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "users": []})
            entry["count"] += 1
            if len(entry["users"]) < NAMED:
                entry["users"].append(reaction.user.username)
        return list(shown.values())


@event.listens_for(Reactions, "init", propagate=True)
def none_yet(message, args, kwargs):
    """A message being made has no reactions: its JSON must not ask the database."""
    set_committed_value(message, "reactions", [])
