"""`flask demo`: a few people, rooms and messages to look at (never in production)."""
import secrets

import click
from flask import current_app
from flask.cli import with_appcontext

from chat.models import Room, User

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
        room.invite(alice, bob.username)
        if not private:
            room.join(carol)
        for i, line in enumerate(DEMO_LINES):
            room.post((alice, bob)[i % 2], line)
        click.echo(f"Created room {name} (id {room.id}) with {len(DEMO_LINES)} messages.")

