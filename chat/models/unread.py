"""Where a member's news starts in a room: the divider the room page draws."""
from dataclasses import dataclass

from sqlalchemy import func, select

from chat.extensions import db
from chat.models.message import MESSAGE, Message


@dataclass(frozen=True)
class Unread:
    """The first unread message's seq (None: nothing is unread) and how many are unread."""
    seq: int | None
    count: int


def unread_of(membership):
    """What `membership`'s reader has not read yet, by the rule Membership.counts
    counts by: messages by others after the read marker, not deleted. System lines
    and the reader's own messages are never news. Read it before marking the room read."""
    seq, count = db.session.execute(select(func.min(Message.seq), func.count()).where(
        Message.room_id == membership.room_id, Message.seq > membership.last_read_seq,
        Message.kind == MESSAGE, Message.deleted_at.is_(None),
        Message.author_id != membership.user_id)).one()
    return Unread(seq, count)
