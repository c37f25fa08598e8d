"""A post's row, written with Core: the room's next seq, the message, the author's read marker.

Every column of a new message is known before it is written, yet the ORM's unit
of work spent a sixth of a post's CPU on its one INSERT (bench/RESULTS.md). Here
the three statements are Core. On PostgreSQL they are one statement, a CTE, so a
post is one round trip:

    WITH bump AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE id = :room RETURNING last_seq),
         mark AS (UPDATE memberships SET last_read_seq = (SELECT last_seq FROM bump) WHERE ...)
    INSERT INTO messages (..., seq) SELECT ..., last_seq FROM bump RETURNING id, seq

The UPDATE takes the room's row lock until commit, as Room.take_seq does, so the
seqs stay gap-free and in commit order. A post that writes nothing else (no
mention, attachment or reply) runs it as a transaction of its own, in autocommit
(chat.database.standalone): no BEGIN before it and no COMMIT after, so the post
is committed, in one round trip, when the statement returns. The message then
joins the session as if just loaded, its relationships filled in from what the
post already holds.
"""
from functools import lru_cache

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from chat.database import holds_connection, standalone
from chat.extensions import db
from chat.models.membership import Membership
from chat.models.message import Message

MEMBERSHIPS, MESSAGES = Membership.__table__, Message.__table__
# The columns a post writes, but its id (the database's) and seq (the room's).
WRITTEN = [column for column in MESSAGES.columns if column.key not in ("id", "seq")]


def store(message, room, author, parent=None, seq=None, alone=False):
    """INSERT `message` (its columns set, but id and seq) by `author` into `room`
    with `seq`, or with the room's next seq taken here, and move the author's read
    marker to it; then put it in the session, persistent and clean, with its
    `author` and `parent`. Raises IntegrityError for a repeated client_id (the
    caller rolls back: the seq goes with it). `alone`: the post writes nothing
    else, so on PostgreSQL, unless the session's transaction has begun, it is
    committed here, by its one statement."""
    values = {column.key: fill(message, column.key) for column in WRITTEN}
    if seq is None and db.session.get_bind().dialect.name == "postgresql":
        if alone and not holds_connection(db.session()):
            with standalone() as connection:
                message.id, message.seq = connection.execute(*in_one_statement(room, values)).one()
        else:
            message.id, message.seq = db.session.execute(*in_one_statement(room, values)).one()
        set_committed_value(room, "last_seq", message.seq)
    else:
        message.seq = room.take_seq() if seq is None else seq
        mark_read(room.id, values["author_id"], message.seq)
        message.id = db.session.execute(insert(MESSAGES).values(seq=message.seq, **values)
                                        .returning(MESSAGES.c.id)).scalar_one()
    make_transient_to_detached(message)
    db.session.add(message)
    for relation, value in (("author", author), ("parent", parent), ("attachments", []), ("reactions", [])):
        set_committed_value(message, relation, value)
    return message


def fill(message, key):
    """The value `message` is stored with: what was set, else its column's default
    (the ORM applies them only to its own INSERTs)."""
    value = message.__dict__.get(key)
    default = MESSAGES.c[key].default
    if value is None and default is not None:
        value = default.arg(None) if default.is_callable else default.arg
    setattr(message, key, value)
    return value


def mark_read(room_id, author_id, seq):
    """Your own messages are never unread."""
    db.session.execute(update(MEMBERSHIPS).where(MEMBERSHIPS.c.room_id == room_id, MEMBERSHIPS.c.user_id == author_id)
                       .values(last_read_seq=seq))


def in_one_statement(room, values):
    """The CTE and this post's values for it (built once, executed with bound parameters)."""
    return one_statement(type(room).__table__), {"post_room": room.id,
                                                 **{"post_" + key: value for key, value in values.items()}}


@lru_cache(maxsize=1)
def one_statement(rooms):
    bump = (update(rooms).where(rooms.c.id == bindparam("post_room")).values(last_seq=rooms.c.last_seq + 1)
            .returning(rooms.c.last_seq).cte("bump"))
    mark = (update(MEMBERSHIPS).where(MEMBERSHIPS.c.room_id == bindparam("post_room"),
                                      MEMBERSHIPS.c.user_id == bindparam("post_author_id"))
            .values(last_read_seq=select(bump.c.last_seq).scalar_subquery()).cte("mark"))
    row = select(*[bindparam("post_" + column.key, type_=column.type) for column in WRITTEN], bump.c.last_seq)
    return (insert(MESSAGES).from_select([column.key for column in WRITTEN] + ["seq"], row)
            .returning(MESSAGES.c.id, MESSAGES.c.seq).add_cte(mark))
