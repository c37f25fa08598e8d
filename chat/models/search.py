"""Full-text search of message bodies, in the rooms a user belongs to.

The database searches with an index of its own: on SQLite an FTS5 table over
messages(body) that triggers keep in step with every insert, edit and delete;
on PostgreSQL a GIN index on the body's tsvector. The DDL below builds them
whenever the messages table is created (create_all, as the tests do); the
migration "add full-text search of message bodies" builds them from a copy of it.

A later migration that alters `messages` in SQLite batch mode copies the table
and drops the old one, and the triggers with it: it must create them again.
"""
import re
from dataclasses import dataclass

from sqlalchemy import DDL, and_, column, event, func, literal_column, select, table

from chat.errors import Problem
from chat.extensions import db
from chat.models.membership import Membership
from chat.models.message import MESSAGE, Message
from chat.models.room import Room

QUERY_MAX = 200
PAGE, PAGE_MAX, OFFSET_MAX = 20, 50, 10_000
FTS = "messages_fts"
GIN = "ix_messages_body_fts"
# An external-content FTS5 table keeps its index in these; the text stays in `messages`.
FTS_TABLES = {FTS, *(f"{FTS}_{shadow}" for shadow in ("data", "idx", "content", "docsize", "config"))}
# Every row is indexed, tombstones and system messages too (their body is
# empty): FTS5's 'delete' must be given exactly what was indexed, and
# 'rebuild' indexes every row. The search leaves them out in its WHERE.
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='messages', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON messages BEGIN "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF body ON messages BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); "
    f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON messages BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); END",
)
# The query repeats this expression exactly, or the planner cannot use the index.
POSTGRES_DDL = (f"CREATE INDEX {GIN} ON messages USING gin (to_tsvector('english', body))",)

for statement in SQLITE_DDL:
    event.listen(Message.__table__, "after_create", DDL(statement).execute_if(dialect="sqlite"))
for statement in POSTGRES_DDL:
    event.listen(Message.__table__, "after_create", DDL(statement).execute_if(dialect="postgresql"))
# The triggers go with the table; the FTS table would outlive it and stop the next create_all.
event.listen(Message.__table__, "before_drop", DDL(f"DROP TABLE IF EXISTS {FTS}").execute_if(dialect="sqlite"))

# Around each match in a snippet: control characters, which bodies cannot
# contain (clean_text refuses them), so splitting on them is safe.
START, END = "\x02", "\x03"
ELLIPSIS = "…"
# Runs of letters and digits: the pieces both indexes cut text into, each a
# prefix when a `*` follows it. Nothing else of the user's query reaches FTS5's
# MATCH syntax or a tsquery.
TERM = re.compile(r"([^\W_]+)(\*?)")
ENGLISH = literal_column("'english'")
# ts_headline drops anything that looks like an HTML tag from its output, so
# the angle brackets pass through it as two other control characters.
BRACKETS, HIDDEN_BRACKETS = "<>", "\x04\x05"
HEADLINE = f"StartSel={START}, StopSel={END}, MaxWords=24, MinWords=12"


def include_object(obj, name, type_, reflected, compare_to):
    """Alembic's filter: leave the search index out of schema comparisons. DDL
    builds it, not the metadata, so it would show up as something to drop."""
    if type_ == "table" and name in FTS_TABLES:
        return False
    return not (type_ == "index" and name == GIN)


def terms_of(q):
    """[(word, is a prefix)] to search for in the query text `q` (`deplo*` is the
    prefix `deplo`), or a 400 Problem: none given, more than QUERY_MAX
    characters, or no letters or digits at all."""
    if not isinstance(q, str) or not q.strip():
        raise invalid("Type some words to search for.")
    if len(q) > QUERY_MAX:
        raise invalid(f"Search for at most {QUERY_MAX} characters.")
    terms = [(word, bool(star)) for word, star in TERM.findall(q)]
    if not terms:
        raise invalid("Search for words: letters or digits, not only punctuation.")
    return terms


def as_prefixes(q):
    """`q` with a `*` after each of its words that has none (None if every word
    has one): what a search that found nothing suggests, since `deplo*` finds
    "deploy" where `deplo` cannot."""
    widened = TERM.sub(lambda found: found.group(1) + "*", q)
    return widened if widened != q and len(widened) <= QUERY_MAX else None


def invalid(message):
    return Problem(400, "invalid_parameter", message, field="q")


@dataclass(frozen=True)
class Hit:
    """One message found, in a room named as the searcher sees it (a DM is named
    after the other person), with the passage that matched."""
    room: Room
    room_name: str
    message: Message
    snippet: list

    def to_json(self):
        return {"room": {"id": self.room.id, "name": self.room_name}, "message": self.message.to_json(),
                "snippet": self.snippet, "url": self.message.url}


@dataclass(frozen=True)
class Results:
    """A page of hits, where the next one starts (None: there is none), and, when
    a first page found nothing, the same query as prefixes to try instead (the
    search page shows it; an API client adds the `*` itself)."""
    hits: list
    has_more: bool
    next_offset: int | None
    suggestion: str | None = None

    def to_json(self):
        return {"results": [hit.to_json() for hit in self.hits], "has_more": self.has_more,
                "next_offset": self.next_offset}


def search(user, q, *, room_id=None, limit=PAGE, offset=0):
    """The messages matching every word of `q` in the rooms `user` is a member of
    (only `room_id`, if given), best match first and equal ones newest first:
    `limit` of them from `offset`. Tombstones and system messages never match.
    A word followed by `*` matches every word that starts with it.

    Membership is a JOIN in the query itself, so a room the user has left, or
    never joined, contributes no row. (Ranking weighs words by the whole
    index, so only the order of the user's own results can reflect the rest.)
    `has_more` is false where the next page would start past OFFSET_MAX.
    """
    terms = terms_of(q)
    mine = and_(Membership.room_id == Message.room_id, Membership.user_id == user.id)
    query = (select(Message, Room).select_from(Message).join(Membership, mine)
             .join(Room, Room.id == Message.room_id)
             .where(Message.kind == MESSAGE, Message.deleted_at.is_(None))
             .options(*Message.parts()))
    if room_id is not None:
        query = query.where(Message.room_id == room_id)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    query = (match_postgres if postgres else match_sqlite)(query, terms)
    query = query.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1).offset(offset)
    rows = db.session.execute(query).all()
    more = len(rows) > limit and offset + limit <= OFFSET_MAX
    rows = rows[:limit]
    names = names_of(user, [room for _, room, _ in rows])
    hits = [Hit(room, names[room.id], message, segments(headline(message.body, marked) if postgres else marked))
            for message, room, marked in rows]
    suggestion = as_prefixes(q) if not hits and not offset else None
    return Results(hits, more, offset + limit if more else None, suggestion)


def match_sqlite(query, terms):
    """FTS5: each word as a quoted string (its syntax has no other way in), with
    `*` after it for a prefix, all of them required; ranked by bm25, where lower
    is better."""
    fts, index = table(FTS, column("rowid")), literal_column(FTS)
    phrase = " AND ".join('"' + word.replace('"', '""') + '"' + ("*" if prefix else "") for word, prefix in terms)
    return (query.join(fts, fts.c.rowid == Message.id).where(index.op("MATCH")(phrase))
            .add_columns(func.snippet(index, 0, START, END, ELLIPSIS, 24)).order_by(func.bm25(index)))


def match_postgres(query, terms):
    """The GIN index's expression against plainto_tsquery, which reads its text
    as words joined by AND, or, with prefixes, to_tsquery's `word & prefix:*`
    (the words are letters and digits: no operator of its own gets in); ranked
    by ts_rank, where higher is better."""
    vector = func.to_tsvector(ENGLISH, Message.body)
    if any(prefix for _, prefix in terms):
        wanted = func.to_tsquery(ENGLISH, " & ".join(word + (":*" if prefix else "") for word, prefix in terms))
    else:
        wanted = func.plainto_tsquery(ENGLISH, " ".join(word for word, _ in terms))
    shown = func.translate(Message.body, BRACKETS + START + END, HIDDEN_BRACKETS)
    return (query.where(vector.op("@@", is_comparison=True)(wanted))
            .add_columns(func.ts_headline(ENGLISH, shown, wanted, HEADLINE))
            .order_by(func.ts_rank(vector, wanted).desc()))


def headline(body, marked):
    """ts_headline's passage with its brackets back, and an ellipsis at each end
    where the body goes on (FTS5's snippet adds those itself)."""
    marked = marked.translate(str.maketrans(HIDDEN_BRACKETS, BRACKETS))
    plain = marked.replace(START, "").replace(END, "")
    at = body.find(plain)
    if at < 0 or not plain:
        return marked
    return (ELLIPSIS if at > 0 else "") + marked + (ELLIPSIS if at + len(plain) < len(body) else "")


def segments(marked):
    """[{"text", "match"}] from a passage with START and END around its matches.
    A marker sets the state rather than toggling it, so a stray one could at
    worst mark the wrong words; the text is never interpreted."""
    parts, match = [], False
    for piece in re.split(f"([{START}{END}])", marked):
        if piece in (START, END):
            match = piece == START
        elif parts and parts[-1]["match"] == match:
            parts[-1]["text"] += piece
        elif piece:
            parts.append({"text": piece, "match": match})
    return parts


def searchable_rooms(user):
    """[(room id, name)] of the rooms `user` can search, by name."""
    rooms = [room for room, _ in Room.joined_by(user)]
    names = names_of(user, rooms)
    return [(room.id, names[room.id]) for room in rooms]


def names_of(user, rooms):
    """{room id: its name as `user` sees it}: a DM is named after the other person."""
    partners = Room.partners(user, rooms)
    return {room.id: partners[room.id].username if room.id in partners else room.name for room in rooms}
