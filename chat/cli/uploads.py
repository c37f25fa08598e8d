"""`flask uploads cleanup`: for a cron, the files nobody posted."""
from datetime import timedelta

import click
from flask.cli import AppGroup

from chat.models import Upload

uploads = AppGroup("uploads", help="Manage uploaded files.")


@uploads.command("cleanup")
@click.option("--older-than", type=click.FloatRange(min=0), default=24, show_default=True,
              help="Hours an upload may stay unposted.")
def cleanup(older_than):
    """Remove uploads that were never posted with a message, rows and files."""
    count = Upload.sweep(timedelta(hours=older_than))
    click.echo(f"Removed {count} unposted upload{'' if count == 1 else 's'} older than {older_than:g} hours.")
