"""The services the tests run against: a visible skip when one is missing (a
failure under REQUIRE_SERVICES=1, as in CI), and scratch PostgreSQL databases."""
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from chat.extensions import db
from config import database_url


def require(variable, what):
    """The service URL in `variable`; a visible skip without it (a failure under REQUIRE_SERVICES=1)."""
    value = os.environ.get(variable)
    if not value:
        unavailable(f"{what}: set {variable} to run this test")
    return value


def unavailable(reason):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 turns this skip into a failure)")
    pytest.skip(reason)


@dataclass
class PostgresDatabase:
    url: str
    engine: object

    def empty(self):
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        with self.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@contextmanager
def scratch_database(prefix):
    """A new, empty database on TEST_DATABASE_URL's server, dropped afterwards."""
    server = make_url(database_url(require("TEST_DATABASE_URL", "needs PostgreSQL")))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        unavailable(f"needs PostgreSQL, which did not answer at {server.host}:{server.port}: {error.orig}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
