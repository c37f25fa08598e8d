"""add full-text search of message bodies

Revision ID: a2298ba9b1e5
Revises: d87fb9c702c4
Create Date: 2026-11-25 08:31:08.580045

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a2298ba9b1e5'
down_revision = 'd87fb9c702c4'
branch_labels = None
depends_on = None

# A copy of the DDL in chat/models/search.py as it stands at this revision, not
# an import of it: a migration is one step of the schema's history and must
# build the same thing for ever, while the app's module moves on (a new
# tokenizer there would come with a migration of its own).
SQLITE = (
    "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    # Index the messages already there.
    "INSERT INTO messages_fts(messages_fts) VALUES('rebuild')",
)
# Building the index locks the table against writes for as long as it takes.
POSTGRESQL = ("CREATE INDEX ix_messages_body_fts ON messages USING gin (to_tsvector('english', body))",)


def upgrade():
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(op.get_context().dialect.name, ()):
        op.execute(statement)


def downgrade():
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for trigger in ("messages_fts_insert", "messages_fts_update", "messages_fts_delete"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE messages_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_messages_body_fts")
