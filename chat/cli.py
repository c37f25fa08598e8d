"""Operator commands: `flask users ...`, `flask rooms ...`, `flask demo`."""
import secrets

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from chat.errors import Problem
from chat.extensions import db
from chat.models import AuthToken, Room, User
from chat.provision import bench

users = AppGroup("users", help="Manage user accounts.")
rooms = AppGroup("rooms", help="Manage rooms.")


def existing_user(username):
    user = User.named(username)
    if user is None:
        raise click.ClickException(f"There is no user named {username!r}.")
    return user


@users.command("create")
@click.argument("username")
@click.password_option(help="Prompted for (twice) when not given.")
def create_user(username, password):
    """Create a user account."""
    try:
        user = User.register(username, password)
    except Problem as problem:
        raise click.ClickException(problem.message) from None
    click.echo(f"Created user {user.username} (id {user.id}).")


@users.command("token")
@click.argument("username")
def create_token(username):
    """Print a new API token for USERNAME (for bots and scripts)."""
    _, secret = AuthToken.issue(existing_user(username), "api")
    click.echo(secret)


@users.command("admin")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="Take the flag away instead.")
def set_admin(username, revoke):
    """Make USERNAME a site admin, who moderates every room and can deactivate accounts."""
    user = existing_user(username)
    user.is_admin = not revoke
    db.session.commit()
    click.echo(f"{user.username} is {'no longer' if revoke else 'now'} a site admin.")


@users.command("deactivate")
@click.argument("username")
def deactivate(username):
    """End USERNAME's sessions, tokens and open streams, and refuse new logins."""
    user = existing_user(username)
    user.deactivate()
    click.echo(f"Deactivated {user.username}: their sessions and tokens are revoked.")


@rooms.command("create")
@click.argument("name")
@click.option("--owner", required=True, help="Username of the room's owner.")
@click.option("--topic", default="", help="The room's topic.")
@click.option("--private", is_flag=True, help="Invite-only.")
def create_room(name, owner, topic, private):
    """Create a room owned by an existing user."""
    try:
        room = Room.create(existing_user(owner), name, topic, private)
    except Problem as problem:
        raise click.ClickException(problem.message) from None
    click.echo(f"Created room {room.name} (id {room.id}).")


DEMO_USERS = ("alice", "bob", "carol")
DEMO_ROOMS = (("general", "Anything goes", False), ("random", "Off-topic", False),
              ("secret", "Invite only", True))
DEMO_LINES = ("Hello, everyone!", "Hi alice. Welcome to the demo.", "Is the coffee machine fixed?",
              "Not yet; bring your own.", "Ha. See you at standup.")


@click.command("demo")
@with_appcontext
@click.option("--password", help="Password for the demo users (default: a random one, printed).")
def load_demo(password):
    """Load demo users, rooms and messages (development only; idempotent)."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException("Refusing to load demo accounts into a production database.")
    password = password or secrets.token_urlsafe(12)
    people = []
    for name in DEMO_USERS:
        user = User.named(name)
        if user is None:
            user = User.register(name, password)
            click.echo(f"Created user {name} with password {password}")
        people.append(user)
    alice, bob, carol = people
    for name, topic, private in DEMO_ROOMS:
        if any(m.room.name == name for m in alice.memberships):
            continue
        room = Room.create(alice, name, topic, private)
        room.invite(bob.username)
        if not private:
            room.join(carol)
        for i, line in enumerate(DEMO_LINES):
            room.post((alice, bob)[i % 2], line)
        click.echo(f"Created room {name} (id {room.id}) with {len(DEMO_LINES)} messages.")


COMMANDS = (users, rooms, load_demo, bench)
