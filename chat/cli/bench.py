"""Bulk accounts for benchmarks: `flask bench provision`.

Tens of thousands of users, rooms, memberships and API tokens, written with a
few multi-row INSERTs instead of one ORM round trip (and one password hash)
each. Every bench account shares a single password hash, computed once; the
tokens are what the load tool uses. Refused in production.
"""
import json
import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import insert, select

from chat.extensions import db
from chat.models import AuthToken, Membership, Room, User
from chat.models.membership import MEMBER, OWNER
from chat.models.token import digest
from chat.models.types import utcnow
from chat.models.user import username_key

BATCH = 2000

bench = AppGroup("bench", help="Benchmark helpers (never for production databases).")


def plan_rooms(users, room_size, big_sizes):
    """[(name, [user index, ...])]: consecutive users in rooms of `room_size`,
    then one room for each of `big_sizes` holding the first that many users."""
    rooms = [(f"bench room {start // room_size}", list(range(start, min(start + room_size, users))))
             for start in range(0, users, room_size)]
    rooms += [(f"bench big {size}", list(range(min(size, users)))) for size in big_sizes]
    return rooms


def provision(users, room_size, big_sizes, prefix, password):
    """Create the accounts, rooms and tokens; returns the manifest the load tool reads:
    {"users": [[id, username, token], ...], "rooms": [[id, name, [user index, ...]], ...]}."""
    names = [f"{prefix}{i}" for i in range(users)]
    if db.session.scalar(select(User.id).where(User.username_key == username_key(names[0]))):
        raise click.ClickException(f"{names[0]} already exists: choose another --prefix or a fresh database.")
    user = User(username=names[0])
    user.set_password(password)  # hashed once, shared by every bench account
    now = utcnow()
    insert_all(User, [{"username": name, "username_key": username_key(name), "password_hash": user.password_hash,
                       "created_at": now} for name in names])
    ids = ids_by_name(names)
    user_ids = [ids[name] for name in names]
    tokens = [secrets.token_urlsafe(24) for _ in names]
    insert_all(AuthToken, [{"user_id": uid, "kind": "api", "digest": digest(token), "created_at": now}
                           for uid, token in zip(user_ids, tokens)])
    layout = plan_rooms(users, room_size, big_sizes)
    insert_all(Room, [{"name": name, "topic": "benchmark", "private": False, "last_seq": 0,
                       "created_by_id": user_ids[members[0]], "created_at": now} for name, members in layout])
    room_ids = room_ids_by_name([name for name, _ in layout])
    insert_all(Membership, [{"user_id": user_ids[index], "room_id": room_ids[name], "role": OWNER if i == 0 else MEMBER,
                             "last_read_seq": 0, "created_at": now}
                            for name, members in layout for i, index in enumerate(members)])
    db.session.commit()
    return {"users": [[uid, name, token] for uid, name, token in zip(user_ids, names, tokens)],
            "rooms": [[room_ids[name], name, members] for name, members in layout]}


def insert_all(model, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model.__table__), rows[start:start + BATCH])


def ids_by_name(names):
    ids = {}
    for start in range(0, len(names), BATCH):
        chunk = names[start:start + BATCH]
        ids.update(db.session.execute(select(User.username, User.id).where(User.username.in_(chunk))).all())
    return ids


def room_ids_by_name(names):
    """Bench room names are unique within one provisioning, and the newest win."""
    ids = {}
    for start in range(0, len(names), BATCH):
        chunk = names[start:start + BATCH]
        ids.update(db.session.execute(select(Room.name, Room.id).where(Room.name.in_(chunk)).order_by(Room.id)).all())
    return ids


@bench.command("provision")
@click.option("--users", type=click.IntRange(1, 200_000), default=1000, show_default=True)
@click.option("--room-size", type=click.IntRange(1, 10_000), default=20, show_default=True,
              help="Users per small room (consecutive users share a room).")
@click.option("--big", default="", help="Comma-separated sizes of extra rooms holding the first N users.")
@click.option("--prefix", default="bench-", show_default=True, help="Usernames are PREFIX0, PREFIX1, ...")
@click.option("--password", default=None, help="One password for every bench account (default: random, unprinted).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the manifest (JSON: user ids, names, tokens; room ids and members).")
def provision_command(users, room_size, big, prefix, password, out):
    """Create bench users, rooms, memberships and API tokens in bulk (benchmarks only)."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Refusing to create benchmark accounts in production (CHAT_ENV=production).")
    try:
        big_sizes = [int(size) for size in big.split(",") if size.strip()]
    except ValueError:
        raise click.BadParameter("--big takes comma-separated numbers, like 1000,5000") from None
    manifest = provision(users, room_size, big_sizes, prefix, password or secrets.token_urlsafe(18))
    with open(out, "w", encoding="utf-8") as file:
        json.dump(manifest, file)
    click.echo(f"Provisioned {users} users with API tokens and {len(manifest['rooms'])} rooms; manifest in {out}.")
