"""`flask messages ...`."""
import click
from flask.cli import AppGroup

from chat.models import Message
from chat.render import RENDERER_VERSION

messages = AppGroup("messages", help="Look after stored messages.")


@messages.command("rerender")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10_000),
              help="Messages rendered and committed at a time.")
def rerender(batch):
    """Render again every message whose stored HTML is missing or from an older
    renderer (after an upgrade that changes how Markdown renders). Safe to run
    while the app serves: until then such messages render as they are shown."""
    done = 0
    for count in Message.rerender(batch):
        done += count
        click.echo(f"... {done}")
    click.echo(f"Re-rendered {done} message{'' if done == 1 else 's'} (renderer version {RENDERER_VERSION}).")
