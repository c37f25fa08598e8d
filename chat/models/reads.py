"""The database, as chat.realtime reads it back (its `Reads`, handed to it at init_app)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from chat.database import standalone
from chat.extensions import db
from chat.models.broadcasts import logged
from chat.models.log import RoomEvent
from chat.models.message import Message
from chat.models.room import Room
from chat.models.user import User


def log_page(room_id, after, before=None, limit=500):
    """Up to `limit` entries of the room's log (messages, system messages, edits
    and deletes) with after < seq (< before), by seq."""
    messages, _ = Message.page(room_id, after=after, before=before, limit=limit)
    query = (select(RoomEvent).where(RoomEvent.room_id == room_id, RoomEvent.seq > after)
             .options(joinedload(RoomEvent.actor), joinedload(RoomEvent.message).options(*Message.parts())))
    if before is not None:
        query = query.where(RoomEvent.seq < before)
    events = db.session.scalars(query.order_by(RoomEvent.seq).limit(limit)).all()
    return sorted([*messages, *events], key=lambda entry: entry.seq)[:limit]


class Reads:
    """What live delivery reads: see chat.realtime.reads.Reads."""

    def log(self, room_id, after, before=None, limit=500):
        return [logged(entry) for entry in log_page(room_id, after, before, limit)]

    # Lone reads, outside any transaction (chat.database.standalone): a stream open
    # that reads only these never opens the session's.

    def latest(self, room_ids):
        with standalone() as connection:
            return Room.latest_seqs(room_ids, connection)

    def positions(self, user_ids):
        with standalone() as connection:
            return Room.positions_by_user(user_ids, connection)

    def inactive(self, user_ids):
        with standalone() as connection:
            return User.inactive_among(user_ids, connection)
