"""`flask rooms ...`."""
import click
from flask.cli import AppGroup

from chat.cli.users import existing_user
from chat.errors import Problem
from chat.models import Room

rooms = AppGroup("rooms", help="Manage rooms.")


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
